// What the integration tests of every service use to call the suite's gRPC
// APIs and check the answers: a client context, unique names, one-line unary
// calls, status matchers (which also hold every error message free of SQL
// and database text), a List method read to its last page, and code run on
// threads released together.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/requests.h"
#include "common/testing/text_proto.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace kam::testing {

// A client context with a deadline and the caller's name (x-kam-actor).
std::unique_ptr<grpc::ClientContext> Context(const std::string& actor = "test",
                                             absl::Duration deadline = absl::Seconds(20));

// Context(actor, deadline) that also carries `token` as its bearer token
// (a secured suite's LocalSuite::token(role); "": none).
std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token,
                                                  const std::string& actor = "test",
                                                  absl::Duration deadline = absl::Seconds(20));

// A short string unique within one test run, for names and request ids.
std::string Unique(const std::string& prefix);

// What a unary call answered.
template <typename Response>
struct Reply {
  grpc::Status status;
  Response value;
};

// One unary call of any stub with a fresh Context(actor), e.g.
// Call(Billing(), &BillingStub::GetOrder, request).
template <typename Stub, typename Request, typename Response>
Reply<Response> Call(Stub& stub,
                     grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                     const Request& request, const std::string& actor = "test") {
  Reply<Response> reply;
  reply.status = (stub.*method)(Context(actor).get(), request, &reply.value);
  return reply;
}

// Requests of the standard methods, built the same way for every resource:
//   ByName<GetAccountRequest>(name)
//   ByNameAndEtag<DeleteAccountRequest>(name, etag)   (etag "": no check)
//   UpdateRequest<UpdateAccountRequest>(patch, {"display_name"})
// UpdateRequest puts `patch` into the request's field of its type and
// `paths` into the update mask.
using common::testing::ByName;
using common::testing::ByNameAndEtag;

// The field of `request`'s type that holds a `resource` message; fails the
// test and returns nullptr unless there is exactly one.
const google::protobuf::FieldDescriptor* ResourceField(
    const google::protobuf::Descriptor& request, const google::protobuf::Descriptor& resource);

// A patch of resource `name` at `etag` ("": no check); the test sets the
// fields it changes and names them in UpdateRequest's paths.
template <typename Resource>
Resource Patch(const std::string& name, const std::string& etag = "") {
  Resource patch;
  patch.set_name(name);
  patch.set_etag(etag);
  return patch;
}

template <typename Request, typename Resource>
Request UpdateRequest(const Resource& patch, const std::vector<std::string>& paths) {
  Request request;
  const google::protobuf::FieldDescriptor* field =
      ResourceField(*Request::descriptor(), *Resource::descriptor());
  if (field != nullptr) request.GetReflection()->MutableMessage(&request, field)->CopyFrom(patch);
  for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
  return request;
}

// A create request of `resource` (put into the request's field of its type)
// with a fresh request_id Unique(`request_id_prefix`).
template <typename Request, typename Resource>
Request CreateRequest(const Resource& resource, const std::string& request_id_prefix) {
  Request request;
  const google::protobuf::FieldDescriptor* field =
      ResourceField(*Request::descriptor(), *Resource::descriptor());
  if (field != nullptr)
    request.GetReflection()->MutableMessage(&request, field)->CopyFrom(resource);
  request.set_request_id(Unique(request_id_prefix));
  return request;
}

// "NOT_FOUND" and so on.
std::string CodeName(grpc::StatusCode code);

// What every error message of the suite is held to: no SQL and no database
// text (statements, table names, the server's own messages); and no longer
// than the limit below.
::testing::AssertionResult CleanMessage(const grpc::Status& status);

// The longest error message CleanMessage accepts from now on (no limit by
// default). A binary that sends huge values sets one in main(), so that no
// answer may echo them back.
void SetMessageLimit(size_t bytes);

// `status` has `code`, and its message is clean.
::testing::AssertionResult HasCode(const grpc::Status& status, grpc::StatusCode code);

// `status` has `code` (clean) and its message mentions `text`.
::testing::AssertionResult HasCodeMentioning(const grpc::Status& status, grpc::StatusCode code,
                                             const std::string& text);

// INVALID_ARGUMENT (clean) whose message names the field first, then the
// rule: "<field> <what is wrong>".
::testing::AssertionResult IsInvalidField(const grpc::Status& status, const std::string& field);

