#include "common/auth/access_table.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace kam::auth {
namespace {

// Every method of every service declared under protos/, by full gRPC name,
// from the descriptors compiled into this test (kam_protos is linked whole, so
// each .proto's descriptor is registered even though nothing names it).
std::set<std::string> MethodsOfTheProtos() {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(KAM_SOURCE_DIR) / "protos";
  std::set<std::string> methods;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".proto") continue;
    const std::string name = fs::relative(entry.path(), root).generic_string();
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    EXPECT_NE(file, nullptr) << name << " is not compiled into kam_protos";
    if (file == nullptr) continue;
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.insert("/" + service->full_name() + "/" + service->method(m)->name());
      }
    }
  }
  return methods;
}

std::set<std::string> MethodsOfTheTable() {
  std::set<std::string> methods;
  for (const MethodAccess& entry : KamAccessTable()) methods.insert(entry.method);
  return methods;
}

TEST(AccessTableTest, NamesEveryMethodOfTheProtosAndNothingElse) {
  const std::set<std::string> protos = MethodsOfTheProtos();
  const std::set<std::string> table = MethodsOfTheTable();
  EXPECT_GT(protos.size(), 100u);
  for (const std::string& method : protos) {
    EXPECT_EQ(table.count(method), 1u) << method << " has no entry: decide who may call it";
  }
  for (const std::string& method : table) {
    EXPECT_EQ(protos.count(method), 1u) << method << " is in no .proto";
  }
  EXPECT_TRUE(KamAccessPolicy().ok());
}

// Whether a method changes something, by its verb (AIP standard and custom
// methods; a batch method's verb follows "Batch"). Used to check that
// read-only roles get no write.
bool Writes(const std::string& method) {
  std::string name = method.substr(method.rfind('/') + 1);
  if (absl::StartsWith(name, "Batch")) name = name.substr(5);
  for (const char* verb :
       {"Create",     "Update", "Delete", "Undelete", "Set",         "Add",    "End",
        "Transition", "Mark",   "Record", "Cancel",   "Void",        "Append", "Escalate",
        "Change",     "Move",   "Close",  "Reopen",   "Acknowledge", "Start",  "Run",
        "Terminate"}) {
    if (absl::StartsWith(name, verb)) return true;
  }
  return false;
}

// The audit log records the calls of methods the table marks as writes: the
// marks must agree with the verbs, so a write is never left out of the audit.
TEST(AccessTableTest, MarksEveryWriteAndNoRead) {
  for (const MethodAccess& entry : KamAccessTable()) {
    EXPECT_EQ(entry.effect == Effect::kWrites, Writes(entry.method)) << entry.method;
  }
}

// A batch create (AIP-233) is its items' single create, many times: the same
// callers, scope and effect.
TEST(AccessTableTest, BatchCreatesAreAsTheirSingleCreates) {
  const AccessPolicy policy = *KamAccessPolicy();
  const std::string service = "/kam.account.v1.AccountService/";
  for (const char* single : {"CreateAccount", "CreateContact"}) {
    const MethodAccess* one = policy.Find(service + single);
    const MethodAccess* batch = policy.Find(service + "Batch" + single + "s");
    ASSERT_NE(one, nullptr) << single;
    ASSERT_NE(batch, nullptr) << single;
    EXPECT_EQ(batch->roles, one->roles) << single;
    EXPECT_EQ(batch->scope, one->scope) << single;
    EXPECT_EQ(batch->effect, one->effect) << single;
    EXPECT_EQ(batch->admin, one->admin) << single;
  }
}

TEST(AccessTableTest, AnalystsOnlyRead) {
  for (const MethodAccess& entry : KamAccessTable()) {
    if (Writes(entry.method)) {
      EXPECT_EQ(entry.roles & kAnalyst, 0u) << entry.method;
    }
  }
}

TEST(AccessTableTest, ServiceAgentsTouchNoMoneyNoPipelineNoScoring) {
  for (const MethodAccess& entry : KamAccessTable()) {
    if (absl::StrContains(entry.method, "BillingService") ||
        absl::StrContains(entry.method, "OpportunityService") ||
        absl::StrContains(entry.method, "kam.scoring.")) {
      EXPECT_EQ(entry.roles & kServiceAgent, 0u) << entry.method;
    }
  }
}

TEST(AccessTableTest, OnlyTheScoringServicePublishesTiers) {
  const AccessPolicy policy = *KamAccessPolicy();
  const std::string method = "/kam.account.v1.AccountService/SetAccountTiers";
  for (Role role : kRolePrecedence) {
    Principal caller;
    caller.subject = "x";
    caller.roles = {std::string(RoleName(role))};
    EXPECT_EQ(policy.Authorize(method, caller).ok(), role == kScoringService) << RoleName(role);
  }
}

TEST(AccessTableTest, ServicesReachWhatTheyCallAndNothingThatWrites) {
  const AccessPolicy policy = *KamAccessPolicy();
  Principal interaction{"service:interaction", {"service:interaction"}, "", absl::Now()};
  Principal scoring{"service:scoring", {"service:scoring"}, "", absl::Now()};
  for (const char* method :
       {"GetAccount", "BatchGetAccounts", "ListAccounts", "GetContact", "ListContacts"}) {
    EXPECT_TRUE(
        policy.Authorize(std::string("/kam.account.v1.AccountService/") + method, interaction).ok())
        << method;
  }
  EXPECT_TRUE(
      policy.Authorize("/kam.account.v1.AccountExportService/ExportAccounts", scoring).ok());
  EXPECT_TRUE(
      policy.Authorize("/kam.interaction.v1.FactsService/StreamAccountFacts", scoring).ok());
  for (const MethodAccess& entry : KamAccessTable()) {
    if (Writes(entry.method) && !absl::EndsWith(entry.method, "/SetAccountTiers")) {
      EXPECT_EQ(entry.roles & (kScoringService | kInteractionService), 0u) << entry.method;
    }
  }
}

}  // namespace
}  // namespace kam::auth
