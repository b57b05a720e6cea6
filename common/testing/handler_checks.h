// The checks every service's handler unit tests make, written once. A
// handler is called as `call(request, &response)` (Bind a handler object
// and a caller). Test-only.
//
//   ExpectIdempotentCreate: a create (common/api/idempotency.h) writes one
//     row on the first call; a retry with the same request_id answers the
//     same resource and writes nothing; the same request_id with another
//     body is ALREADY_EXISTS, with the message callers see, and writes
//     nothing.
//   ExpectRefused: a call fails with the given code and changes nothing
//     (a stale etag: ABORTED; the database or another service down:
//     UNAVAILABLE).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/server/grpc_server.h"
#include "gtest/gtest.h"

namespace kam::common::testing {

template <typename Request, typename Response>
using Call = std::function<absl::Status(const Request&, Response*)>;

// A caller named `actor`, as the x-kam-actor metadata names it.
inline CallContext Caller(std::string actor = "tester") {
  CallContext caller;
  caller.actor = std::move(actor);
  return caller;
}

// `handler` of `object`, called as `actor`.
template <typename Object, typename Request, typename Response>
Call<Request, Response> Bind(Object* object,
                             absl::Status (Object::*handler)(const CallContext&, const Request&,
                                                             Response*),
                             std::string actor = "tester") {
  return [object, handler, caller = Caller(std::move(actor))](const Request& request,
                                                              Response* response) {
    return (object->*handler)(caller, request, response);
  };
}

// What a call answers: the response, or the error.
template <typename Request, typename Response>
absl::StatusOr<Response> Answer(const Call<Request, Response>& call, const Request& request) {
  Response response;
  if (absl::Status status = call(request, &response); !status.ok()) return status;
  return response;
}

// The same, straight from a handler object.
template <typename Object, typename Request, typename Response>
absl::StatusOr<Response> Answer(Object& object,
                                absl::Status (Object::*handler)(const CallContext&,
                                                                const Request&, Response*),
                                const Request& request, std::string actor = "tester") {
  return Answer(Bind(&object, handler, std::move(actor)), request);
}

// `rows()` counts the rows the create writes. Returns the first answer.
template <typename Request, typename Response>
Response ExpectIdempotentCreate(const Call<Request, Response>& create, const Request& request,
                                const Request& other_body, const std::function<size_t()>& rows) {
  const size_t before = rows();
  const absl::StatusOr<Response> first = Answer(create, request);
  EXPECT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(rows(), before + 1) << "the first call writes one row";

  const absl::StatusOr<Response> retry = Answer(create, request);
  EXPECT_TRUE(retry.ok()) << retry.status();
  if (first.ok() && retry.ok()) {
    EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString())
        << "a retry answers the first call's resource";
  }
  EXPECT_EQ(rows(), before + 1) << "a retry writes nothing";

  const absl::StatusOr<Response> reused = Answer(create, other_body);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists) << reused.status();
  const absl::string_view method = absl::StripSuffix(Request::descriptor()->name(), "Request");
  EXPECT_EQ(reused.status().message(),
            absl::StrCat("request_id \"", request.request_id(),
                         "\" was already used by a different ", method, " request"));
  EXPECT_EQ(rows(), before + 1) << "a reused request_id writes nothing";
  return first.ok() ? *first : Response();
}

// `snapshot()` renders everything the call could change.
template <typename Request, typename Response>
void ExpectRefused(const Call<Request, Response>& call, const Request& request,
                   absl::StatusCode code, const std::function<std::string()>& snapshot) {
  const std::string before = snapshot();
  const absl::StatusOr<Response> answer = Answer(call, request);
  EXPECT_EQ(answer.status().code(), code) << answer.status();
  EXPECT_EQ(snapshot(), before) << "a refused call changes nothing";
}

}  // namespace kam::common::testing
