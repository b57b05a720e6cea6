// The account service stopped mid-run (issue 4): every write of the activity
// area that needs it fails with UNAVAILABLE and writes nothing; what needs
// only this service's own data keeps working (reads, deletes, retries of
// creates that already succeeded); once the account service is back, writes
// work again without restarting anything.
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/interaction/activity_test_helpers.h"

namespace kam::testing {
namespace {

std::string Mine(const std::string& account) { return absl::StrCat("account = \"", account, "\""); }

::testing::AssertionResult IsUnavailable(const grpc::Status& status) {
  ::testing::AssertionResult code = HasCode(status, grpc::StatusCode::UNAVAILABLE);
  if (!code) return code;
  if (!absl::StrContains(status.error_message(), "account service")) {
    return ::testing::AssertionFailure()
           << "the message does not say what is unavailable: " << status.error_message();
  }
  return ::testing::AssertionSuccess();
}

Reply<iv1::AppendContactRecordEntryResponse> Append(const std::string& account,
                                                    const std::string& text) {
  iv1::AppendContactRecordEntryRequest request;
  request.set_account(account);
  request.set_text(text);
  return Call(Activities(), &ActivityStub::AppendContactRecordEntry, request);
}

int EntryCount(const std::string& account) {
  iv1::GetContactRecordRequest request;
  request.set_account(account);
  Reply<iv1::ContactRecord> record = Call(Activities(), &ActivityStub::GetContactRecord, request);
  EXPECT_OK(record.status);
  return record.value.entry_count();
}

// Creates activities on `threads` threads until stopped, one request id
// each, and counts what was acknowledged.
class CreateLoad {
 public:
  CreateLoad(std::string account, int threads) : account_(std::move(account)) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] {
        while (!stop_.load()) {
          Reply<iv1::Activity> reply = Create(Visit(account_), Unique("load"));
          std::lock_guard<std::mutex> lock(mu_);
          if (reply.status.ok()) {
            acknowledged_.push_back(reply.value.name());
          } else {
            failures_.push_back(reply.status);
          }
          if (!reply.status.ok()) absl::SleepFor(absl::Milliseconds(20));
        }
      });
    }
  }
  void Stop() {
    stop_.store(true);
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  ~CreateLoad() { Stop(); }
  size_t acknowledged() {
    std::lock_guard<std::mutex> lock(mu_);
    return acknowledged_.size();
  }
  // After Stop().
  const std::vector<std::string>& acknowledged_names() const { return acknowledged_; }
  const std::vector<grpc::Status>& failures() const { return failures_; }

 private:
  const std::string account_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::vector<std::string> acknowledged_;
  std::vector<grpc::Status> failures_;
};

