// Key-account designations over real rating runs: an account in tier D
// designated strategic, under a long-term agreement or potential is on the
// key-account list with that reason; a designation that expires or is ended
// early takes it off; a designation that lapses between two runs raises
// exactly one DESIGNATION_LAPSED alert and the run counts it; bad input
// names the field; creates are idempotent by request_id.
//
// Accounts (revenue in EUR cents; A >= 100000, B >= 50000, C >= 10000, D
// below): big 120000 (A: on the list by its tier), and strategic, agreement,
// potential, expiring, ended, plain at 1000 each (D). The tests run in order.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "kam/scoring/v1/designation.grpc.pb.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

using DesignationStub = sv1::DesignationService::Stub;

DesignationStub& Designations() { return ScoringApi<sv1::DesignationService>(); }

struct World {
  std::string policy;
  std::string big, strategic, agreement, potential, expiring, ended, plain;
  std::map<std::string, std::string> designation;  // account -> its designation
  std::string run1, run2;
};

sv1::CreateDesignationRequest Designation(const std::string& account, sv1::DesignationKind kind,
                                         absl::Duration lasting,
                                         const std::string& request_id = "") {
  sv1::CreateDesignationRequest request;
  sv1::Designation* d = request.mutable_designation();
  d->set_account(account);
  d->set_kind(kind);
  d->set_reason(absl::StrCat(sv1::DesignationKind_Name(kind), " by the board"));
  *d->mutable_end_time() = common::ToProtoTimestamp(absl::Now() + lasting);
  request.set_request_id(request_id);
  return request;
}

Reply<sv1::Designation> Designate(const std::string& account, sv1::DesignationKind kind,
                                  absl::Duration lasting) {
  return Call(Designations(), &DesignationStub::CreateDesignation,
              Designation(account, kind, lasting));
}

std::vector<sv1::Alert> LapseAlerts(const std::string& run) {
  sv1::ListAlertsRequest request;
  request.set_page_size(1000);
  request.set_filter(absl::StrCat("run = \"", run, "\" AND kind = DESIGNATION_LAPSED"));
  Reply<sv1::ListAlertsResponse> reply =
      Call(Alerts(), &sv1::AlertService::Stub::ListAlerts, request);
  EXPECT_OK(reply.status);
  return {reply.value.alerts().begin(), reply.value.alerts().end()};
}

sv1::ListKeyAccountChangesResponse KeyChanges(const std::string& run) {
  sv1::ListKeyAccountChangesRequest request;
  request.set_run(run);
  request.set_page_size(1000);
  return OkValue(Call(Ratings(), &RatingStub::ListKeyAccountChanges, request));
}

std::map<std::string, sv1::KeyAccountChange> ByAccount(
    const google::protobuf::RepeatedPtrField<sv1::KeyAccountChange>& list) {
  std::map<std::string, sv1::KeyAccountChange> out;
  for (const sv1::KeyAccountChange& c : list) out[c.account()] = c;
  return out;
}

constexpr absl::Duration kYear = absl::Hours(24 * 365);
constexpr absl::Duration kShort = absl::Seconds(4);

World& TheWorld() {
  static World* world = [] {
    auto* w = new World;
    w->policy = MustCreatePolicy(ThresholdPolicy(100000, 50000, 10000)).name();
    w->big = AccountWithRevenue(120000);
    w->strategic = AccountWithRevenue(1000);
    w->agreement = AccountWithRevenue(1000);
    w->potential = AccountWithRevenue(1000);
    w->expiring = AccountWithRevenue(1000);
    w->ended = AccountWithRevenue(1000);
    w->plain = AccountWithRevenue(1000);
    const std::vector<std::pair<std::string, sv1::DesignationKind>> designated = {
        {w->strategic, sv1::DESIGNATION_KIND_STRATEGIC},
        {w->agreement, sv1::DESIGNATION_KIND_LONG_TERM_AGREEMENT},
        {w->potential, sv1::DESIGNATION_KIND_POTENTIAL},
        {w->ended, sv1::DESIGNATION_KIND_STRATEGIC}};
    for (const auto& [account, kind] : designated) {
      w->designation[account] = OkValue(Designate(account, kind, kYear)).name();
    }
    // Lapses a few seconds after run 1 rated it.
    w->designation[w->expiring] =
        OkValue(Designate(w->expiring, sv1::DESIGNATION_KIND_POTENTIAL, kShort)).name();
    w->run1 = RunToSuccess(w->policy);
    return w;
  }();
  return *world;
}

