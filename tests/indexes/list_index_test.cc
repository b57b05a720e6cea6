// Every filter field and order_by key a List method of protos/ accepts is
// served by an index: over a generated book of 100,000 accounts and their
// interaction rows (bench/bench_book.h) plus one rating run over the whole
// book, no List call with a filter or an order reads a large table through.
//
// How: each probe below is one List call (a method and its request as
// text). The test truncates MariaDB's general log (log_output=TABLE, on from
// the server's start: a statement prepared while the log is off is logged
// without its values), makes the call over gRPC, and takes from the log
// every SELECT the services' database users ran meanwhile, with its values
// (the log records each execution of a prepared statement). Locking reads
// (FOR UPDATE) are background work, not a List's, and are left out. A call
// may answer OK or NOT_FOUND (a parent the book lacks). It then runs each
// statement again as root under ANALYZE, which executes it and reports per
// table both the plan (access type, key) and the rows actually read. A
// statement fails the test when, for any table,
//   - the plan reads it through (type ALL) and the table holds more than
//     kMaxRowsRead rows, or
//   - it read more than kMaxRowsRead rows of it (a full index scan, or an
//     index that narrows too little, reads as many rows as no index),
// and the failure names the method, the request and the table. Every call
// prints the table it read most of, like a benchmark's figure.
//
// The filter values are probes that match few or no rows (an account in the
// middle of the book, a time after every row, the rarest enum value): with
// an index the statement reads about a page, without one it reads the table,
// so the two cannot be confused, whatever the optimizer's cost model makes
// of a value that many rows share. Each order_by key is listed without a
// filter: served by an index, a page reads page_size + 1 rows; otherwise
// the whole table is sorted. An enum without an index of its own passes when
// walking the id order finds a page of its book's rarest value within the
// limit (bounded by the value's share, not the book's size). The plan is the optimizer's, on
// statistics refreshed by ANALYZE TABLE after the book is written, so the test checks the plans a
// database of this size really gets; ANALYZE (rows read) rather than EXPLAIN (estimates) keeps it
// free of estimate noise.
//
// What is not checked, and why (docs/indexes.md says the same):
//   - `!=` comparisons: they keep most rows, so the list walks its order's
//     index and stops after a page; an index on the field would not help.
//   - Ranges on a rating's churn_risk or health: with the page's LIMIT,
//     MariaDB 10.11 walks the run in account order even when an index on
//     the score exists. Two probes of each kind are called and printed.
//   - Tables the book leaves small (contacts, team memberships, stage, churn
//     and tier history, case events, contact records, policies, runs): their
//     lists are still called, so a SELECT that fails on them is caught, but a
//     scan of a few rows passes. Their lists are scoped to a parent whose id
//     leads an index (docs/indexes.md lists it).
//   - The streams (StreamAccountFacts, ExportAccounts) read the whole book
//     by design, in id order.
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "bench/bench_book.h"
#include "common/base/proto_time.h"
#include "common/db/mysql_pool.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "kam/interaction/v1/agreement.grpc.pb.h"
#include "kam/interaction/v1/billing.grpc.pb.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "kam/interaction/v1/satisfaction.grpc.pb.h"
#include "kam/interaction/v1/service_case.grpc.pb.h"
#include "kam/scoring/v1/alert.grpc.pb.h"
#include "kam/scoring/v1/designation.grpc.pb.h"
#include "kam/scoring/v1/policy.grpc.pb.h"
#include "kam/scoring/v1/rating.grpc.pb.h"
#include "mysql_connection.h"
#include "tests/harness/api_test_util.h"
#include "tests/harness/suite_environment.h"
#include "tests/security/method_walk.h"

