// Failure behaviour of the account service: the database stopped under load
// and brought back, the service started while the database is down, the
// service killed (SIGKILL) or stopped (SIGTERM) under load.
//
// What every test here holds the service to (docs/decisions.md, API
// conventions):
// - a call that fails because the database is away fails with UNAVAILABLE,
//   never INTERNAL, and its message carries no SQL or server text;
// - health follows the database: NOT_SERVING while it is away, SERVING again
//   once it is back, without a restart of the service;
// - nothing is half written: a multi-statement write (an account with labels,
//   a contact plus its account's contact_count) is either all there or not at
//   all, and every call that returned OK is readable afterwards. A call that
//   failed may or may not have been applied (an UNAVAILABLE on COMMIT is
//   ambiguous), but never partially.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/account/account_process.h"
#include "tests/harness/child_process.h"

namespace kam::testing {
namespace {

// --- helpers ----------------------------------------------------------------

// Text that only SQL, the server or the MySQL client library would put in a
// message. A caller must never see any of it.
bool LeaksSql(const std::string& message) {
  for (const char* needle :
       {"SELECT", "INSERT", "UPDATE ", "DELETE ", "START TRANSACTION", "COMMIT", "ROLLBACK",
        " FROM ", " WHERE ", "FOR UPDATE", "MySQL", "MariaDB", "mysql", "mariadb",
        "Lost connection", "gone away", "Can't connect", "shutdown in progress", "errno",
        "account_labels", "kam_sequences", "Duplicate entry", "SQLSTATE", "sql_state"}) {
    if (absl::StrContains(message, needle)) return true;
  }
  return false;
}

// Polls the health of `address` until it reports `want` or `timeout` passes.
// Returns the time it first saw `want`, or nullopt (with the last answer in
// `last`).
std::optional<absl::Time> WaitForHealth(const std::string& address, const std::string& want,
                                        absl::Duration timeout, std::string* last) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    absl::StatusOr<std::string> health = CheckHealth(address, "", absl::Milliseconds(500));
    *last = health.ok() ? *health : health.status().ToString();
    if (health.ok() && *health == want) return absl::Now();
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(50));
  }
}

// Every item of a List method (all pages), or the status of the first failed
// page, its message prefixed with `what`.
template <typename Request, typename Response, typename Item>
absl::StatusOr<std::vector<Item>> ListEveryPage(
    AccountApi& stub,
    grpc::Status (AccountApi::*method)(grpc::ClientContext*, const Request&, Response*),
    Request request, const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const,
    const std::string& what) {
  std::vector<Item> all;
  for (int page = 0; page < 1000; ++page) {
    Reply<Response> reply = Call(stub, method, request);
    if (!reply.status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(reply.status.error_code()),
                          absl::StrCat(what, ": ", reply.status.error_message()));
    }
    for (const Item& item : (reply.value.*items)()) all.push_back(item);
    if (reply.value.next_page_token().empty()) return all;
    request.set_page_token(reply.value.next_page_token());
  }
  return absl::InternalError(absl::StrCat(what, " never reached the last page"));
}

// Every account of the service matching `filter`, deleted ones included.
absl::StatusOr<std::vector<v1::Account>> ListAllAccounts(AccountApi& stub,
                                                         const std::string& filter) {
  v1::ListAccountsRequest request;
  request.set_page_size(1000);
  request.set_filter(filter);
  request.set_show_deleted(true);
  return ListEveryPage(stub, &AccountApi::ListAccounts, request,
                       &v1::ListAccountsResponse::accounts,
                       absl::StrCat("ListAccounts(", filter, ")"));
}

absl::StatusOr<std::vector<v1::Contact>> ListAllContacts(AccountApi& stub,
                                                         const std::string& parent) {
  v1::ListContactsRequest request;
  request.set_parent(parent);
  request.set_page_size(1000);
  return ListEveryPage(stub, &AccountApi::ListContacts, request,
                       &v1::ListContactsResponse::contacts,
                       absl::StrCat("ListContacts(", parent, ")"));
}

// --- the write workload -------------------------------------------------------

struct CallRecord {
  const char* method;
  absl::Time start;
  absl::Time end;
  grpc::StatusCode code;
  std::string message;
};

struct AckedAccount {
  std::string name;
  std::map<std::string, std::string> labels;
};

struct AckedContact {
  std::string account;
  std::string name;
};

// Threads that keep creating accounts with labels (a transaction: the row
// plus one account_labels row per label) and contacts under them (a
// transaction: the contact plus contact_count + 1), recording every call and
// every write acknowledged with OK.
class Workload {
 public:
  struct Options {
    std::string address;
    std::string tag;  // the value of the "run" label on every account
    int threads = 4;
    int contacts_per_account = 3;
    absl::Duration call_deadline = absl::Seconds(10);
    // Pause after a failed call, so that a fast-failing loop does not take
    // the CPU the database needs to come back.
    absl::Duration failure_pause = absl::Milliseconds(20);
    // Pause after a successful call: keeps the load on the database (and the
    // run's size) about the same on fast and slow machines.
    absl::Duration success_pause = absl::Milliseconds(3);
  };

  explicit Workload(Options options) : options_(std::move(options)) {}
  ~Workload() { Stop(); }