// INVALID_ARGUMENT (clean) whose message starts with `prefix` and goes on to
// a rule, for a field whose full path the test does not spell out (e.g. a
// label key a megabyte long).
::testing::AssertionResult IsInvalidStartingWith(const grpc::Status& status,
                                                 const std::string& prefix);

#define ASSERT_OK(status) ASSERT_TRUE(::kam::testing::HasCode((status), ::grpc::StatusCode::OK))
#define EXPECT_OK(status) EXPECT_TRUE(::kam::testing::HasCode((status), ::grpc::StatusCode::OK))
#define EXPECT_CODE(status, code) \
  EXPECT_TRUE(::kam::testing::HasCode((status), ::grpc::StatusCode::code))

// The answer of a call that must succeed (with a clean message); the test
// fails otherwise and gets the empty answer.
template <typename Response>
Response OkValue(const Reply<Response>& reply) {
  EXPECT_OK(reply.status);
  return reply.value;
}

// A message from its text notation (common/testing/text_proto.h).
using common::testing::ParseTextProto;

// Field-by-field equality of two messages of the same type.
bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b);

// A unary method of `Stub`.
template <typename Stub, typename Request, typename Response>
using UnaryMethod = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// The standard methods of one resource (Get, Update, Delete, Undelete) as
// one-line calls with a fresh Context() on the stub that `stub()` returns, e.g.
//   const StandardMethods kContacts(Accounts, &AccountApi::GetContact, &AccountApi::UpdateContact,
//                                   &AccountApi::DeleteContact, &AccountApi::UndeleteContact);
//   kContacts.Delete(name, etag)   (etag "": no check)
template <typename Stub, typename Resource, typename GetReq, typename UpdateReq, typename DeleteReq,
          typename UndeleteReq>
class StandardMethods {
 public:
  StandardMethods(Stub& (*stub)(), UnaryMethod<Stub, GetReq, Resource> get,
                  UnaryMethod<Stub, UpdateReq, Resource> update,
                  UnaryMethod<Stub, DeleteReq, Resource> del,
                  UnaryMethod<Stub, UndeleteReq, Resource> undelete)
      : stub_(stub), get_(get), update_(update), delete_(del), undelete_(undelete) {}

  Reply<Resource> Get(const std::string& name) const {
    return Call(stub_(), get_, ByName<GetReq>(name));
  }
  Reply<Resource> Update(const Resource& patch, const std::vector<std::string>& paths) const {
    return Call(stub_(), update_, UpdateRequest<UpdateReq>(patch, paths));
  }
  Reply<Resource> Delete(const std::string& name, const std::string& etag = "") const {
    return Call(stub_(), delete_, ByNameAndEtag<DeleteReq>(name, etag));
  }
  Reply<Resource> Undelete(const std::string& name, const std::string& etag = "") const {
    return Call(stub_(), undelete_, ByNameAndEtag<UndeleteReq>(name, etag));
  }

  // Sends Update(patch, paths) and checks that it changed `before` into
  // `expected` (what the masked fields should now hold) and nothing else: the
  // answer and a later Get are `expected` with the answer's update_time and a
  // new etag. Returns the answer.
  Resource ExpectUpdateGives(const Resource& before, Resource expected, const Resource& patch,
                             const std::vector<std::string>& paths) const {
    Reply<Resource> updated = Update(patch, paths);
    EXPECT_OK(updated.status);
    *expected.mutable_update_time() = updated.value.update_time();
    expected.set_etag(updated.value.etag());
    EXPECT_TRUE(Same(updated.value, expected)) << updated.value.DebugString();
    EXPECT_TRUE(Same(Get(before.name()).value, expected));
    EXPECT_NE(updated.value.etag(), before.etag());
    return updated.value;
  }

 private:
  Stub& (*stub_)();
  UnaryMethod<Stub, GetReq, Resource> get_;
  UnaryMethod<Stub, UpdateReq, Resource> update_;
  UnaryMethod<Stub, DeleteReq, Resource> delete_;
  UnaryMethod<Stub, UndeleteReq, Resource> undelete_;
};

// The repeated field of `response` that holds `item` messages (the items of
// a List response); fails the test and returns nullptr unless there is
// exactly one.
const google::protobuf::FieldDescriptor* ItemsField(const google::protobuf::Descriptor& response,
                                                    const google::protobuf::Descriptor& item);

