// Cooperation agreements through the public API (kam.interaction.v1.
// AgreementService), with MariaDB, kam-account and kam-interaction as
// processes: create, get, list (filters, end-time order, pages), update with
// a mask and etags, terminate with a reason (the history kept), validation
// naming the field, the account checks, idempotent create, and an
// opportunity that renews an agreement of its own account.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "kam/interaction/v1/agreement.grpc.pb.h"
#include "kam/interaction/v1/opportunity.grpc.pb.h"
#include "tests/interaction/activity_test_helpers.h"

namespace kam::testing {
namespace {

using AgreementStub = iv1::AgreementService::Stub;
using OppStub = iv1::OpportunityService::Stub;
using google::protobuf::util::MessageDifferencer;

AgreementStub& Agreements() { return InteractionApi<iv1::AgreementService>(); }
OppStub& Opps() { return InteractionApi<iv1::OpportunityService>(); }

constexpr absl::Duration kDay = absl::Hours(24);

// A framework agreement of `account` over [now + from, now + to), with a
// notice period of `notice_days`.
iv1::Agreement Draft(const v1::Account& account, absl::Duration from = -30 * kDay,
                     absl::Duration to = 365 * kDay, int notice_days = 90) {
  const absl::Time now = absl::Now();
  iv1::Agreement a;
  a.set_account(account.name());
  a.set_title(Unique("Framework agreement"));
  *a.mutable_start_time() = TsAt(now + from);
  *a.mutable_end_time() = TsAt(now + to);
  a.add_services_covered("network maintenance");
  a.add_services_covered("spare parts within 24 hours");
  a.mutable_price_policy()->set_discount_bp(1200);
  a.mutable_price_policy()->set_description("12% off list prices; indexed yearly");
  a.set_cooperation_model(iv1::COOPERATION_MODEL_FRAMEWORK);
  a.set_notice_period_days(notice_days);
  return a;
}

Reply<iv1::Agreement> Create(const iv1::Agreement& agreement, const std::string& request_id = "") {
  iv1::CreateAgreementRequest request;
  *request.mutable_agreement() = agreement;
  request.set_request_id(request_id);
  return Call(Agreements(), &AgreementStub::CreateAgreement, request);
}

Reply<iv1::Agreement> Get(const std::string& name) {
  return Call(Agreements(), &AgreementStub::GetAgreement, ByName<iv1::GetAgreementRequest>(name));
}

Reply<iv1::Agreement> Update(const iv1::Agreement& patch, const std::vector<std::string>& paths) {
  return Call(Agreements(), &AgreementStub::UpdateAgreement,
              UpdateRequest<iv1::UpdateAgreementRequest>(patch, paths));
}

Reply<iv1::Agreement> Terminate(const std::string& name, const std::string& reason,
                                const std::string& actor = "test") {
  iv1::TerminateAgreementRequest request = ByName<iv1::TerminateAgreementRequest>(name);
  request.set_reason(reason);
  return Call(Agreements(), &AgreementStub::TerminateAgreement, request, actor);
}

iv1::ListAgreementsRequest Listing(const std::string& filter, int page_size = 1000) {
  iv1::ListAgreementsRequest request;
  request.set_filter(filter);
  request.set_page_size(page_size);
  return request;
}

Reply<iv1::ListAgreementsResponse> ListPage(const std::string& filter) {
  return Call(Agreements(), &AgreementStub::ListAgreements, Listing(filter));
}

// The names of every agreement matching `filter`, in list order, read in
// pages of `page_size`.
std::vector<std::string> Names(const std::string& filter, int page_size = 1000) {
  std::vector<std::string> names;
  for (const iv1::Agreement& a : AllPages<iv1::Agreement>(
           Agreements(), &AgreementStub::ListAgreements, Listing(filter, page_size))) {
    names.push_back(a.name());
  }
  return names;
}

std::string OfAccount(const v1::Account& account) {
  return absl::StrCat("account = \"", account.name(), "\"");
}

TEST(AgreementTest, CreateGetUpdateTerminate) {
  const v1::Account account = MakeAccount("Agreement customer", "CNY", "u-owner");
  const iv1::Agreement draft = Draft(account);
  Reply<iv1::Agreement> created = Create(draft);
  ASSERT_OK(created.status);
  const iv1::Agreement& a = created.value;
  EXPECT_EQ(a.account(), account.name());
  EXPECT_EQ(a.owner(), "u-owner");  // the account's owner by default
  EXPECT_EQ(a.state(), iv1::AGREEMENT_STATE_ACTIVE);
  EXPECT_EQ(TimeOf(a.notice_deadline()), TimeOf(a.end_time()) - 90 * kDay);
  EXPECT_FALSE(a.has_renewal_end_time());
  EXPECT_EQ(a.services_covered_size(), 2);
  EXPECT_EQ(a.price_policy().discount_bp(), 1200);
  EXPECT_FALSE(a.etag().empty());
  // A read answers what the create did.
  Reply<iv1::Agreement> read = Get(a.name());
  ASSERT_OK(read.status);
  EXPECT_TRUE(MessageDifferencer::Equals(read.value, a)) << read.value.DebugString();

  // Renewal terms: auto-renew for 12 months, and a shorter notice period.
  iv1::Agreement patch = Patch<iv1::Agreement>(a.name(), a.etag());
  patch.set_auto_renew(true);
  patch.set_renewal_term_months(12);
  patch.set_notice_period_days(60);
  Reply<iv1::Agreement> updated =
      Update(patch, {"auto_renew", "renewal_term_months", "notice_period_days"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(TimeOf(updated.value.notice_deadline()), TimeOf(a.end_time()) - 60 * kDay);
  EXPECT_TRUE(updated.value.has_renewal_end_time());
  EXPECT_GT(TimeOf(updated.value.renewal_end_time()), TimeOf(a.end_time()) + 364 * kDay);
  EXPECT_NE(updated.value.etag(), a.etag());
  // The old etag is stale now.
  EXPECT_CODE(Update(patch, {"notice_period_days"}).status, ABORTED);
  // Output-only and termination fields are refused in the mask.
  patch.set_etag("");
  EXPECT_TRUE(IsInvalidField(Update(patch, {"state"}).status, "update_mask"));
  EXPECT_TRUE(HasCodeMentioning(Update(patch, {"terminate_time"}).status,
                                grpc::StatusCode::INVALID_ARGUMENT, "TerminateAgreement"));
  // A rule broken by an update names the field; nothing changes.
  iv1::Agreement bad = Patch<iv1::Agreement>(a.name());
  bad.set_renewal_term_months(0);
  EXPECT_TRUE(IsInvalidField(Update(bad, {"renewal_term_months"}).status,
                             "agreement.renewal_term_months"));

  // Termination keeps the agreement and its terms, with why and who.
  EXPECT_TRUE(IsInvalidField(Terminate(a.name(), "").status, "reason"));
  Reply<iv1::Agreement> ended = Terminate(a.name(), "customer merged into its parent", "u-admin");
  ASSERT_OK(ended.status);
  EXPECT_EQ(ended.value.state(), iv1::AGREEMENT_STATE_TERMINATED);
  EXPECT_EQ(ended.value.termination_reason(), "customer merged into its parent");
  EXPECT_EQ(ended.value.terminated_by(), "u-admin");
  EXPECT_TRUE(ended.value.has_terminate_time());
  EXPECT_EQ(ended.value.title(), a.title());
  EXPECT_TRUE(MessageDifferencer::Equals(Get(a.name()).value, ended.value));
  // A terminated agreement cannot change or be terminated again.
  EXPECT_CODE(Update(bad, {"title"}).status, FAILED_PRECONDITION);
  EXPECT_CODE(Terminate(a.name(), "again").status, FAILED_PRECONDITION);
  EXPECT_CODE(Get("agreements/999999999").status, NOT_FOUND);
}

TEST(AgreementTest, ValidationNamesTheField) {
  const v1::Account account = MakeAccount("Agreement rules", "CNY", "u-owner");
  // Each broken rule and the field its refusal names.
  const std::vector<std::pair<std::string, std::function<void(iv1::Agreement&)>>> cases = {
      {"agreement.title", [](iv1::Agreement& a) { a.set_title(""); }},
      {"agreement.start_time", [](iv1::Agreement& a) { a.clear_start_time(); }},
      {"agreement.end_time", [](iv1::Agreement& a) { *a.mutable_end_time() = a.start_time(); }},
      {"agreement.end_time",
       [](iv1::Agreement& a) { *a.mutable_end_time() = TsAt(absl::Now() + 3700 * kDay); }},
      {"agreement.notice_period_days", [](iv1::Agreement& a) { a.set_notice_period_days(400); }},
      {"agreement.services_covered[1]",
       [](iv1::Agreement& a) { a.set_services_covered(1, "network maintenance"); }},
      {"agreement.price_policy.discount_bp",
       [](iv1::Agreement& a) { a.mutable_price_policy()->set_discount_bp(-5); }},
      {"agreement.cooperation_model", [](iv1::Agreement& a) { a.clear_cooperation_model(); }},
      {"agreement.renewal_term_months", [](iv1::Agreement& a) { a.set_auto_renew(true); }},
      {"agreement.account", [](iv1::Agreement& a) { a.set_account("customers/1"); }},
  };
  for (const auto& [field, breaks] : cases) {
    iv1::Agreement a = Draft(account);
    breaks(a);
    EXPECT_TRUE(IsInvalidField(Create(a).status, field)) << field;
  }
  EXPECT_TRUE(Names(OfAccount(account)).empty());  // nothing written

  // The account must exist and be live.
  iv1::Agreement missing = Draft(account);
  missing.set_account("accounts/999999999");
  EXPECT_CODE(Create(missing).status, NOT_FOUND);
  const v1::Account deleted = MakeAccount("Agreement deleted", "CNY", "u-owner");
  DeleteAccount(deleted.name());
  EXPECT_CODE(Create(Draft(deleted)).status, FAILED_PRECONDITION);
  // An account without an owner needs one given.
  const v1::Account ownerless = MakeAccount("Agreement ownerless", "CNY", "");
  EXPECT_TRUE(IsInvalidField(Create(Draft(ownerless)).status, "agreement.owner"));
  iv1::Agreement owned = Draft(ownerless);
  owned.set_owner("u-given");
  EXPECT_OK(Create(owned).status);
}

TEST(AgreementTest, CreateIsIdempotentByRequestId) {
  const v1::Account account = MakeAccount("Agreement retry", "CNY", "u-owner");
  const iv1::Agreement draft = Draft(account);
  const std::string id = Unique("agreement-request");
  Reply<iv1::Agreement> first = Create(draft, id);
  ASSERT_OK(first.status);
  Reply<iv1::Agreement> retry = Create(draft, id);
  ASSERT_OK(retry.status);
  EXPECT_EQ(retry.value.name(), first.value.name());
  EXPECT_EQ(retry.value.etag(), first.value.etag());
  iv1::Agreement other = draft;
  other.set_title("Another agreement");
  EXPECT_CODE(Create(other, id).status, ALREADY_EXISTS);
  EXPECT_EQ(Names(OfAccount(account)).size(), 1u);
}

TEST(AgreementTest, ListFiltersAndEndTimeOrder) {
  const v1::Account account = MakeAccount("Agreement list", "CNY", "u-list-owner");
  // Created out of end order: soon (ends in 40 days), later (in 2 years),
  // scheduled (starts in 10 days, ends in 1 year), past (ended 5 days ago).
  const iv1::Agreement later = OkValue(Create(Draft(account, -10 * kDay, 730 * kDay, 90)));
  const iv1::Agreement soon = OkValue(Create(Draft(account, -300 * kDay, 40 * kDay, 30)));
  const iv1::Agreement scheduled = OkValue(Create(Draft(account, 10 * kDay, 365 * kDay, 30)));
  const iv1::Agreement past = OkValue(Create(Draft(account, -400 * kDay, -5 * kDay, 30)));
  EXPECT_EQ(scheduled.state(), iv1::AGREEMENT_STATE_SCHEDULED);
  EXPECT_EQ(past.state(), iv1::AGREEMENT_STATE_ENDED);

  // By end time, soonest first, in one page or in pages of one.
  const std::vector<std::string> ordered = {past.name(), soon.name(), scheduled.name(),
                                            later.name()};
  EXPECT_EQ(Names(OfAccount(account)), ordered);
  EXPECT_EQ(Names(OfAccount(account), 1), ordered);

  const std::string in_60_days = Rfc3339(TsAt(absl::Now() + 60 * kDay));
  const std::string in_30_days = Rfc3339(TsAt(absl::Now() + 30 * kDay));
  // Ending before a time, and notice due before a time.
  EXPECT_EQ(Names(absl::StrCat(OfAccount(account), " AND end_time < \"", in_60_days, "\"")),
            (std::vector<std::string>{past.name(), soon.name()}));
  EXPECT_EQ(Names(absl::StrCat(OfAccount(account), " AND state = ACTIVE AND notice_deadline < \"",
                               in_30_days, "\"")),
            std::vector<std::string>{soon.name()});
  EXPECT_EQ(Names(absl::StrCat(OfAccount(account), " AND state = SCHEDULED")),
            std::vector<std::string>{scheduled.name()});
  EXPECT_EQ(Names(absl::StrCat(OfAccount(account), " AND state != ENDED")),
            (std::vector<std::string>{soon.name(), scheduled.name(), later.name()}));
  EXPECT_EQ(Names("owner = \"u-list-owner\" AND cooperation_model = FRAMEWORK").size(), 4u);
  ASSERT_OK(Terminate(later.name(), "replaced by a new agreement").status);
  EXPECT_EQ(Names(absl::StrCat(OfAccount(account), " AND state = TERMINATED")),
            std::vector<std::string>{later.name()});

  // Filters the listing cannot take name the filter.
  EXPECT_TRUE(IsInvalidField(ListPage("colour = \"red\"").status, "filter"));
  EXPECT_CODE(ListPage("state = SOMETIMES").status, INVALID_ARGUMENT);
  EXPECT_CODE(ListPage("state > ACTIVE").status, INVALID_ARGUMENT);
  EXPECT_CODE(ListPage("end_time < \"not a time\"").status, INVALID_ARGUMENT);
}

TEST(AgreementTest, OpportunityRenewsAnAgreementOfItsAccount) {
  const v1::Account account = MakeAccount("Agreement renewal", "CNY", "u-owner");
  const v1::Account other = MakeAccount("Agreement renewal other", "CNY", "u-owner");
  const iv1::Agreement agreement = OkValue(Create(Draft(account, -300 * kDay, 40 * kDay, 30)));
  const iv1::Agreement theirs = OkValue(Create(Draft(other)));

  auto create_opportunity = [&](const std::string& renews) {
    iv1::CreateOpportunityRequest request;
    request.mutable_opportunity()->set_account(account.name());
    request.mutable_opportunity()->set_title(Unique("Renewal"));
    request.mutable_opportunity()->set_renews_agreement(renews);
    return Call(Opps(), &OppStub::CreateOpportunity, request);
  };
  Reply<iv1::Opportunity> renewal = create_opportunity(agreement.name());
  ASSERT_OK(renewal.status);
  EXPECT_EQ(renewal.value.renews_agreement(), agreement.name());
  Reply<iv1::Opportunity> read = Call(Opps(), &OppStub::GetOpportunity,
                                      ByName<iv1::GetOpportunityRequest>(renewal.value.name()));
  EXPECT_EQ(read.value.renews_agreement(), agreement.name());
  // Another account's agreement, a missing one, a malformed name.
  EXPECT_TRUE(IsInvalidField(create_opportunity(theirs.name()).status,
                             "opportunity.renews_agreement"));
  EXPECT_CODE(create_opportunity("agreements/999999999").status, NOT_FOUND);
  EXPECT_TRUE(
      IsInvalidField(create_opportunity("accounts/1").status, "opportunity.renews_agreement"));

  // The pipeline lists what renews an agreement.
  iv1::ListOpportunitiesRequest list;
  list.set_filter(absl::StrCat("renews_agreement = \"", agreement.name(), "\""));
  std::vector<iv1::Opportunity> found =
      AllPages<iv1::Opportunity>(Opps(), &OppStub::ListOpportunities, list);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name(), renewal.value.name());

  // Set by an update (same account enforced), cleared with an empty value.
  Reply<iv1::Opportunity> plain = create_opportunity("");
  ASSERT_OK(plain.status);
  iv1::Opportunity patch = Patch<iv1::Opportunity>(plain.value.name());
  patch.set_renews_agreement(theirs.name());
  EXPECT_TRUE(IsInvalidField(Call(Opps(), &OppStub::UpdateOpportunity,
                                  UpdateRequest<iv1::UpdateOpportunityRequest>(
                                      patch, {"renews_agreement"}))
                                 .status,
                             "opportunity.renews_agreement"));
  patch.set_renews_agreement(agreement.name());
  EXPECT_OK(Call(Opps(), &OppStub::UpdateOpportunity,
                 UpdateRequest<iv1::UpdateOpportunityRequest>(patch, {"renews_agreement"}))
                .status);
  EXPECT_EQ(AllPages<iv1::Opportunity>(Opps(), &OppStub::ListOpportunities, list).size(), 2u);
  patch.set_renews_agreement("");
  Reply<iv1::Opportunity> cleared =
      Call(Opps(), &OppStub::UpdateOpportunity,
           UpdateRequest<iv1::UpdateOpportunityRequest>(patch, {"renews_agreement"}));
  ASSERT_OK(cleared.status);
  EXPECT_TRUE(cleared.value.renews_agreement().empty());
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