  void Start() {
    for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this, i] { Run(i); });
  }

  void Stop() {
    stop_.store(true);
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

  int ok_calls() const { return ok_calls_.load(); }
  int acked_account_count() const { return acked_account_count_.load(); }
  const Options& options() const { return options_; }

  // Valid after Stop().
  const std::vector<CallRecord>& records() const { return records_; }
  const std::vector<AckedAccount>& accounts() const { return accounts_; }
  const std::vector<AckedContact>& contacts() const { return contacts_; }

 private:
  void Run(int worker) {
    std::unique_ptr<v1::AccountService::Stub> stub = StubFor(options_.address);
    std::vector<CallRecord> records;
    std::vector<AckedAccount> accounts;
    std::vector<AckedContact> contacts;
    const std::string w = absl::StrCat("w", worker);
    auto record = [&](const char* method, absl::Time start, const grpc::Status& status) {
      records.push_back(
          {method, start, absl::Now(), status.error_code(), status.error_message()});
      if (status.ok()) {
        ok_calls_.fetch_add(1);
        absl::SleepFor(options_.success_pause);
      } else {
        absl::SleepFor(options_.failure_pause);
      }
    };
    for (int seq = 0; !stop_.load(); ++seq) {
      v1::CreateAccountRequest create;
      create.set_request_id(Unique("acct"));
      v1::Account* in = create.mutable_account();
      in->set_display_name(absl::StrCat("Outage ", options_.tag, " ", w, " #", seq));
      (*in->mutable_labels())["run"] = options_.tag;
      (*in->mutable_labels())["w"] = w;
      (*in->mutable_labels())["kind"] = seq % 2 == 0 ? "even" : "odd";
      v1::Account account;
      const absl::Time start = absl::Now();
      grpc::Status status = stub->CreateAccount(
          Context("outage-test", options_.call_deadline).get(), create, &account);
      record("CreateAccount", start, status);
      if (!status.ok()) continue;
      accounts.push_back({account.name(), {in->labels().begin(), in->labels().end()}});
      acked_account_count_.fetch_add(1);
      for (int c = 0; c < options_.contacts_per_account && !stop_.load(); ++c) {
        v1::CreateContactRequest contact_request;
        contact_request.set_parent(account.name());
        contact_request.set_request_id(Unique("contact"));
        contact_request.mutable_contact()->set_display_name(absl::StrCat("Person ", c));
        v1::Contact contact;
        const absl::Time contact_start = absl::Now();
        grpc::Status contact_status = stub->CreateContact(
            Context("outage-test", options_.call_deadline).get(), contact_request, &contact);
        record("CreateContact", contact_start, contact_status);
        if (contact_status.ok()) contacts.push_back({account.name(), contact.name()});
      }
    }
    absl::MutexLock lock(&mu_);
    records_.insert(records_.end(), records.begin(), records.end());
    accounts_.insert(accounts_.end(), accounts.begin(), accounts.end());
    contacts_.insert(contacts_.end(), contacts.begin(), contacts.end());
  }

  const Options options_;
  std::atomic<bool> stop_{false};
  std::atomic<int> ok_calls_{0};
  std::atomic<int> acked_account_count_{0};
  std::vector<std::thread> threads_;
  absl::Mutex mu_;
  std::vector<CallRecord> records_;
  std::vector<AckedAccount> accounts_;
  std::vector<AckedContact> contacts_;
};

std::string Describe(const CallRecord& r, absl::Time origin) {
  return absl::StrCat(r.method, " [", absl::FormatDuration(r.start - origin), " .. ",
                      absl::FormatDuration(r.end - origin), "] ", CodeName(r.code), ": ",
                      r.message);
}

// Every failed call failed with one of `allowed` and with a message free of
// SQL; at most a few offenders are printed.
void ExpectFailuresOnly(const Workload& workload, const std::set<grpc::StatusCode>& allowed,
                        absl::Time origin) {
  int bad = 0;
  for (const CallRecord& r : workload.records()) {
    if (r.code == grpc::StatusCode::OK) continue;
    const bool code_ok = allowed.count(r.code) > 0;
    const bool text_ok = !LeaksSql(r.message);
    if (!code_ok || !text_ok) {
      ++bad;
      if (bad <= 5) {
        ADD_FAILURE() << "unexpected failure (" << (code_ok ? "" : "code")
                      << (!code_ok && !text_ok ? " and " : "") << (text_ok ? "" : "SQL text")
                      << "): " << Describe(r, origin);
      }
    }
  }
  EXPECT_EQ(bad, 0) << bad << " calls failed in a way not allowed; log tail:\n"
                    << Suite().AccountLogTail(40);
}