namespace kam::testing {
namespace {

namespace av1 = ::kam::account::v1;
namespace iv1 = ::kam::interaction::v1;
namespace sv1 = ::kam::scoring::v1;

constexpr int64_t kBookAccounts = 100000;
// A statement may read at most this many rows of any table. A read that
// grows with the book reads a whole table, and every table the book fills
// holds more (the smallest, alerts, about 7,500 rows); a read bounded by the
// page stays far below, even when it walks the id order to collect a page
// of a rare enum value (void invoices, 1.4% of them: about 1,700 rows).
constexpr double kMaxRowsRead = 5000;

// One call: a List method, named by its request type (each method takes
// its own), and the request as text. In the requests $ACCOUNT is an account
// in the middle of the book, $CASE and $OPPORTUNITY records of the book,
// $RUN the book's rating run, $POLICY its policy and $LATER a time after
// every row of the book.
struct Probe {
  const google::protobuf::Descriptor* list;
  const char* request;
  // Why the request reads more than an index would; its reads are printed,
  // not checked.
  const char* not_indexed = nullptr;
};

void PrintTo(const Probe& p, std::ostream* out) { *out << p.list->name() << " " << p.request; }

// The reasons of the requests left unchecked (docs/indexes.md).
constexpr char kNotEqual[] =
    "!= keeps most rows: the list walks its order and stops after a page, and an index on the "
    "field would not be used";
constexpr char kScoreRange[] =
    "a range on a 0-100 score with the page's LIMIT: MariaDB 10.11 walks the run in account "
    "order (page / share rows) even when an index on (run_id, score) exists, so none is kept";

// Every filter field and order key of every List method, one probe each.
std::vector<Probe> Probes() {
  const auto* accounts = av1::ListAccountsRequest::descriptor();
  const auto* activities = iv1::ListActivitiesRequest::descriptor();
  const auto* cases = iv1::ListCasesRequest::descriptor();
  const auto* surveys = iv1::ListSurveyResponsesRequest::descriptor();
  const auto* orders = iv1::ListOrdersRequest::descriptor();
  const auto* invoices = iv1::ListInvoicesRequest::descriptor();
  const auto* payments = iv1::ListPaymentsRequest::descriptor();
  const auto* opportunities = iv1::ListOpportunitiesRequest::descriptor();
  const auto* agreements = iv1::ListAgreementsRequest::descriptor();
  const auto* ratings = sv1::ListAccountRatingsRequest::descriptor();
  const auto* alerts = sv1::ListAlertsRequest::descriptor();
  const auto* account_ancestors = av1::ListAccountAncestorsRequest::descriptor();
  const auto* account_descendants = av1::ListAccountDescendantsRequest::descriptor();
  const auto* churn_history = av1::ListChurnHistoryRequest::descriptor();
  const auto* contacts = av1::ListContactsRequest::descriptor();
  const auto* stage_history = av1::ListStageHistoryRequest::descriptor();
  const auto* team_accounts = av1::ListTeamAccountsRequest::descriptor();
  const auto* team_memberships = av1::ListTeamMembershipsRequest::descriptor();
  const auto* tier_history = av1::ListTierHistoryRequest::descriptor();
  const auto* case_events = iv1::ListCaseEventsRequest::descriptor();
  const auto* contact_record_entries = iv1::ListContactRecordEntriesRequest::descriptor();
  const auto* opportunity_stage_history = iv1::ListOpportunityStageHistoryRequest::descriptor();
  const auto* overdue_follow_ups = iv1::ListOverdueFollowUpsRequest::descriptor();
  const auto* sla_policy_changes = iv1::ListSlaPolicyChangesRequest::descriptor();
  const auto* key_account_changes = sv1::ListKeyAccountChangesRequest::descriptor();
  const auto* designations = sv1::ListDesignationsRequest::descriptor();
  const auto* rating_runs = sv1::ListRatingRunsRequest::descriptor();
  const auto* scoring_policies = sv1::ListScoringPoliciesRequest::descriptor();
  const auto* scoring_policy_versions = sv1::ListScoringPolicyVersionsRequest::descriptor();
  std::vector<Probe> probes = {
      {accounts, "filter: 'tier = A'"},
      {accounts, "filter: 'stage = INTERRUPTED'"},
      {accounts, "filter: 'state = CHURNED'"},
      {accounts, "filter: 'category = POTENTIAL'"},
      {accounts, "filter: 'owner = \"u-probe\"'"},
      {accounts, "filter: 'parent_account = \"$ACCOUNT\"'"},
      {accounts, "filter: 'industry = \"probe\"'"},
      {accounts, "filter: 'region = \"probe\"'"},
      {accounts, "filter: 'external_id = \"probe\"'"},
      {accounts, "filter: 'single_contact_risk = true'"},
      {accounts, "filter: 'labels.probe = \"x\"'"},
      {accounts, "filter: 'create_time >= $LATER'"},
      {accounts, "filter: 'update_time >= $LATER'"},
      {accounts, "order_by: 'display_name'"},
      {accounts, "order_by: 'create_time desc'"},
      {accounts, "order_by: 'update_time'"},
      {accounts, "order_by: 'tier desc'"},
      {accounts, "show_deleted: true order_by: 'display_name desc'"},
      {contacts, "parent: '$ACCOUNT'"},
      {team_memberships, "parent: '$ACCOUNT'"},
      {team_memberships, "parent: '$ACCOUNT' role: TEAM_ROLE_SALES include_ended: true"},
      {stage_history, "parent: '$ACCOUNT'"},
      {churn_history, "parent: '$ACCOUNT'"},
      {tier_history, "parent: '$ACCOUNT'"},
      {team_accounts, "user: 'u-probe'"},
      {account_descendants, "name: '$ACCOUNT'"},
      {account_ancestors, "name: '$ACCOUNT'"},
      {activities, "filter: 'account = \"$ACCOUNT\"'"},
      {activities, "show_deleted: true filter: 'account = \"$ACCOUNT\"'"},
      {activities, "filter: 'kind = TRAINING'"},
      {activities, "filter: 'level = EXECUTIVE'"},
      {activities, "filter: 'status = CANCELLED'"},
      {activities, "filter: 'team_member = \"u-probe\"'"},
      {activities, "filter: 'contact = \"$ACCOUNT/contacts/1\"'"},
      {activities, "filter: 'planned_time >= $LATER'"},
      {activities, "filter: 'actual_time >= $LATER'"},
      {activities, "filter: 'next_follow_up_time >= $LATER'"},
      {activities, "filter: 'create_time >= $LATER'"},
      {activities, "filter: 'update_time >= $LATER'"},
      {contact_record_entries, "account: '$ACCOUNT'"},
      {overdue_follow_ups, "owner: 'u-probe'"},
      {cases, "filter: 'account = \"$ACCOUNT\"'"},
      {cases, "filter: 'contact = \"$ACCOUNT/contacts/1\"'"},
      {cases, "filter: 'type = COLLECTION'"},
      {cases, "filter: 'priority = CRITICAL'"},
      {cases, "filter: 'status = WAITING_ON_CUSTOMER'"},
      {cases, "filter: 'level = EXECUTIVE'"},
      {cases, "filter: 'assignee = \"u-probe\"'"},
      {cases, "filter: 'breached = true'"},
      {cases, "filter: 'first_response_breached = true'"},
      {cases, "filter: 'resolution_breached = true'"},
      {cases, "filter: 'create_time >= $LATER'"},
      {cases, "filter: 'update_time >= $LATER'"},
      {cases, "filter: 'first_response_due_time >= $LATER'"},
      {cases, "filter: 'resolution_due_time >= $LATER'"},
      {cases, "order_by: 'create_time desc'"},
      {cases, "order_by: 'update_time'"},
      {cases, "order_by: 'first_response_due_time'"},
      {cases, "order_by: 'resolution_due_time desc'"},
      {case_events, "parent: '$CASE'"},
      {sla_policy_changes, ""},
      {sla_policy_changes, "policy: 'slaPolicies/high-a'"},
      {surveys, "filter: 'account = \"$ACCOUNT\"'"},
      {surveys, "filter: 'case = \"cases/1\"'"},
      {surveys, "filter: 'contact = \"$ACCOUNT/contacts/1\"'"},
      {surveys, "filter: 'kind = NPS'"},
      {surveys, "filter: 'score = 0'"},
      {surveys, "filter: 'response_time >= $LATER'"},
      {surveys, "filter: 'create_time >= $LATER'"},
      {orders, "filter: 'account = \"$ACCOUNT\"'"},
      {orders, "filter: 'status = CANCELLED'"},
      {orders, "filter: 'order_time >= $LATER'"},
      {orders, "filter: 'create_time >= $LATER'"},
      {invoices, "filter: 'account = \"$ACCOUNT\"'"},
      {invoices, "filter: 'order = \"orders/1\"'"},
      {invoices, "filter: 'status = VOID'"},
      {invoices, "filter: 'overdue = true'"},
      {invoices, "filter: 'due_time >= $LATER'"},
      {invoices, "filter: 'issue_time >= $LATER'"},
      {invoices, "filter: 'create_time >= $LATER'"},
      {payments, "filter: 'account = \"$ACCOUNT\"'"},
      {payments, "filter: 'invoice = \"invoices/1\"'"},
      {payments, "filter: 'received_time >= $LATER'"},
      {payments, "filter: 'create_time >= $LATER'"},
      {opportunities, "filter: 'account = \"$ACCOUNT\"'"},
      {opportunities, "show_deleted: true filter: 'account = \"$ACCOUNT\"'"},
      {opportunities, "filter: 'owner = \"u-probe\"'"},
      {opportunities, "filter: 'stage = COMMERCIAL_NEGOTIATION'"},
      {opportunities, "filter: 'state = LOST'"},
      {opportunities, "filter: 'class = D'"},
      {opportunities, "filter: 'expected_close_time >= $LATER'"},
      {opportunities, "filter: 'create_time >= $LATER'"},
      {opportunities, "filter: 'update_time >= $LATER'"},
      {opportunities, "filter: 'renews_agreement = \"agreements/1\"'"},
      {agreements, ""},
      {agreements, "filter: 'account = \"$ACCOUNT\"'"},
      {agreements, "filter: 'owner = \"u-probe\"'"},
      {agreements, "filter: 'cooperation_model = EXCLUSIVE_SUPPLY'"},
      {agreements, "filter: 'state = TERMINATED'"},
      {agreements, "filter: 'end_time >= $LATER'"},
      {agreements, "filter: 'notice_deadline >= $LATER'"},
      {agreements, "filter: 'start_time >= $LATER'"},
      {opportunity_stage_history, "parent: '$OPPORTUNITY'"},
      {scoring_policies, ""},
      {scoring_policy_versions, "name: '$POLICY'"},
      {rating_runs, "filter: 'state = FAILED'"},
      {rating_runs, "filter: 'policy = \"$POLICY\"'"},
      {ratings, "parent: '$RUN'"},
      {ratings, "parent: '$RUN' filter: 'tier = A'"},
      {ratings, "parent: '$RUN' filter: 'movement = DEMOTED'"},
      {ratings, "parent: '$RUN' filter: 'key_account = true'"},
      {ratings, "parent: '$RUN' filter: 'segment = \"probe\"'"},
      {key_account_changes, "run: '$RUN'"},
      {designations, "filter: 'account = \"$ACCOUNT\"'"},
      {designations, "filter: 'kind = POTENTIAL'"},
      {designations, "filter: 'active = true'"},
      {alerts, "filter: 'account = \"$ACCOUNT\"'"},
      {alerts, "filter: 'kind = TIER_DROP'"},
      {alerts, "filter: 'severity = CRITICAL'"},
      {alerts, "filter: 'run = \"$RUN\"'"},
      {alerts, "filter: 'acknowledged = true'"},
  };
  // Left unchecked, with the reason (their reads are printed).
  for (const Probe& unchecked :
       {Probe{accounts, "filter: 'tier != A'", kNotEqual},
        Probe{orders, "filter: 'status != INVOICED'", kNotEqual},
        Probe{ratings, "parent: '$RUN' filter: 'churn_risk >= 98'", kScoreRange},
        Probe{ratings, "parent: '$RUN' filter: 'health <= 0'", kScoreRange}}) {
    probes.push_back(unchecked);
  }
  return probes;
}

// A root connection to the suite's database that the general log leaves
// out, so only the services' statements are captured.
std::unique_ptr<common::SqlConnection> RootConnection() {
  common::InitMySqlDriver();
  common::DbOptions db;
  db.port = Suite().db().port();
  db.user = "root";
  db.schema = "mysql";
  db.pool_size = 1;
  common::ConnectionPool pool(db);
  absl::StatusOr<std::unique_ptr<common::SqlConnection>> opened =
      pool.OpenDedicated(absl::Minutes(10));
  EXPECT_TRUE(opened.ok()) << opened.status();
  if (!opened.ok()) return nullptr;
  (*opened)->Execute("SET SESSION sql_log_off = ON");
  return *std::move(opened);
}

// What ANALYZE says of one table a statement reads.
struct TableRead {
  std::string table;
  std::string type;
  std::string key;
  double rows = 0;    // the optimizer's estimate
  double r_rows = 0;  // rows read, per loop
};

class ListIndexTest : public ::testing::TestWithParam<Probe> {
 protected:
  // The book, the run and the capture, once for every case.
  static void SetUpTestSuite() {
    BenchBookOptions options;
    options.accounts = kBookAccounts;
    options.progress = false;
    absl::StatusOr<BenchBook> book = FillBenchBook(Suite(), options);
    ASSERT_TRUE(book.ok()) << book.status();
    substitutions_ = new std::map<std::string, std::string>{
        {"$ACCOUNT", absl::StrCat("accounts/", book->first_account_id + kBookAccounts / 2)},
        {"$LATER", "\"2031-01-01T00:00:00Z\""}};
    StartRun(book->period_start, book->period_end);
    root_ = RootConnection().release();
    ASSERT_NE(root_, nullptr);
    std::unique_ptr<sql::Statement> statement(root_->raw().createStatement());
    for (const auto& [placeholder, table] : std::map<std::string, std::string>{
             {"$CASE", "cases"}, {"$OPPORTUNITY", "opportunities"}}) {
      std::unique_ptr<sql::ResultSet> first(
          statement->executeQuery(absl::StrCat("SELECT MIN(id) FROM kam_interaction.", table)));
      ASSERT_TRUE(first->next());
      (*substitutions_)[placeholder] = absl::StrCat(table, "/", first->getInt64(1));
    }
    // Fresh statistics, so the plans are the ones this size gets.
    std::unique_ptr<sql::ResultSet> tables(statement->executeQuery(
        "SELECT CONCAT('`', table_schema, '`.`', table_name, '`') FROM information_schema.tables "
        "WHERE table_schema LIKE 'kam\\_%' AND table_type = 'BASE TABLE'"));
    std::vector<std::string> names;
    while (tables->next()) names.push_back(tables->getString(1));
    for (const std::string& name : names) {
      std::unique_ptr<sql::ResultSet>(statement->executeQuery("ANALYZE TABLE " + name));
    }
  }

