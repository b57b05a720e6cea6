#include "tests/harness/api_test_util.h"

#include <atomic>
#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"

namespace kam::testing {

std::unique_ptr<grpc::ClientContext> Context(const std::string& actor, absl::Duration deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  context->AddMetadata("x-kam-actor", actor);
  return context;
}

std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token,
                                                  const std::string& actor,
                                                  absl::Duration deadline) {
  std::unique_ptr<grpc::ClientContext> context = Context(actor, deadline);
  if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  return context;
}

std::string Unique(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const int64_t run = absl::ToUnixMicros(absl::Now());
  return absl::StrCat(prefix, "-", run, "-", counter.fetch_add(1));
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

namespace {
std::atomic<size_t> message_limit{std::numeric_limits<size_t>::max()};
}  // namespace

void SetMessageLimit(size_t bytes) { message_limit.store(bytes); }

::testing::AssertionResult CleanMessage(const grpc::Status& status) {
  const std::string& message = status.error_message();
  for (const char* word : {"SQL", "SELECT", "INSERT", "UPDATE ", "syntax", "Duplicate", "MariaDB",
                           "mysql", "activities ", "kam_sequences"}) {
    if (absl::StrContains(message, word)) {
      return ::testing::AssertionFailure()
             << "message leaks database text (" << word << "): " << message.substr(0, 300);
    }
  }
  if (message.size() > message_limit.load()) {
    return ::testing::AssertionFailure() << "message is " << message.size() << " bytes long";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult HasCode(const grpc::Status& status, grpc::StatusCode code) {
  if (status.error_code() != code) {
    return ::testing::AssertionFailure()
           << "expected " << CodeName(code) << ", got " << CodeName(status.error_code()) << ": "
           << status.error_message().substr(0, 300);
  }
  return CleanMessage(status);
}

::testing::AssertionResult HasCodeMentioning(const grpc::Status& status, grpc::StatusCode code,
                                             const std::string& text) {
  ::testing::AssertionResult has_code = HasCode(status, code);
  if (!has_code) return has_code;
  if (!absl::StrContains(status.error_message(), text)) {
    return ::testing::AssertionFailure() << "message does not mention \"" << text
                                         << "\": " << status.error_message().substr(0, 300);
  }
  return ::testing::AssertionSuccess();
}

int CountOk(const std::vector<grpc::Status>& statuses, grpc::StatusCode refused) {
  int ok = 0;
  for (const grpc::Status& status : statuses) {
    if (status.ok()) {
      ++ok;
    } else {
      EXPECT_TRUE(HasCode(status, refused));
    }
  }
  return ok;
}

::testing::AssertionResult IsInvalidField(const grpc::Status& status, const std::string& field) {
  ::testing::AssertionResult code = HasCode(status, grpc::StatusCode::INVALID_ARGUMENT);
  if (!code) return code;
  const std::string& message = status.error_message();
  if (!absl::StartsWith(message, field + " ") || message.size() <= field.size() + 5) {
    return ::testing::AssertionFailure()
           << "message does not name \"" << field << "\" and a rule: " << message.substr(0, 300);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsInvalidStartingWith(const grpc::Status& status,
                                                 const std::string& prefix) {
  ::testing::AssertionResult code = HasCode(status, grpc::StatusCode::INVALID_ARGUMENT);
  if (!code) return code;
  const std::string& message = status.error_message();
  if (!absl::StartsWith(message, prefix) || message.size() <= prefix.size() + 5) {
    return ::testing::AssertionFailure() << "message does not start with \"" << prefix
                                         << "\" and a rule: " << message.substr(0, 300);
  }
  return ::testing::AssertionSuccess();
}

const google::protobuf::FieldDescriptor* ResourceField(
    const google::protobuf::Descriptor& request, const google::protobuf::Descriptor& resource) {
  const google::protobuf::FieldDescriptor* found = nullptr;
  for (int i = 0; i < request.field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = request.field(i);
    if (field->is_repeated() || field->message_type() != &resource) continue;
    if (found != nullptr) {
      ADD_FAILURE() << request.full_name() << " has more than one " << resource.full_name();
      return nullptr;
    }
    found = field;
  }
  if (found == nullptr) ADD_FAILURE() << request.full_name() << " has no " << resource.full_name();
  return found;
}

const google::protobuf::FieldDescriptor* ItemsField(const google::protobuf::Descriptor& response,
                                                    const google::protobuf::Descriptor& item) {
  const google::protobuf::FieldDescriptor* found = nullptr;
  for (int i = 0; i < response.field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = response.field(i);
    if (!field->is_repeated() || field->message_type() != &item) continue;
    if (found != nullptr) {
      ADD_FAILURE() << response.full_name() << " has more than one repeated " << item.full_name();
      return nullptr;
    }
    found = field;
  }
  if (found == nullptr) {
    ADD_FAILURE() << response.full_name() << " has no repeated " << item.full_name();
  }
  return found;
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

}  // namespace kam::testing