// The checks after the dust has settled: every acknowledged write is there,
// and every account of the run (acknowledged or not) is whole.
void VerifyNothingHalfWritten(v1::AccountService::Stub& stub, const Workload& workload) {
  const std::string& tag = workload.options().tag;
  absl::StatusOr<std::vector<v1::Account>> all = ListAllAccounts(stub, "");
  ASSERT_TRUE(all.ok()) << all.status();
  std::map<std::string, v1::Account> mine;
  for (const v1::Account& account : *all) {
    auto run = account.labels().find("run");
    if (run != account.labels().end() && run->second == tag) mine[account.name()] = account;
  }

  // 1. Every account acknowledged with OK is there, with all its labels,
  //    through Get as well as through List.
  for (const AckedAccount& acked : workload.accounts()) {
    auto it = mine.find(acked.name);
    ASSERT_NE(it, mine.end()) << "acknowledged account " << acked.name
                              << " is missing from ListAccounts";
    v1::GetAccountRequest get = ByName<v1::GetAccountRequest>(acked.name);
    v1::Account read;
    grpc::Status status = stub.GetAccount(Context().get(), get, &read);
    ASSERT_TRUE(status.ok()) << "acknowledged account " << acked.name
                             << " cannot be read: " << CodeName(status.error_code()) << " "
                             << status.error_message();
    const std::map<std::string, std::string> read_labels(read.labels().begin(),
                                                         read.labels().end());
    EXPECT_EQ(read_labels, acked.labels) << acked.name;
    EXPECT_FALSE(read.has_delete_time()) << acked.name;
  }

  // 2. Every account of the run, acknowledged or not, has all three labels,
  //    and the label index (account_labels, what filters use) agrees with
  //    the labels stored on the row.
  std::map<std::string, std::set<std::string>> expected_by_filter;
  for (const auto& [name, account] : mine) {
    EXPECT_EQ(account.labels_size(), 3) << name << " has labels "
                                        << account.ShortDebugString();
    for (const auto& [key, value] : account.labels()) {
      if (key == "run") continue;
      expected_by_filter[absl::StrCat("labels.run = \"", tag, "\" AND labels.", key, " = \"",
                                      value, "\"")]
          .insert(name);
    }
    expected_by_filter[absl::StrCat("labels.run = \"", tag, "\"")].insert(name);
  }
  for (int i = 0; i < workload.options().threads; ++i) {
    expected_by_filter[absl::StrCat("labels.run = \"", tag, "\" AND labels.w = \"w", i, "\"")];
  }
  for (const char* kind : {"even", "odd"}) {
    expected_by_filter[absl::StrCat("labels.run = \"", tag, "\" AND labels.kind = \"", kind,
                                    "\"")];
  }
  for (const auto& [filter, expected] : expected_by_filter) {
    absl::StatusOr<std::vector<v1::Account>> found = ListAllAccounts(stub, filter);
    ASSERT_TRUE(found.ok()) << found.status();
    std::set<std::string> names;
    for (const v1::Account& account : *found) names.insert(account.name());
    EXPECT_EQ(names, expected) << "filter " << filter;
  }

  // 3. contact_count equals the live contacts of every account of the run,
  //    and every contact acknowledged with OK is there.
  std::map<std::string, std::set<std::string>> acked_contacts;
  for (const AckedContact& contact : workload.contacts()) {
    acked_contacts[contact.account].insert(contact.name);
  }
  int total_contacts = 0;
  for (const auto& [name, account] : mine) {
    absl::StatusOr<std::vector<v1::Contact>> contacts = ListAllContacts(stub, name);
    ASSERT_TRUE(contacts.ok()) << contacts.status();
    total_contacts += static_cast<int>(contacts->size());
    EXPECT_EQ(account.contact_count(), static_cast<int>(contacts->size()))
        << name << ": contact_count disagrees with its live contacts";
    std::set<std::string> listed;
    for (const v1::Contact& contact : *contacts) listed.insert(contact.name());
    for (const std::string& acked : acked_contacts[name]) {
      EXPECT_EQ(listed.count(acked), 1u) << "acknowledged contact " << acked << " is missing";
    }
  }
  for (const AckedContact& acked : workload.contacts()) {
    EXPECT_EQ(mine.count(acked.account), 1u)
        << "contact " << acked.name << " acknowledged under an unknown account";
  }
  std::cout << "[ verify   ] run " << tag << ": " << mine.size() << " accounts ("
            << workload.accounts().size() << " acknowledged), " << total_contacts
            << " contacts (" << workload.contacts().size() << " acknowledged)\n";
}

// Makes sure the database runs and the suite's service is SERVING before a
// test starts, whatever the previous test left behind.
class OutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Suite().db().running()) {
      absl::Status restarted = Suite().db().Restart();
      ASSERT_TRUE(restarted.ok()) << restarted;
    }
    std::string last;
    if (!WaitForHealth(Suite().account_address(), "SERVING", absl::Seconds(5), &last)) {
      (void)Suite().StopAccount();
      absl::Status started = Suite().StartAccount();
      ASSERT_TRUE(started.ok()) << started;
    }
  }
};

// --- 1. the database stopped mid-run ---------------------------------------------

// How the database goes away: a clean stop (SIGTERM: the server closes its
// connections and rolls back open transactions) or a crash (SIGKILL: the
// connections just drop; InnoDB recovers on the next start).
enum class DatabaseStop { kClean, kCrash };