  // A policy ranking the book by revenue, and a run of it over the whole
  // book as of the book's period end, waited for.
  static void StartRun(absl::Time period_start, absl::Time period_end) {
    std::shared_ptr<grpc::Channel> channel = Suite().Channel("scoring");
    auto policies = sv1::ScoringPolicyService::NewStub(channel);
    auto ratings = sv1::RatingService::NewStub(channel);
    sv1::CreateScoringPolicyRequest create;
    create.set_request_id("list-index-policy");
    create.mutable_policy()->set_display_name("list index probe");
    create.mutable_policy()->set_value_measure(sv1::VALUE_MEASURE_REVENUE);
    create.mutable_policy()->set_period_days(
        static_cast<int32_t>((period_end - period_start) / absl::Hours(24)));
    const sv1::ScoringPolicy policy =
        OkValue(Call(*policies, &sv1::ScoringPolicyService::Stub::CreateScoringPolicy, create));
    sv1::StartRatingRunRequest start;
    start.set_request_id("list-index-run");
    start.set_policy(policy.name());
    *start.mutable_as_of() = common::ToProtoTimestamp(period_end);
    const sv1::RatingRun run =
        OkValue(Call(*ratings, &sv1::RatingService::Stub::StartRatingRun, start));
    (*substitutions_)["$POLICY"] = policy.name();
    (*substitutions_)["$RUN"] = run.name();
    sv1::RunState state = run.state();
    ASSERT_TRUE(PollUntil(
        [&] {
          const Reply<sv1::RatingRun> got = Call(*ratings, &sv1::RatingService::Stub::GetRatingRun,
                                                 ByName<sv1::GetRatingRunRequest>(run.name()));
          state = got.value.state();
          return state >= sv1::RUN_STATE_SUCCEEDED;
        },
        absl::Minutes(5), absl::Milliseconds(250)));
    ASSERT_EQ(state, sv1::RUN_STATE_SUCCEEDED);
  }

