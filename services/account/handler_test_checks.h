// Test-only: the checks every area's handler unit tests make against
// FakeAccountDatabase, written once. A handler is called as
// `call(request, &response)` (bind the handler object and a CallContext).
//
//   ExpectIdempotentCreate: a create (common/api/idempotency.h) writes one
//     row on the first call; a retry with the same request_id answers the
//     same resource and writes nothing; the same request_id with another
//     body is ALREADY_EXISTS and writes nothing.
//   ExpectRefused: a call fails with the given code and changes no row
//     (a stale etag: ABORTED; the database down: UNAVAILABLE).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/server/grpc_server.h"
#include "gtest/gtest.h"
#include "services/account/fake_account_database.h"

namespace kam::account::testing {

template <typename Request, typename Response>
using Call = std::function<absl::Status(const Request&, Response*)>;

// `handler` of `object` called with a fixed context (actor "tester").
template <typename Object, typename Request, typename Response>
Call<Request, Response> Bind(Object* object,
                             absl::Status (Object::*handler)(const common::CallContext&,
                                                             const Request&, Response*)) {
  return [object, handler](const Request& request, Response* response) {
    common::CallContext context;
    context.actor = "tester";
    return (object->*handler)(context, request, response);
  };
}

// The response of a call that must succeed.
template <typename Request, typename Response>
Response Answer(const Call<Request, Response>& call, const Request& request) {
  Response response;
  const absl::Status status = call(request, &response);
  EXPECT_TRUE(status.ok()) << status;
  return response;
}

// `rows()` counts the rows the create writes.
template <typename Request, typename Response>
Response ExpectIdempotentCreate(const Call<Request, Response>& create, const Request& request,
                                const Request& other_body, const std::function<size_t()>& rows) {
  const size_t before = rows();
  const Response first = Answer(create, request);
  EXPECT_EQ(rows(), before + 1) << "the first call writes one row";

  EXPECT_EQ(Answer(create, request).SerializeAsString(), first.SerializeAsString())
      << "a retry answers the first call's resource";
  EXPECT_EQ(rows(), before + 1) << "a retry writes nothing";

  Response ignored;
  const absl::Status reused = create(other_body, &ignored);
  EXPECT_EQ(reused.code(), absl::StatusCode::kAlreadyExists) << reused;
  const absl::string_view method = absl::StripSuffix(Request::descriptor()->name(), "Request");
  EXPECT_EQ(reused.message(),
            absl::StrCat("request_id \"", request.request_id(),
                         "\" was already used by a different ", method, " request"));
  EXPECT_EQ(rows(), before + 1) << "a reused request_id writes nothing";
  return first;
}

template <typename Request, typename Response>
void ExpectRefused(FakeAccountDatabase& db, const Call<Request, Response>& call,
                   const Request& request, absl::StatusCode code) {
  const std::string before = db.Dump();
  Response ignored;
  const absl::Status status = call(request, &ignored);
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(db.Dump(), before) << "a refused call changes nothing";
}

// ExpectRefused with the database down: UNAVAILABLE.
template <typename Request, typename Response>
void ExpectUnavailable(FakeAccountDatabase& db, const Call<Request, Response>& call,
                       const Request& request) {
  db.SetDown(true);
  ExpectRefused(db, call, request, absl::StatusCode::kUnavailable);
  db.SetDown(false);
}

}  // namespace kam::account::testing