void RunDatabaseOutage(DatabaseStop how) {
  const std::string address = Suite().account_address();
  // A fresh service process, so each run starts from the same state
  // whatever earlier tests did.
  ASSERT_TRUE(Suite().StopAccount().ok());
  absl::Status started = Suite().StartAccount();
  ASSERT_TRUE(started.ok()) << started;
  Workload workload(
      {.address = address, .tag = Unique(how == DatabaseStop::kClean ? "dbstop" : "dbcrash")});
  const absl::Time origin = absl::Now();
  workload.Start();
  ASSERT_TRUE(PollUntil([&] { return workload.acked_account_count() >= 60; }, absl::Seconds(30)))
      << "the workload did not get going: " << workload.ok_calls() << " OK calls";

  const absl::Time stop_begin = absl::Now();
  if (how == DatabaseStop::kClean) {
    absl::Status stopped = Suite().db().Stop();
    ASSERT_TRUE(stopped.ok()) << stopped;
  } else {
    ASSERT_EQ(kill(Suite().db().pid(), SIGKILL), 0);
    // Reaps the killed server; it reports the SIGKILL as an unexpected end.
    (void)Suite().db().Stop();
    ASSERT_FALSE(Suite().db().running());
  }
  const absl::Time stop_end = absl::Now();
  std::string last;
  std::optional<absl::Time> not_serving =
      WaitForHealth(address, "NOT_SERVING", absl::Seconds(5), &last);
  EXPECT_TRUE(not_serving.has_value())
      << "health did not report NOT_SERVING within 5 s of the database stopping; last: " << last;

  // Let the workload run into the outage for a while.
  absl::SleepFor(absl::Milliseconds(1500));
  {
    // A read during the outage fails the same way.
    auto stub = StubFor(address);
    v1::ListAccountsRequest list;
    v1::ListAccountsResponse response;
    grpc::Status status = stub->ListAccounts(Context().get(), list, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << CodeName(status.error_code()) << " " << status.error_message();
    EXPECT_FALSE(LeaksSql(status.error_message())) << status.error_message();
  }

  const absl::Time restart_begin = absl::Now();
  absl::Status restarted = Suite().db().Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  const absl::Time restart_end = absl::Now();
  std::optional<absl::Time> serving = WaitForHealth(address, "SERVING", absl::Seconds(5), &last);
  EXPECT_TRUE(serving.has_value())
      << "health did not return to SERVING within 5 s of the database restarting; last: "
      << last << "\n" << Suite().AccountLogTail();
  if (!serving.has_value()) serving = absl::Now();

  // Calls succeed again, with no restart of the service.
  const int ok_before = workload.ok_calls();
  EXPECT_TRUE(PollUntil([&] { return workload.ok_calls() >= ok_before + 100; },
                        absl::Seconds(20)))
      << "calls did not succeed again after the database came back: "
      << workload.ok_calls() - ok_before << " OK calls\n" << Suite().AccountLogTail();
  workload.Stop();

  std::cout << "[ timing   ] stop took " << absl::FormatDuration(stop_end - stop_begin)
            << ", NOT_SERVING after "
            << (not_serving ? absl::FormatDuration(*not_serving - stop_end) : "never")
            << ", restart took " << absl::FormatDuration(restart_end - restart_begin)
            << ", SERVING after " << absl::FormatDuration(*serving - restart_end)
            << "; stopped at " << absl::FormatDuration(stop_begin - origin) << ", workload ended at "
            << absl::FormatDuration(absl::Now() - origin) << "\n";

  // Every failure was UNAVAILABLE, with a clean message.
  ExpectFailuresOnly(workload, {grpc::StatusCode::UNAVAILABLE}, origin);

  // While the database was down nothing succeeded, and calls were made.
  int outage_calls = 0;
  int after_calls = 0;
  for (const CallRecord& r : workload.records()) {
    if (r.start >= stop_end && r.end <= restart_begin) {
      ++outage_calls;
      EXPECT_NE(r.code, grpc::StatusCode::OK)
          << "a call succeeded while the database was down: " << Describe(r, origin);
    }
    // Once health says SERVING again, calls must succeed.
    if (r.start >= *serving) {
      ++after_calls;
      EXPECT_EQ(r.code, grpc::StatusCode::OK)
          << "a call failed after health returned to SERVING: " << Describe(r, origin);
    }
  }
  EXPECT_GT(outage_calls, 0) << "no call was made during the outage";
  EXPECT_GT(after_calls, 0) << "no call was made after recovery";
  std::cout << "[ calls    ] " << workload.records().size() << " calls, " << outage_calls
            << " during the outage, " << after_calls << " after SERVING\n";

  auto stub = StubFor(address);
  VerifyNothingHalfWritten(*stub, workload);
}

TEST_F(OutageTest, DatabaseStoppedMidRunFailsCleanlyAndRecoversWithoutHalfWrites) {
  RunDatabaseOutage(DatabaseStop::kClean);
}

TEST_F(OutageTest, DatabaseCrashedMidRunFailsCleanlyAndRecoversWithoutHalfWrites) {
  RunDatabaseOutage(DatabaseStop::kCrash);
}

// The first calls after a database restart must not fail on connections the
// service opened before the outage. Creates enough accounts after the
// restart that the service has to reserve a new block of ids (a block is
// 1000 ids, reserved over a connection of the id allocator's own).
// The id allocator keeps a connection of its own between reservations; it
// must not fail the first reservation after the database restarted.
TEST_F(OutageTest, CallsAfterDatabaseRestartSucceedWhenANewIdBlockIsReserved) {
  const std::string address = Suite().account_address();
  auto stub = StubFor(address);
  // A fresh process, so the id allocator's block state is known: its first
  // create reserves a block (and opens the allocator's connection).
  ASSERT_TRUE(Suite().StopAccount().ok());
  absl::Status started = Suite().StartAccount();
  ASSERT_TRUE(started.ok()) << started;
  v1::Account first = CreateAccount(*stub, "Before the outage");
  ASSERT_FALSE(first.name().empty());

  ASSERT_TRUE(Suite().db().Stop().ok());
  std::string last;
  ASSERT_TRUE(WaitForHealth(address, "NOT_SERVING", absl::Seconds(5), &last)) << last;
  absl::Status restarted = Suite().db().Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  ASSERT_TRUE(WaitForHealth(address, "SERVING", absl::Seconds(5), &last))
      << last << "\n" << Suite().AccountLogTail();

  // Single-row creates (no labels: one INSERT each) until the ids enter the
  // next block (blocks are 1000 ids: 1..1000, 1001..2000, ... as long as one
  // process reserves them); every one of them must succeed.
  auto id_of = [](const std::string& name) {
    return std::stoll(name.substr(std::string("accounts/").size()));
  };
  const long long first_block = (id_of(first.name()) - 1) / 1000;
  int created = 0;
  bool new_block = false;
  std::vector<std::string> failures;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  for (int i = 0; i < 1100 && !new_block && absl::Now() < deadline; ++i) {
    v1::CreateAccountRequest request;
    request.mutable_account()->set_display_name(absl::StrCat("After the outage ", i));
    request.set_request_id(Unique("block"));
    v1::Account account;
    grpc::Status status = stub->CreateAccount(Context().get(), request, &account);
    if (!status.ok()) {
      failures.push_back(absl::StrCat("create #", i, ": ", CodeName(status.error_code()), " ",
                                      status.error_message()));
      if (failures.size() >= 3) break;
      continue;
    }
    ++created;
    if ((id_of(account.name()) - 1) / 1000 != first_block) new_block = true;
  }
  std::cout << "[ ids      ] " << created << " accounts created after the restart; new block "
            << (new_block ? "reserved" : "not reached") << "\n";
  EXPECT_TRUE(failures.empty()) << "calls failed after the database was back and health was "
                                   "SERVING:\n  "
                                << absl::StrJoin(failures, "\n  ") << "\nlog tail:\n"
                                << Suite().AccountLogTail(20);
  EXPECT_TRUE(new_block) << "no new id block was needed within " << created << " creates";
}

// --- 2. the service started while the database is down ------------------------------

TEST_F(OutageTest, ServiceStartedWhileDatabaseIsDownServesOnceItComesUp) {
  const std::string address = Suite().account_address();
  ASSERT_TRUE(Suite().db().Stop().ok());
  ASSERT_TRUE(Suite().StopAccount().ok());
  absl::Status started = Suite().StartAccount(/*wait_for_serving=*/false);
  ASSERT_TRUE(started.ok()) << started;

  // Once it listens, it says NOT_SERVING, and calls fail with UNAVAILABLE.
  std::string last;
  ASSERT_TRUE(WaitForHealth(address, "NOT_SERVING", absl::Seconds(10), &last))
      << "last health answer: " << last << "\n" << Suite().AccountLogTail();
  auto stub = StubFor(address);
  const absl::Time observe_until = absl::Now() + absl::Milliseconds(1500);
  int calls = 0;
  while (absl::Now() < observe_until) {
    v1::CreateAccountRequest create;
    create.mutable_account()->set_display_name("While the database is down");
    (*create.mutable_account()->mutable_labels())["run"] = "down";
    v1::Account account;
    grpc::Status status = stub->CreateAccount(Context().get(), create, &account);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << CodeName(status.error_code()) << " " << status.error_message();
    EXPECT_FALSE(LeaksSql(status.error_message())) << status.error_message();
    v1::GetAccountRequest get = ByName<v1::GetAccountRequest>("accounts/1");
    grpc::Status get_status = stub->GetAccount(Context().get(), get, &account);
    EXPECT_EQ(get_status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << CodeName(get_status.error_code()) << " " << get_status.error_message();
    absl::StatusOr<std::string> health = CheckHealth(address);
    ASSERT_TRUE(health.ok()) << health.status();
    EXPECT_EQ(*health, "NOT_SERVING");
    ++calls;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_GT(calls, 0);

  // The database comes up; the service notices on its own.
  const absl::Time restart_begin = absl::Now();
  absl::Status restarted = Suite().db().Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  const absl::Time restart_end = absl::Now();
  std::optional<absl::Time> serving = WaitForHealth(address, "SERVING", absl::Seconds(10), &last);
  ASSERT_TRUE(serving.has_value()) << "not SERVING 10 s after the database came up; last: "
                                   << last << "\n" << Suite().AccountLogTail();
  std::cout << "[ timing   ] database restart took "
            << absl::FormatDuration(restart_end - restart_begin) << ", SERVING after "
            << absl::FormatDuration(*serving - restart_end) << "\n";
  v1::Account created = CreateAccount(*stub, "After the database came up");
  EXPECT_FALSE(created.name().empty());
  v1::GetAccountRequest get = ByName<v1::GetAccountRequest>(created.name());
  v1::Account read;
  grpc::Status status = stub->GetAccount(Context().get(), get, &read);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// --- 5. the service killed mid-run ---------------------------------------------------

TEST_F(OutageTest, KilledMidRunKeepsEveryAcknowledgedWrite) {
  const std::string address = Suite().account_address();
  Workload workload({.address = address, .tag = Unique("kill")});
  const absl::Time origin = absl::Now();
  workload.Start();
  ASSERT_TRUE(PollUntil([&] { return workload.acked_account_count() >= 60; }, absl::Seconds(30)))
      << "the workload did not get going";

  const absl::Time kill_time = absl::Now();
  ASSERT_TRUE(Suite().KillAccount().ok());
  absl::SleepFor(absl::Milliseconds(500));  // calls meet a dead server
  const absl::Time start_begin = absl::Now();
  absl::Status started = Suite().StartAccount();
  ASSERT_TRUE(started.ok()) << started;
  const absl::Time serving = absl::Now();
  const int ok_before = workload.ok_calls();
  EXPECT_TRUE(PollUntil([&] { return workload.ok_calls() >= ok_before + 50; },
                        absl::Seconds(20)))
      << "calls did not succeed after the restart";
  workload.Stop();
  std::cout << "[ timing   ] killed at " << absl::FormatDuration(kill_time - origin)
            << ", restarted and SERVING in " << absl::FormatDuration(serving - start_begin)
            << "\n";

  // A killed server drops its connections: UNAVAILABLE is the only failure
  // a caller may see.
  ExpectFailuresOnly(workload, {grpc::StatusCode::UNAVAILABLE}, origin);
  int failed = 0;
  for (const CallRecord& r : workload.records()) failed += r.code != grpc::StatusCode::OK;
  EXPECT_GT(failed, 0) << "no call met the dead server";

  auto stub = StubFor(address);
  VerifyNothingHalfWritten(*stub, workload);
}

// --- 3. graceful shutdown -------------------------------------------------------------

// A second kam-account process on the suite's database, run directly so that
// its exit status can be checked (LocalSuite::StopAccount() returns only
// whether the stop worked, not how the process ended).
struct OwnService {
  std::unique_ptr<ServiceProcess> process;
  std::string address;
  std::string log_path;
};

absl::StatusOr<OwnService> StartOwnService(int port, std::vector<std::string> extra_args,
                                           const std::string& log_name) {
  OwnService service;
  service.address = absl::StrCat("127.0.0.1:", port);
  service.log_path = absl::StrCat(Suite().data_dir(), "/", log_name);
  ServiceProcess::Options options;
  options.binary = KamAccountBinary();
  options.args = {absl::StrCat("--listen=", service.address),
                  absl::StrCat("--db_port=", Suite().db().port()), "--db_host=127.0.0.1"};
  for (std::string& arg : extra_args) options.args.push_back(std::move(arg));
  options.env["KAM_ACCOUNT_DB_PASSWORD"] = Suite().account_db_password();
  options.log_path = service.log_path;
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process = ServiceProcess::Start(options);
  if (!process.ok()) return process.status();
  service.process = *std::move(process);
  if (absl::Status s = service.process->WaitForServing(service.address, absl::Seconds(30));
      !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(s.message(), "\n", ReadFileTail(service.log_path)));
  }
  return service;
}

// An own service on a free port that stops with `--shutdown_grace=<grace>`,
// and an account made on it for a StuckCall to lock.
struct GraceService : OwnService {
  int port = 0;
  v1::Account locked;
};

absl::StatusOr<GraceService> StartWithAnAccountToLock(const std::string& grace,
                                                      const std::string& log_name,
                                                      const std::string& display_name) {
  GraceService service;
  service.port = PickFreePort();
  absl::StatusOr<OwnService> own =
      StartOwnService(service.port, {absl::StrCat("--shutdown_grace=", grace)}, log_name);
  if (!own.ok()) return own.status();
  static_cast<OwnService&>(service) = *std::move(own);
  service.locked = CreateAccount(*StubFor(service.address), display_name);
  if (service.locked.name().empty()) {
    return absl::UnavailableError(
        absl::StrCat("no account to lock:\n", ReadFileTail(service.log_path)));
  }
  return service;
}

// A call that stays in flight for as long as we like: a root session locks
// an account row (SELECT ... FOR UPDATE) and holds the lock for `hold`, and
// a CreateContact under that account waits for the lock.
class StuckCall {
 public:
  StuckCall(std::string address, std::string account, absl::Duration hold)
      : address_(std::move(address)), account_(std::move(account)) {
    const std::string id = account_.substr(std::string("accounts/").size());
    const std::string sql = absl::StrCat(
        "START TRANSACTION;\n"
        "SELECT id FROM kam_account.accounts WHERE id = ",
        id, " FOR UPDATE;\nSELECT SLEEP(", absl::ToDoubleSeconds(hold), ");\nCOMMIT;\n");
    holder_ = std::thread([sql] {
      absl::Status s = Suite().db().ExecuteAsRoot(sql);
      EXPECT_TRUE(s.ok()) << s;
    });
  }
  ~StuckCall() { Join(); }

  // Waits until the root session holds the lock (its transaction is in the
  // SLEEP), sends the call, and checks that the call is still waiting half a
  // second later (it takes milliseconds otherwise). information_schema shows
  // the root transaction reliably but not always the waiting one.
  absl::Status Start(absl::Duration timeout) {
    // Polls 150 ms apart: InnoDB refreshes what information_schema.INNODB_TRX
    // shows only when it has not been read for 100 ms, so faster polling
    // keeps reading a stale snapshot.
    if (absl::Status s = WaitForRootCount("SELECT COUNT(*) FROM information_schema.INNODB_TRX "
                                          "WHERE trx_query LIKE 'SELECT SLEEP%'",
                                          timeout, absl::Milliseconds(150));
        !s.ok()) {
      absl::StatusOr<std::string> sessions = RootQuery(
          "SELECT 'PL', ID, USER, COMMAND, TIME, STATE, LEFT(INFO, 100) "
          "FROM information_schema.PROCESSLIST; "
          "SELECT 'TRX', trx_id, trx_state, trx_mysql_thread_id, LEFT(trx_query, 100) "
          "FROM information_schema.INNODB_TRX");
      return absl::Status(s.code(), absl::StrCat(s.message(), "\nsessions and transactions:\n",
                                                 sessions.ok() ? *sessions : ""));
    }
    call_ = std::thread([this] {
      v1::CreateContactRequest request;
      request.set_parent(account_);
      request.set_request_id(Unique("stuck"));
      request.mutable_contact()->set_display_name("Waits for the lock");
      v1::Contact contact;
      auto stub = StubFor(address_);
      status_ = stub->CreateContact(Context("test", absl::Seconds(30)).get(), request, &contact);
      end_ = absl::Now();
      done_.store(true);
    });
    if (PollUntil([this] { return done_.load(); }, absl::Milliseconds(500))) {
      return absl::FailedPreconditionError(
          "the call did not wait for the row lock; it is not in flight");
    }
    return absl::OkStatus();
  }

  void Join() {
    if (call_.joinable()) call_.join();
    if (holder_.joinable()) holder_.join();
  }

  // After Join().
  const grpc::Status& status() const { return status_; }
  absl::Time end() const { return end_; }

 private:
  const std::string address_;
  const std::string account_;
  std::thread holder_;
  std::thread call_;
  grpc::Status status_;
  absl::Time end_;
  std::atomic<bool> done_{false};
};

// What a SIGTERM during a stuck call came to.
struct Shutdown {
  absl::Time sigterm;               // when the signal was sent
  absl::StatusOr<int> exit_status;  // the process's wait status
  absl::Time exited;                // when it had exited
  grpc::Status call_status;         // how the stuck call ended
  absl::Time call_end;              // and when
};

// Sends SIGTERM to `process` (SIGKILL after 15 s) while `stuck` is in
// flight, then waits for the stuck call to end.
Shutdown SigtermWhileStuck(ServiceProcess& process, StuckCall& stuck) {
  Shutdown s;
  s.sigterm = absl::Now();
  s.exit_status = process.Stop(absl::Seconds(15));
  s.exited = absl::Now();
  stuck.Join();
  s.call_status = stuck.status();
  s.call_end = stuck.end();
  return s;
}

TEST_F(OutageTest, GracefulShutdownUnderLoadFinishesInFlightCallsAndExitsZero) {
  absl::StatusOr<GraceService> service =
      StartWithAnAccountToLock("10s", "kam-account-graceful.log", "Locked while the service stops");
  ASSERT_TRUE(service.ok()) << service.status();

  Workload workload({.address = service->address, .tag = Unique("sigterm")});
  const absl::Time origin = absl::Now();
  workload.Start();
  ASSERT_TRUE(PollUntil([&] { return workload.acked_account_count() >= 40; }, absl::Seconds(30)));

  // One call that stays in flight across the SIGTERM: it waits for a row
  // lock held for 2.5 s.
  StuckCall stuck(service->address, service->locked.name(), absl::Milliseconds(2500));
  absl::Status stuck_started = stuck.Start(absl::Seconds(10));
  ASSERT_TRUE(stuck_started.ok()) << stuck_started << "\n" << ReadFileTail(service->log_path);

  const Shutdown s = SigtermWhileStuck(*service->process, stuck);
  absl::SleepFor(absl::Milliseconds(200));  // calls meet the stopped server
  workload.Stop();

  ASSERT_TRUE(s.exit_status.ok()) << s.exit_status.status();
  EXPECT_TRUE(WIFEXITED(*s.exit_status) && WEXITSTATUS(*s.exit_status) == 0)
      << "kam-account ended with " << DescribeWaitStatus(*s.exit_status) << "\n"
      << ReadFileTail(service->log_path);
  EXPECT_LT(s.exited - s.sigterm, absl::Seconds(10)) << "exit took longer than the grace period";
  EXPECT_TRUE(s.call_status.ok()) << "the call in flight at SIGTERM was not allowed to finish: "
                                  << CodeName(s.call_status.error_code()) << " "
                                  << s.call_status.error_message();
  EXPECT_GT(s.call_end, s.sigterm) << "the slow call was not in flight at SIGTERM";
  EXPECT_TRUE(absl::StrContains(ReadFileTail(service->log_path), "server stopped"));
  std::cout << "[ timing   ] SIGTERM to exit: " << absl::FormatDuration(s.exited - s.sigterm)
            << "; slow call ended " << absl::FormatDuration(s.call_end - s.sigterm)
            << " after SIGTERM\n";

  // Nothing hung (DEADLINE_EXCEEDED) and nothing failed otherwise.
  ExpectFailuresOnly(workload, {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::CANCELLED},
                     origin);

  // Restarted, it serves again, and nothing acknowledged was lost.
  absl::StatusOr<OwnService> again = StartOwnService(service->port, {}, "kam-account-graceful.log");
  ASSERT_TRUE(again.ok()) << again.status();
  auto again_stub = StubFor(again->address);
  v1::Account after = CreateAccount(*again_stub, "After the restart");
  EXPECT_FALSE(after.name().empty());
  VerifyNothingHalfWritten(*again_stub, workload);
  absl::StatusOr<int> second_exit = again->process->Stop(absl::Seconds(15));
  ASSERT_TRUE(second_exit.ok()) << second_exit.status();
  EXPECT_TRUE(WIFEXITED(*second_exit) && WEXITSTATUS(*second_exit) == 0)
      << DescribeWaitStatus(*second_exit);
}

// The grace period bounds the shutdown: a call still running when it ends is
// cancelled and the process exits, even if the call is stuck in the database.
// The handler still blocked on the row lock is abandoned shortly after the
// grace period: the process exits and its connection closes, so the
// uncommitted transaction rolls back.
TEST_F(OutageTest, GracefulShutdownIsBoundedByTheGracePeriod) {
  absl::StatusOr<GraceService> service = StartWithAnAccountToLock(
      "1s", "kam-account-grace-bound.log", "Locked for longer than the grace");
  ASSERT_TRUE(service.ok()) << service.status();

  StuckCall stuck(service->address, service->locked.name(), absl::Seconds(8));
  absl::Status stuck_started = stuck.Start(absl::Seconds(10));
  ASSERT_TRUE(stuck_started.ok()) << stuck_started << "\n" << ReadFileTail(service->log_path);

  const Shutdown s = SigtermWhileStuck(*service->process, stuck);

  ASSERT_TRUE(s.exit_status.ok()) << s.exit_status.status();
  EXPECT_TRUE(WIFEXITED(*s.exit_status) && WEXITSTATUS(*s.exit_status) == 0)
      << DescribeWaitStatus(*s.exit_status);
  std::cout << "[ timing   ] grace 1s: SIGTERM to exit "
            << absl::FormatDuration(s.exited - s.sigterm) << "; stuck call ended "
            << absl::FormatDuration(s.call_end - s.sigterm) << " after SIGTERM with "
            << CodeName(s.call_status.error_code()) << "\n";
  EXPECT_TRUE(s.call_status.error_code() == grpc::StatusCode::CANCELLED ||
              s.call_status.error_code() == grpc::StatusCode::UNAVAILABLE)
      << CodeName(s.call_status.error_code()) << " " << s.call_status.error_message();
  EXPECT_LT(s.call_end - s.sigterm, absl::Seconds(3))
      << "the stuck call was not cancelled when the 1 s grace period ended";
  {
    // The caller was told the call failed; was the contact written anyway?
    auto suite_stub = StubFor(Suite().account_address());
    absl::StatusOr<std::vector<v1::Contact>> contacts =
        ListAllContacts(*suite_stub, service->locked.name());
    ASSERT_TRUE(contacts.ok()) << contacts.status();
    std::cout << "[ outcome  ] the call reported " << CodeName(s.call_status.error_code())
              << "; contacts written under the locked account: " << contacts->size() << "\n";
  }
  EXPECT_LT(s.exited - s.sigterm, absl::Seconds(3))
      << "the process outlived its 1 s grace period by "
      << absl::FormatDuration(s.exited - s.sigterm - absl::Seconds(1)) << ":\n"
      << ReadFileTail(service->log_path, 1500);
}

// SIGTERM while the database is down (the service retries its migrations
// every second): the process still exits at once, with status 0.
TEST_F(OutageTest, SigtermWhileTheDatabaseIsDownExitsPromptly) {
  ASSERT_TRUE(Suite().db().Stop().ok());
  const int port = PickFreePort();
  ServiceProcess::Options options;
  options.binary = KamAccountBinary();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  options.args = {absl::StrCat("--listen=", address),
                  absl::StrCat("--db_port=", Suite().db().port()), "--db_host=127.0.0.1"};
  options.env["KAM_ACCOUNT_DB_PASSWORD"] = Suite().account_db_password();
  options.log_path = absl::StrCat(Suite().data_dir(), "/kam-account-db-down.log");
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process = ServiceProcess::Start(options);
  ASSERT_TRUE(process.ok()) << process.status();
  std::string last;
  ASSERT_TRUE(WaitForHealth(address, "NOT_SERVING", absl::Seconds(10), &last)) << last;
  absl::SleepFor(absl::Milliseconds(1200));  // into the retry loop
  const absl::Time sigterm = absl::Now();
  absl::StatusOr<int> exit_status = (*process)->Stop(absl::Seconds(15));
  const absl::Duration took = absl::Now() - sigterm;
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0)
      << DescribeWaitStatus(*exit_status) << "\n"
      << ReadFileTail(options.log_path);
  EXPECT_LT(took, absl::Seconds(3)) << ReadFileTail(options.log_path);
  std::cout << "[ timing   ] SIGTERM to exit with the database down: "
            << absl::FormatDuration(took) << "\n";
  ASSERT_TRUE(Suite().db().Restart().ok());
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