  // Every SELECT a service's database user ran since the log was truncated:
  // (schema, statement) pairs. Locking reads (SELECT ... FOR UPDATE) are
  // left out: they are the writes' and the rating runner's, which poll in
  // the background, not a List's, and ANALYZE would take their locks.
  static std::vector<std::pair<std::string, std::string>> CapturedSelects() {
    std::unique_ptr<sql::Statement> statement(root_->raw().createStatement());
    std::unique_ptr<sql::ResultSet> rs(statement->executeQuery(
        "SELECT SUBSTRING_INDEX(user_host, '[', 1), CONVERT(argument USING utf8mb4) "
        "FROM mysql.general_log WHERE command_type IN ('Query', 'Execute') "
        "AND user_host LIKE 'kam\\_%' AND TRIM(CONVERT(argument USING utf8mb4)) LIKE 'SELECT%' "
        "AND CONVERT(argument USING utf8mb4) NOT LIKE '%FOR UPDATE%'"));
    std::vector<std::pair<std::string, std::string>> selects;
    while (rs->next()) selects.emplace_back(rs->getString(1), rs->getString(2));
    return selects;
  }

  // ANALYZE of `select` in `schema`: one entry per table it reads.
  static std::vector<TableRead> Analyze(const std::string& schema, const std::string& select) {
    root_->raw().setSchema(schema);
    std::unique_ptr<sql::Statement> statement(root_->raw().createStatement());
    std::vector<TableRead> reads;
    std::unique_ptr<sql::ResultSet> rs;
    try {
      rs.reset(statement->executeQuery("ANALYZE " + select));
    } catch (const sql::SQLException& e) {
      ADD_FAILURE() << "ANALYZE failed (" << e.what() << "): " << select;
      return reads;
    }
    while (rs->next()) {
      if (rs->isNull("table")) continue;
      TableRead read;
      read.table = rs->getString("table");
      read.type = rs->isNull("type") ? "" : std::string(rs->getString("type"));
      read.key = rs->isNull("key") ? "" : std::string(rs->getString("key"));
      read.rows = rs->isNull("rows") ? 0 : rs->getDouble("rows");
      read.r_rows = rs->isNull("r_rows") ? 0 : rs->getDouble("r_rows");
      reads.push_back(read);
    }
    return reads;
  }