TEST(AccountServiceDown, WritesThatNeedItFailUnavailableAndWriteNothing) {
  const v1::Account account = MakeAccount("Outage");
  const v1::Contact contact = MakeContact(account.name(), "Europe/Berlin");
  const std::string request_id = Unique("before");
  Reply<iv1::Activity> first = Create(Visit(account.name()), request_id);
  ASSERT_OK(first.status);
  const iv1::Activity doomed = MustCreate(Visit(account.name()));
  iv1::DeleteActivityRequest del = ByName<iv1::DeleteActivityRequest>(doomed.name());
  const Reply<iv1::Activity> deleted = Call(Activities(), &ActivityStub::DeleteActivity, del);
  ASSERT_OK(deleted.status);
  ASSERT_OK(Append(account.name(), "Opened before the outage").status);

  CreateLoad load(account.name(), 2);
  ASSERT_TRUE(PollUntil([&] { return load.acknowledged() >= 5; }, absl::Seconds(20),
                        absl::Milliseconds(50)));
  ASSERT_TRUE(Suite().StopAccount().ok());
  absl::SleepFor(absl::Milliseconds(300));  // the load meets the stopped service

  // Creates: UNAVAILABLE, nothing written.
  const size_t listed_before = ListAll(Mine(account.name()), true).size();
  iv1::Activity call = PlannedCall(account.name(), {contact.name()}, "2031-07-07T14:00:00Z");
  EXPECT_TRUE(IsUnavailable(Create(call, Unique("down")).status));
  // A retry of a create that succeeded before is answered from this
  // service's own data.
  Reply<iv1::Activity> retry = Create(Visit(account.name()), request_id);
  ASSERT_OK(retry.status);
  EXPECT_TRUE(Same(retry.value, first.value));
  // Update and undelete need the account service; nothing changes.
  iv1::Activity patch = Patch<iv1::Activity>(first.value.name());
  patch.set_outcome("written while the account service is down");
  EXPECT_TRUE(IsUnavailable(Update(patch, {"outcome"}).status));
  EXPECT_TRUE(Same(Get(first.value.name()).value, first.value));
  iv1::UndeleteActivityRequest undel = ByName<iv1::UndeleteActivityRequest>(doomed.name());
  EXPECT_TRUE(IsUnavailable(Call(Activities(), &ActivityStub::UndeleteActivity, undel).status));
  EXPECT_TRUE(Same(Get(doomed.name()).value, deleted.value));
  // Contact records, call checks and the overdue report need it too.
  EXPECT_TRUE(IsUnavailable(Append(account.name(), "lost").status));
  EXPECT_EQ(EntryCount(account.name()), 1);
  iv1::CheckCallTimeRequest check;
  check.set_contact(contact.name());
  EXPECT_TRUE(IsUnavailable(Call(Activities(), &ActivityStub::CheckCallTime, check).status));
  iv1::ListOverdueFollowUpsRequest overdue;
  EXPECT_TRUE(
      IsUnavailable(Call(Activities(), &ActivityStub::ListOverdueFollowUps, overdue).status));
  // What needs only this service works.
  EXPECT_OK(Get(first.value.name()).status);
  EXPECT_OK(
      Call(Activities(), &ActivityStub::GetQuietHoursPolicy, iv1::GetQuietHoursPolicyRequest())
          .status);
  EXPECT_OK(
      Call(Activities(), &ActivityStub::GetVisitCadencePolicy, iv1::GetVisitCadencePolicyRequest())
          .status);
  iv1::ListContactRecordEntriesRequest entries;
  entries.set_account(account.name());
  EXPECT_OK(Call(Activities(), &ActivityStub::ListContactRecordEntries, entries).status);
  const iv1::Activity removable = first.value;
  iv1::DeleteActivityRequest del_now = ByName<iv1::DeleteActivityRequest>(removable.name());
  EXPECT_OK(Call(Activities(), &ActivityStub::DeleteActivity, del_now).status);
  EXPECT_EQ(ListAll(Mine(account.name()), true).size(), listed_before);

  // Back up: writes work again (the channel reconnects within seconds).
  ASSERT_TRUE(Suite().StartAccount().ok());
  grpc::Status status;
  ASSERT_TRUE(PollUntil(
      [&] {
        status = Create(call, Unique("after")).status;
        return status.ok();
      },
      absl::Seconds(20), absl::Milliseconds(50)))
      << CodeName(status.error_code()) << " " << status.error_message();
  const size_t acknowledged_before = load.acknowledged();
  ASSERT_TRUE(PollUntil([&] { return load.acknowledged() >= acknowledged_before + 5; },
                        absl::Seconds(20), absl::Milliseconds(50)));
  load.Stop();
  EXPECT_OK(Append(account.name(), "After the outage").status);
  EXPECT_EQ(EntryCount(account.name()), 2);
  EXPECT_OK(Call(Activities(), &ActivityStub::CheckCallTime, check).status);
  EXPECT_OK(Call(Activities(), &ActivityStub::UndeleteActivity, undel).status);
  patch.set_name(doomed.name());
  EXPECT_OK(Update(patch, {"outcome"}).status);

  // The load: every failure was UNAVAILABLE, and exactly the acknowledged
  // creates were written.
  int unavailable = 0;
  for (const grpc::Status& failure : load.failures()) {
    EXPECT_TRUE(IsUnavailable(failure));
    ++unavailable;
  }
  EXPECT_GT(unavailable, 0) << "the load never met the stopped account service";
  size_t load_rows = 0;
  const std::vector<iv1::Activity> all = ListAll(Mine(account.name()), true);
  std::set<std::string> names;
  for (const iv1::Activity& a : all) names.insert(a.name());
  for (const std::string& name : load.acknowledged_names()) {
    EXPECT_EQ(names.count(name), 1u) << name << " was acknowledged but is missing";
    ++load_rows;
  }
  // first, doomed, the call after the restart, and the load's.
  EXPECT_EQ(all.size(), load_rows + 3);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