// Reads a List method page after page (at most `max_pages`) from `request`
// (filter, page size and so on set by the caller), calling
// `each(response, page)` with every page's answer, page 0 first (`each` may
// check a page, or write between pages: the next page is asked for after it
// returns). Returns how many pages were read. A page that fails fails the
// test and ends the list.
template <typename Stub, typename Request, typename Response, typename Each>
int ForEachPage(Stub& stub,
                grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                Request request, Each each, int max_pages = 100) {
  int pages = 0;
  while (pages < max_pages) {
    Reply<Response> reply = Call(stub, method, request);
    EXPECT_OK(reply.status);
    if (!reply.status.ok()) break;
    each(reply.value, pages++);
    if (reply.value.next_page_token().empty()) break;
    request.set_page_token(reply.value.next_page_token());
  }
  return pages;
}

// Every `Item` of a List method, read with ForEachPage, e.g.
//   AllPages<bv1::Order>(Billing(), &BillingStub::ListOrders, request)
// The items are the response's repeated field of Items.
template <typename Item, typename Stub, typename Request, typename Response>
std::vector<Item> AllPages(Stub& stub,
                           grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                        Response*),
                           Request request, int max_pages = 100) {
  std::vector<Item> all;
  const google::protobuf::FieldDescriptor* items =
      ItemsField(*Response::descriptor(), *Item::descriptor());
  if (items == nullptr) return all;
  ForEachPage(
      stub, method, std::move(request),
      [&](const Response& page, int) {
        for (const Item& item :
             page.GetReflection()->template GetRepeatedFieldRef<Item>(page, items)) {
          all.push_back(item);
        }
      },
      max_pages);
  return all;
}

// Every `Item` of a List method that takes a filter and shows deleted items
// when asked, read in pages of `page_size`, e.g.
//   ListMatching<bv1::Order>(Billing(), &BillingStub::ListOrders, "state = OPEN")
template <typename Item, typename Stub, typename Request, typename Response>
std::vector<Item> ListMatching(Stub& stub, UnaryMethod<Stub, Request, Response> list,
                               const std::string& filter, bool show_deleted = false,
                               int page_size = 1000) {
  Request request;
  request.set_filter(filter);
  request.set_show_deleted(show_deleted);
  request.set_page_size(page_size);
  return AllPages<Item>(stub, list, request);
}

// A create and its retry with the same request_id, both sent by `create()`
// (`between()` runs in between: a change the retry must not see): both
// succeed and the retry answers the first call's resource, which it returns.
template <typename Create>
auto ExpectRetryAnswersTheFirst(
    Create create, const std::function<void()>& between = [] {}) -> decltype(create().value) {
  const auto first = create();
  EXPECT_OK(first.status);
  between();
  const auto retry = create();
  EXPECT_OK(retry.status);
  EXPECT_TRUE(Same(retry.value, first.value));
  return first.value;
}

// Runs `fn(i)` for i in [0, n) on n threads released together; returns when
// all are done.
template <typename Fn>
void RunTogether(int n, Fn fn) {
  absl::Notification start;
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.WaitForNotification();
      fn(i);
    });
  }
  start.Notify();
  for (std::thread& t : threads) t.join();
}

// What `call(i)` answers for i in [0, n), called on n threads released
// together (RunTogether).
template <typename Fn>
auto CallTogether(int n, Fn call) -> std::vector<decltype(call(0))> {
  std::vector<decltype(call(0))> replies(n);
  RunTogether(n, [&](int i) { replies[i] = call(i); });
  return replies;
}

// The names of the resources that concurrent retries of one create answered
// (one name when the create is idempotent). Each reply is OK, or has the
// code `skipped` (say ABORTED, where a caller that raced the first insert
// may be told to retry while it commits): nothing else.
template <typename Resource>
std::set<std::string> CreatedNames(const std::vector<Reply<Resource>>& replies,
                                   grpc::StatusCode skipped = grpc::StatusCode::OK) {
  std::set<std::string> names;
  for (const Reply<Resource>& reply : replies) {
    if (!reply.status.ok() && reply.status.error_code() == skipped) continue;
    EXPECT_OK(reply.status);
    names.insert(reply.value.name());
  }
  return names;
}

// How many of `statuses` are OK; every other one has `refused` (clean).
int CountOk(const std::vector<grpc::Status>& statuses, grpc::StatusCode refused);

// Polls `done` every `every` until it holds (true) or `timeout` passes
// (false).
template <typename Predicate>
bool PollUntil(Predicate done, absl::Duration timeout,
               absl::Duration every = absl::Milliseconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(every);
  }
  return true;
}

}  // namespace kam::testing