  static std::map<std::string, std::string>* substitutions_;
  static common::SqlConnection* root_;
};

std::map<std::string, std::string>* ListIndexTest::substitutions_ = nullptr;
common::SqlConnection* ListIndexTest::root_ = nullptr;

// The method that takes `request`.
const google::protobuf::MethodDescriptor* MethodTaking(
    const google::protobuf::Descriptor* request) {
  for (int s = 0; s < request->file()->service_count(); ++s) {
    const google::protobuf::ServiceDescriptor* service = request->file()->service(s);
    for (int m = 0; m < service->method_count(); ++m) {
      if (service->method(m)->input_type() == request) return service->method(m);
    }
  }
  return nullptr;
}

TEST_P(ListIndexTest, ReadsNoTableThrough) {
  ASSERT_NE(root_, nullptr);
  const std::string request_text = absl::StrReplaceAll(GetParam().request, *substitutions_);
  const google::protobuf::MethodDescriptor* method = MethodTaking(GetParam().list);
  ASSERT_NE(method, nullptr) << GetParam().list->full_name();
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> request(
      factory.GetPrototype(method->input_type())->New());
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(request_text, request.get()))
      << request_text;

  root_->Execute("TRUNCATE TABLE mysql.general_log");
  const grpc::Status status = CallGeneric(*method, request->SerializeAsString(), "");
  // NOT_FOUND: a parent the book has none of (a contact record); the
  // SELECTs that found so still count.
  ASSERT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND)
      << method->name() << " " << request_text << ": " << status.error_message();
  const std::vector<std::pair<std::string, std::string>> selects = CapturedSelects();
  ASSERT_FALSE(selects.empty()) << method->name() << " " << request_text << " ran no SELECT";
  // The read of most rows, printed for every case like a benchmark's figure.
  std::string most = "no table";
  double most_rows = -1;
  for (const auto& [schema, select] : selects) {
    for (const TableRead& read : Analyze(schema, select)) {
      const std::string what = absl::StrCat(read.r_rows, " rows of ", schema, ".", read.table,
                                            " (type ", read.type, ", key '", read.key, "')");
      if (read.r_rows > most_rows) {
        most = what;
        most_rows = read.r_rows;
      }
      if (GetParam().not_indexed != nullptr) continue;
      const bool scan = read.type == "ALL" && read.rows > kMaxRowsRead;
      EXPECT_FALSE(scan || read.r_rows > kMaxRowsRead)
          << "no index serves " << method->name() << " with " << request_text << ": it reads "
          << what << ", estimate " << read.rows << "\n  " << select;
    }
  }
  std::cout << method->name() << " " << request_text << ": at most " << most;
  if (GetParam().not_indexed != nullptr) std::cout << "; not checked: " << GetParam().not_indexed;
  std::cout << "\n";
}

INSTANTIATE_TEST_SUITE_P(EveryListFilterAndOrder, ListIndexTest, ::testing::ValuesIn(Probes()));

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  kam::testing::LocalSuite::Options options;
  options.services = kam::testing::AllServices();
  options.args["scoring"] = {"--run_poll_interval=100ms"};
  // The general log on from the start: a statement prepared while it is off
  // is logged without its values, and the services keep their prepared
  // statements for the life of a connection.
  options.db_args = {"--general-log=ON", "--log-output=TABLE"};
  return kam::testing::RunTestsOnSuite(argc, argv, options);
}