std::vector<sv1::KeyAccountReason> Reasons(const sv1::AccountRating& rating) {
  std::vector<sv1::KeyAccountReason> reasons;
  for (int r : rating.key_reasons()) reasons.push_back(static_cast<sv1::KeyAccountReason>(r));
  return reasons;
}

TEST(Designation, EachKindPutsADAccountOnTheKeyListWithItsReason) {
  World& w = TheWorld();
  std::map<std::string, sv1::AccountRating> key = AllRatings(w.run1, "key_account = true");
  ASSERT_EQ(key.size(), 6u);  // big, and the five designated
  EXPECT_EQ(Reasons(key[w.big]), std::vector{sv1::KEY_ACCOUNT_REASON_TIER});
  EXPECT_TRUE(key[w.big].designations().empty());
  EXPECT_EQ(key[w.strategic].tier(), v1::TIER_D);
  EXPECT_EQ(Reasons(key[w.strategic]), std::vector{sv1::KEY_ACCOUNT_REASON_STRATEGIC});
  ASSERT_EQ(key[w.strategic].designations_size(), 1);
  EXPECT_EQ(key[w.strategic].designations(0), w.designation[w.strategic]);
  EXPECT_EQ(Reasons(key[w.agreement]),
            std::vector{sv1::KEY_ACCOUNT_REASON_LONG_TERM_AGREEMENT});
  EXPECT_EQ(Reasons(key[w.potential]), std::vector{sv1::KEY_ACCOUNT_REASON_POTENTIAL});
  EXPECT_EQ(Reasons(key[w.expiring]), std::vector{sv1::KEY_ACCOUNT_REASON_POTENTIAL});
  EXPECT_EQ(key.count(w.plain), 0u);
  // GetAccountRating says the same.
  const sv1::AccountRating one = OkValue(Call(
      Ratings(), &RatingStub::GetAccountRating,
      ByName<sv1::GetAccountRatingRequest>(key[w.agreement].name())));
  EXPECT_TRUE(one.key_account());
  EXPECT_EQ(Reasons(one), std::vector{sv1::KEY_ACCOUNT_REASON_LONG_TERM_AGREEMENT});

  // They came onto the list with this run, saying why.
  std::map<std::string, sv1::KeyAccountChange> on = ByAccount(KeyChanges(w.run1).came_on());
  EXPECT_EQ(on.size(), 6u);
  EXPECT_TRUE(absl::StrContains(on[w.strategic].reason(), "designated STRATEGIC"))
      << on[w.strategic].reason();
  EXPECT_EQ(GetRun(w.run1).value.designations_lapsed(), 0);  // a first run
}

