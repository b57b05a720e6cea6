// One suite per integration-test binary: every test of the binary talks to
// the same MariaDB and service processes, started before the first test and
// stopped after the last. Each binary's main() is one line:
//
//   int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
//
// with the suite's options as a third argument when the binary needs other
// services or flags (e.g. InteractionSuiteOptions()).
#pragma once

#include <utility>

#include "gtest/gtest.h"
#include "tests/harness/suite.h"

namespace kam::testing {

// The suite of this binary; valid while the tests run.
LocalSuite& Suite();

// Starts the suite before the first test (a failed start fails every test)
// and stops it after the last.
class SuiteEnvironment : public ::testing::Environment {
 public:
  explicit SuiteEnvironment(LocalSuite::Options options = {}) : options_(std::move(options)) {}
  void SetUp() override;
  void TearDown() override;

 private:
  LocalSuite::Options options_;
};

// What main() does: parses the gtest flags, registers a SuiteEnvironment
// with `options` and runs every test. Returns RUN_ALL_TESTS()'s result.
int RunTestsOnSuite(int argc, char** argv, LocalSuite::Options options = {});

}  // namespace kam::testing
