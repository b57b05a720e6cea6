#include "tests/harness/suite_environment.h"

#include <memory>

#include "absl/status/statusor.h"

namespace kam::testing {
namespace {
LocalSuite* suite = nullptr;
}  // namespace

LocalSuite& Suite() { return *suite; }

void SuiteEnvironment::SetUp() {
  absl::StatusOr<std::unique_ptr<LocalSuite>> started = LocalSuite::Start(options_);
  ASSERT_TRUE(started.ok()) << started.status();
  suite = started->release();
}

void SuiteEnvironment::TearDown() {
  delete suite;
  suite = nullptr;
}

int RunTestsOnSuite(int argc, char** argv, LocalSuite::Options options) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new SuiteEnvironment(std::move(options)));
  return RUN_ALL_TESTS();
}

}  // namespace kam::testing
