// Test-only: what the area handler tests add to the checks every service
// makes (common/testing/handler_checks.h: Bind, ExpectIdempotentCreate,
// ExpectRefused) for FakeAccountDatabase.
//
//   Answer             the response of a call that must succeed;
//   ExpectRefused      a call fails with the given code and changes no row
//                      of the fake (a stale etag: ABORTED);
//   ExpectUnavailable  ExpectRefused with the database down: UNAVAILABLE;
//   UpdateOf           an Update request that sets one field of a resource;
//   Granted, BindAs    a caller with tokens on: the role the gate granted
//                      and, for an account manager, whose accounts.
#pragma once

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/testing/handler_checks.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "services/account/fake_account_database.h"
#include "services/account/shared/field_rule_cases.h"

namespace kam::account::testing {

using common::testing::Bind;
using common::testing::Call;
using common::testing::ExpectIdempotentCreate;

// A caller the gate authorised as `role`; an account manager (`user`
// non-empty) is narrowed to the accounts whose team `user` is on.
inline common::CallContext Granted(auth::Role role, std::string user = "") {
  common::CallContext caller = common::testing::Caller(user.empty() ? "tester" : user);
  caller.grant = auth::Grant{role, std::move(user)};
  return caller;
}

// `handler` of `object`, called as `caller`.
template <typename Object, typename Request, typename Response>
Call<Request, Response> BindAs(Object* object,
                               absl::Status (Object::*handler)(const common::CallContext&,
                                                               const Request&, Response*),
                               common::CallContext caller) {
  return [object, handler, caller = std::move(caller)](const Request& request, Response* response) {
    return (object->*handler)(caller, request, response);
  };
}

template <typename Request, typename Response>
Response Answer(const Call<Request, Response>& call, const Request& request) {
  absl::StatusOr<Response> answer = common::testing::Answer(call, request);
  EXPECT_TRUE(answer.ok()) << answer.status();
  return answer.ok() ? *std::move(answer) : Response();
}

template <typename Request, typename Response>
void ExpectRefused(FakeAccountDatabase& db, const Call<Request, Response>& call,
                   const Request& request, absl::StatusCode code) {
  common::testing::ExpectRefused(call, request, code, [&db] { return db.Dump(); });
}

template <typename Request, typename Response>
void ExpectUnavailable(FakeAccountDatabase& db, const Call<Request, Response>& call,
                       const Request& request) {
  db.SetDown(true);
  ExpectRefused(db, call, request, absl::StatusCode::kUnavailable);
  db.SetDown(false);
}

// An `UpdateRequest` of `resource` (its name and etag as given) with `path`
// set to `value` and in the update mask.
template <typename UpdateRequest, typename Resource>
UpdateRequest UpdateOf(const Resource& resource, absl::string_view path, FieldValue value) {
  UpdateRequest request;
  const google::protobuf::Descriptor* descriptor = UpdateRequest::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->message_type() != Resource::descriptor()) continue;
    google::protobuf::Message* patch = request.GetReflection()->MutableMessage(&request, field);
    patch->CopyFrom(resource);
    SetField(*patch, path, value);
  }
  request.mutable_update_mask()->add_paths(std::string(path));
  return request;
}

}  // namespace kam::account::testing
