// Update masks cannot reach server-owned fields, whoever calls: every Update
// method of every service, as every role that may call it, with an
// update_mask naming each field its resource documents as "Output only."
// in protos/, answers INVALID_ARGUMENT naming the path (an account manager
// on an account not theirs may get NOT_FOUND first), and nothing is written.
//
// The output-only fields are read from the comments of protos/ (the
// generated descriptors keep no comments), so a field added later is covered
// without touching this test.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/field_mask.pb.h"
#include "gtest/gtest.h"
#include "tests/security/method_walk.h"

namespace kam::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

struct ProtoFacts {
  // Output-only field names by message full name ("kam.account.v1.Account").
  std::map<std::string, std::vector<std::string>> output_only;
  // A name of the kind documented on a resource's `name` field
  // ("accounts/1/contacts/1"); "" when none is.
  std::map<std::string, std::string> name_example;
};

// A name the comment of a `name` field documents: its first concrete example
// of the pattern's collection ("slaPolicies/critical-a" for
// "slaPolicies/{priority}-{tier}"), else the pattern with every
// {placeholder} set to 1 ("accounts/1/contacts/1"), else the one name given
// ("quietHoursPolicy", a singleton).
std::string NameExample(const std::string& comment, const std::regex& quoted) {
  std::vector<std::string> texts;
  for (std::sregex_iterator it(comment.begin(), comment.end(), quoted), end; it != end; ++it) {
    texts.push_back((*it)[1]);
  }
  std::string pattern;
  for (const std::string& text : texts) {
    if (text.find('{') != std::string::npos) {
      pattern = text;
      break;
    }
  }
  if (pattern.empty()) return texts.empty() ? "" : texts.front();
  const std::string collection = pattern.substr(0, pattern.find('/') + 1);
  for (const std::string& text : texts) {
    if (text.find('{') == std::string::npos && absl::StartsWith(text, collection)) return text;
  }
  return std::regex_replace(pattern, std::regex(R"(\{\w+\})"), "1");
}

// Reads every .proto under protos/: the package, nested message names (by
// braces), and for each field the comment block just above it.
ProtoFacts ReadProtoFacts() {
  ProtoFacts facts;
  const std::regex package_line(R"(^\s*package\s+([\w.]+)\s*;)");
  const std::regex message_line(R"(^\s*message\s+(\w+)\s*\{)");
  const std::regex field_line(
      R"(^\s*(?:optional\s+|repeated\s+)?(?:map<[^>]*>|[\w.]+)\s+(\w+)\s*=\s*\d+)");
  const std::regex quoted_name("\"([a-zA-Z][^\"]*)\"");
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::string(KAM_SOURCE_DIR) + "/protos")) {
    if (entry.path().extension() != ".proto") continue;
    std::ifstream in(entry.path());
    std::string package;
    std::vector<std::pair<std::string, int>> messages;  // name, depth it opened at
    int depth = 0;
    std::string comment;
    for (std::string line; std::getline(in, line);) {
      std::smatch match;
      const std::string trimmed = std::regex_replace(line, std::regex(R"(^\s+)"), "");
      if (absl::StartsWith(trimmed, "//")) {
        comment += trimmed + "\n";
        continue;
      }
      if (std::regex_search(line, match, package_line)) package = match[1];
      if (std::regex_search(line, match, message_line)) {
        messages.emplace_back(match[1], depth);
      } else if (!messages.empty() && std::regex_search(line, match, field_line)) {
        std::string message = package;
        for (const auto& [name, unused] : messages) absl::StrAppend(&message, ".", name);
        const std::string field = match[1];
        if (absl::StrContains(comment, "Output only.")) {
          facts.output_only[message].push_back(field);
        }
        if (field == "name") facts.name_example[message] = NameExample(comment, quoted_name);
      }
      comment.clear();
      for (char c : line) {
        if (c == '{') ++depth;
        if (c == '}' && --depth == (messages.empty() ? -1 : messages.back().second)) {
          messages.pop_back();
        }
      }
    }
  }
  return facts;
}

struct UpdateMethod {
  const MethodDescriptor* method;
  const FieldDescriptor* resource;  // the request's field holding the patch
};

std::vector<UpdateMethod> UpdateMethods(const ProtoFacts& facts) {
  std::vector<UpdateMethod> updates;
  for (const MethodDescriptor* method : AllMethods()) {
    const Descriptor* input = method->input_type();
    const FieldDescriptor* mask = input->FindFieldByName("update_mask");
    if (mask == nullptr) continue;
    const size_t found = updates.size();
    for (int i = 0; i < input->field_count(); ++i) {
      const FieldDescriptor* field = input->field(i);
      if (field->message_type() != nullptr &&
          facts.output_only.count(field->message_type()->full_name()) != 0) {
        updates.push_back({method, field});
        break;
      }
    }
    // Every resource has output-only fields (at least its times and etag):
    // a method left out means the comments were not read.
    EXPECT_EQ(updates.size(), found + 1) << PathOf(*method) << ": no output-only field found";
  }
  return updates;
}

TEST(UpdateMaskTest, NoRoleReachesAnOutputOnlyField) {
  const ProtoFacts facts = ReadProtoFacts();
  const std::vector<UpdateMethod> updates = UpdateMethods(facts);
  // Every service has updates: a parser that found none would pass vacuously.
  ASSERT_GE(updates.size(), 9u);
  const absl::StatusOr<auth::AccessPolicy> policy = auth::KamAccessPolicy();
  ASSERT_TRUE(policy.ok());
  google::protobuf::DynamicMessageFactory factory;
  const std::string before = RowCounts();
  int checked = 0;
  for (const UpdateMethod& update : updates) {
    const Descriptor* resource = update.resource->message_type();
    const std::vector<std::string>& fields = facts.output_only.at(resource->full_name());
    for (const TokenSpec& spec : LocalTokens()) {
      const auth::Principal principal{spec.subject, spec.roles, spec.account_manager};
      if (!policy->Authorize(PathOf(*update.method), principal).ok()) continue;
      for (const std::string& field : fields) {
        std::unique_ptr<google::protobuf::Message> request(
            factory.GetPrototype(update.method->input_type())->New());
        google::protobuf::Message* patch =
            request->GetReflection()->MutableMessage(request.get(), update.resource, &factory);
        const FieldDescriptor* name = resource->FindFieldByName("name");
        auto example = facts.name_example.find(resource->full_name());
        if (name != nullptr && example != facts.name_example.end()) {
          patch->GetReflection()->SetString(patch, name, example->second);
        }
        google::protobuf::FieldMask mask;
        mask.add_paths(field);
        request->GetReflection()
            ->MutableMessage(request.get(),
                             update.method->input_type()->FindFieldByName("update_mask"), &factory)
            ->ParseFromString(mask.SerializeAsString());
        const grpc::Status status =
            CallGeneric(*update.method, request->SerializeAsString(), Suite().token(spec.role));
        const bool narrowed =
            spec.role == "account_manager" && status.error_code() == grpc::StatusCode::NOT_FOUND;
        if (!narrowed) {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
              << spec.role << " " << PathOf(*update.method) << " update_mask " << field << ": "
              << status.error_message();
          EXPECT_TRUE(absl::StrContains(status.error_message(), field))
              << spec.role << " " << PathOf(*update.method) << ": " << status.error_message();
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 50);
  EXPECT_EQ(RowCounts(), before) << "an update naming an output-only field wrote";
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::WalkSuiteOptions());
}