TEST(Designation, ALapseBetweenRunsRaisesOneAlertAndAnEndedOneNone) {
  World& w = TheWorld();
  // Ended early (someone's decision): off the list, and no lapse alert.
  sv1::EndDesignationRequest end;
  end.set_name(w.designation[w.ended]);
  end.set_reason("the reference project was cancelled");
  const sv1::Designation ended =
      OkValue(Call(Designations(), &DesignationStub::EndDesignation, end));
  EXPECT_EQ(ended.ended_by(), "test");
  EXPECT_FALSE(ended.active());
  Reply<sv1::Designation> again = Call(Designations(), &DesignationStub::EndDesignation, end);
  EXPECT_EQ(again.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  absl::SleepFor(kShort);  // the short designation has lapsed by now
  w.run2 = RunToSuccess(w.policy);
  EXPECT_EQ(GetRun(w.run2).value.designations_lapsed(), 1);
  const std::vector<sv1::Alert> lapsed = LapseAlerts(w.run2);
  ASSERT_EQ(lapsed.size(), 1u);
  EXPECT_EQ(lapsed[0].account(), w.expiring);
  EXPECT_EQ(lapsed[0].severity(), sv1::ALERT_SEVERITY_WARNING);
  EXPECT_TRUE(absl::StrContains(lapsed[0].message(), w.designation[w.expiring]))
      << lapsed[0].message();
  EXPECT_TRUE(LapseAlerts(w.run1).empty());

  // The expired and the ended one are off the list; the others stay on and
  // did not "come on" again.
  std::map<std::string, sv1::AccountRating> key = AllRatings(w.run2, "key_account = true");
  EXPECT_EQ(key.size(), 4u);
  EXPECT_EQ(key.count(w.expiring), 0u);
  EXPECT_EQ(key.count(w.ended), 0u);
  const sv1::ListKeyAccountChangesResponse changes = KeyChanges(w.run2);
  EXPECT_TRUE(changes.came_on().empty());
  std::map<std::string, sv1::KeyAccountChange> off = ByAccount(changes.dropped_off());
  ASSERT_EQ(off.size(), 2u);
  EXPECT_TRUE(off.count(w.expiring));
  EXPECT_TRUE(absl::StrContains(off[w.ended].reason(), "designation ended or lapsed"))
      << off[w.ended].reason();
}

TEST(Designation, BadInputNamesTheField) {
  World& w = TheWorld();
  auto expect_invalid = [](const sv1::CreateDesignationRequest& request,
                           const std::string& field) {
    Reply<sv1::Designation> reply =
        Call(Designations(), &DesignationStub::CreateDesignation, request);
    EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_TRUE(absl::StartsWith(reply.status.error_message(), field))
        << reply.status.error_message();
  };
  sv1::CreateDesignationRequest good;
  good.mutable_designation()->set_account(w.plain);
  good.mutable_designation()->set_kind(sv1::DESIGNATION_KIND_STRATEGIC);
  good.mutable_designation()->set_reason("why");
  *good.mutable_designation()->mutable_end_time() =
      common::ToProtoTimestamp(absl::Now() + kYear);
  sv1::CreateDesignationRequest bad = good;
  bad.mutable_designation()->clear_end_time();
  expect_invalid(bad, "designation.end_time");
  bad = good;
  *bad.mutable_designation()->mutable_end_time() =
      common::ToProtoTimestamp(absl::Now() + 11 * kYear);
  expect_invalid(bad, "designation.end_time");
  bad = good;
  bad.mutable_designation()->set_reason("");
  expect_invalid(bad, "designation.reason");
  bad = good;
  bad.mutable_designation()->set_kind(sv1::DESIGNATION_KIND_UNSPECIFIED);
  expect_invalid(bad, "designation.kind");
  bad = good;
  bad.mutable_designation()->set_account("accounts/x");
  expect_invalid(bad, "designation.account");

  bad = good;
  bad.mutable_designation()->set_account("accounts/999999999");
  EXPECT_EQ(Call(Designations(), &DesignationStub::CreateDesignation, bad).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  // One of a kind at a time.
  bad = good;
  bad.mutable_designation()->set_account(w.strategic);
  Reply<sv1::Designation> twice = Call(Designations(), &DesignationStub::CreateDesignation, bad);
  EXPECT_EQ(twice.status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(absl::StrContains(twice.status.error_message(), w.designation[w.strategic]))
      << twice.status.error_message();
  // A deleted account cannot be designated.
  const std::string gone = AccountWithRevenue(0);
  DeleteBook({gone});
  bad = good;
  bad.mutable_designation()->set_account(gone);
  EXPECT_EQ(Call(Designations(), &DesignationStub::CreateDesignation, bad).status.error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST(Designation, CreateIsIdempotentAndListsFilter) {
  World& w = TheWorld();
  const sv1::CreateDesignationRequest request =
      Designation(w.plain, sv1::DESIGNATION_KIND_POTENTIAL, kYear, Unique("designate"));
  const sv1::Designation first =
      OkValue(Call(Designations(), &DesignationStub::CreateDesignation, request));
  EXPECT_EQ(first.decided_by(), "test");
  EXPECT_TRUE(first.active());
  // The retry answers the first; the same id with another body is refused.
  const sv1::Designation retry =
      OkValue(Call(Designations(), &DesignationStub::CreateDesignation, request));
  EXPECT_EQ(retry.name(), first.name());
  sv1::CreateDesignationRequest other = request;
  other.mutable_designation()->set_reason("another reason");
  EXPECT_EQ(Call(Designations(), &DesignationStub::CreateDesignation, other).status.error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(OkValue(Call(Designations(), &DesignationStub::GetDesignation,
                         ByName<sv1::GetDesignationRequest>(first.name())))
                .reason(),
            first.reason());

  sv1::ListDesignationsRequest list;
  list.set_filter(absl::StrCat("account = \"", w.plain, "\" AND active = true"));
  sv1::ListDesignationsResponse listed =
      OkValue(Call(Designations(), &DesignationStub::ListDesignations, list));
  ASSERT_EQ(listed.designations_size(), 1);
  EXPECT_EQ(listed.designations(0).name(), first.name());
  list.set_filter("active = false");
  listed = OkValue(Call(Designations(), &DesignationStub::ListDesignations, list));
  EXPECT_EQ(listed.designations_size(), 2);  // the expired and the ended one
  list.set_filter("colour = red");
  EXPECT_EQ(Call(Designations(), &DesignationStub::ListDesignations, list).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
