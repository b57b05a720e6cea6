// Walking every method of the suite, for the security tests (access_test,
// update_mask_test): the methods, a call of any of them by its descriptor
// with a request given as serialized bytes, and the row counts that show
// nothing was written.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/auth/access_table.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/harness/api_test_util.h"
#include "tests/harness/suite_environment.h"

namespace kam::testing {

// "account" for a method of kam.account.v1.
inline std::string ServiceOf(const google::protobuf::MethodDescriptor& method) {
  const std::vector<std::string> parts = absl::StrSplit(method.service()->full_name(), '.');
  return parts.size() > 1 ? parts[1] : "";
}

// "/kam.account.v1.AccountService/GetAccount".
inline std::string PathOf(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

// A server stream read to its end (a generic call carries one request and
// half-closes, which is what a server-streaming method expects).
class StreamDrain : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  grpc::Status Run(grpc::GenericStub& stub, grpc::ClientContext* context, const std::string& path,
                   const grpc::ByteBuffer& request) {
    stub.PrepareBidiStreamingCall(context, path, grpc::StubOptions(), this);
    StartWrite(&request);
    StartWritesDone();
    StartRead(&response_);
    StartCall();
    done_.WaitForNotification();
    return status_;
  }
  void OnReadDone(bool ok) override {
    if (ok) StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    status_ = status;
    done_.Notify();
  }

 private:
  grpc::ByteBuffer response_;
  grpc::Status status_;
  absl::Notification done_;
};

// `method` called with the serialized `request` by `token`, which also
// claims to be "mallory" in x-kam-actor.
inline grpc::Status CallGeneric(const google::protobuf::MethodDescriptor& method,
                                const std::string& request, const std::string& token) {
  // One channel per service for the whole test: a TLS handshake per call
  // would make a walk minutes long.
  static std::map<std::string, std::shared_ptr<grpc::Channel>>* const channels =
      new std::map<std::string, std::shared_ptr<grpc::Channel>>();
  std::shared_ptr<grpc::Channel>& channel = (*channels)[ServiceOf(method)];
  if (channel == nullptr) channel = Suite().Channel(ServiceOf(method));
  grpc::GenericStub stub(channel);
  // A stream that is let through may stay open (WatchAlerts waits for alerts):
  // a refusal would come at once, so a short deadline tells them apart.
  std::unique_ptr<grpc::ClientContext> context = TokenContext(
      token, "mallory", method.server_streaming() ? absl::Seconds(2) : absl::Seconds(20));
  grpc::Slice bytes(request);
  const grpc::ByteBuffer buffer(&bytes, 1);
  if (method.server_streaming()) {
    return StreamDrain().Run(stub, context.get(), PathOf(method), buffer);
  }
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(context.get(), PathOf(method), grpc::StubOptions(), &buffer, &response,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status;
}

// Every method of the suite: the access table's (access_table_test proves
// they are exactly the methods of protos/), each found in the generated
// descriptors.
inline std::vector<const google::protobuf::MethodDescriptor*> AllMethods() {
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const auth::MethodAccess& entry : auth::KamAccessTable()) {
    std::string name = entry.method.substr(1);
    name[name.find('/')] = '.';
    const google::protobuf::MethodDescriptor* method =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
    EXPECT_NE(method, nullptr) << entry.method;
    if (method != nullptr) methods.push_back(method);
  }
  return methods;
}

// The rows of every table of the three schemas, one "schema.table count" line
// each.
inline std::string RowCounts() {
  absl::StatusOr<std::string> query = Suite().db().QueryAsRoot(
      "SELECT GROUP_CONCAT(CONCAT('SELECT ''', table_schema, '.', table_name, ''', COUNT(*) "
      "FROM `', table_schema, '`.`', table_name, '`') SEPARATOR ' UNION ALL ') "
      "FROM information_schema.tables WHERE table_schema LIKE 'kam\\_%' "
      "AND table_type = 'BASE TABLE'");
  EXPECT_TRUE(query.ok()) << query.status();
  absl::StatusOr<std::string> counts = Suite().db().QueryAsRoot(query.value_or("SELECT 1"));
  EXPECT_TRUE(counts.ok()) << counts.status();
  return counts.value_or("");
}

// A secured suite of all three services with no rate limits: a walk calls
// every method as each role in quick succession.
inline LocalSuite::Options WalkSuiteOptions() {
  LocalSuite::Options options;
  options.services = AllServices();
  options.secured = true;
  for (const std::string& service : options.services) {
    options.args[service] = {"--rate_limits=admin=0,account_manager=0,service_agent=0,analyst=0"};
  }
  return options;
}

}  // namespace kam::testing
