#include "services/interaction/agreements/agreement_rules.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/base/proto_time.h"
#include "gtest/gtest.h"

namespace kam::interaction::agreements {
namespace {

absl::Time Utc(int y, int m, int d, int hh = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), absl::UTCTimeZone());
}

// A two-year framework agreement with a 90-day notice period.
v1::Agreement Valid() {
  v1::Agreement a;
  a.set_title("Framework agreement 2027-2028");
  *a.mutable_start_time() = common::ToProtoTimestamp(Utc(2027, 1, 1));
  *a.mutable_end_time() = common::ToProtoTimestamp(Utc(2029, 1, 1));
  a.add_services_covered("network maintenance");
  a.add_services_covered("spare parts");
  a.mutable_price_policy()->set_discount_bp(1200);
  a.set_cooperation_model(v1::COOPERATION_MODEL_FRAMEWORK);
  a.set_owner("u42");
  a.set_notice_period_days(90);
  return a;
}

// The field the INVALID_ARGUMENT message starts with ("" when not refused).
std::string RefusedField(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return "";
  return std::string(status.message().substr(0, status.message().find(' ')));
}

TEST(AgreementRulesTest, Names) {
  EXPECT_EQ(*ParseAgreementName("name", "agreements/12"), 12);
  EXPECT_EQ(AgreementName(12), "agreements/12");
  EXPECT_EQ(RefusedField(ParseAgreementName("name", "accounts/12").status()), "name");
}

TEST(AgreementRulesTest, ValidAgreement) { EXPECT_TRUE(ValidateAgreementFields(Valid()).ok()); }

TEST(AgreementRulesTest, EachRuleNamesItsField) {
  struct Case {
    const char* field;
    void (*breaks)(v1::Agreement&);
  };
  const Case cases[] = {
      {"agreement.title", [](v1::Agreement& a) { a.set_title(" "); }},
      {"agreement.start_time", [](v1::Agreement& a) { a.clear_start_time(); }},
      {"agreement.end_time", [](v1::Agreement& a) { a.clear_end_time(); }},
      {"agreement.end_time", [](v1::Agreement& a) { *a.mutable_end_time() = a.start_time(); }},
      {"agreement.end_time",
       [](v1::Agreement& a) { *a.mutable_end_time() = common::ToProtoTimestamp(Utc(2037, 1, 3)); }},
      {"agreement.notice_period_days", [](v1::Agreement& a) { a.set_notice_period_days(366); }},
      {"agreement.notice_period_days", [](v1::Agreement& a) { a.set_notice_period_days(-1); }},
      {"agreement.services_covered[1]", [](v1::Agreement& a) { a.set_services_covered(1, ""); }},
      {"agreement.services_covered[2]",
       [](v1::Agreement& a) { a.add_services_covered("spare parts"); }},
      {"agreement.services_covered[0]",
       [](v1::Agreement& a) { a.set_services_covered(0, "two\nlines"); }},
      {"agreement.services_covered",
       [](v1::Agreement& a) {
         for (int i = 0; i < 50; ++i) a.add_services_covered(absl::StrCat("service ", i));
       }},
      {"agreement.price_policy.discount_bp",
       [](v1::Agreement& a) { a.mutable_price_policy()->set_discount_bp(10001); }},
      {"agreement.cooperation_model",
       [](v1::Agreement& a) { a.set_cooperation_model(v1::COOPERATION_MODEL_UNSPECIFIED); }},
      {"agreement.owner", [](v1::Agreement& a) { a.set_owner("two words"); }},
      {"agreement.renewal_term_months", [](v1::Agreement& a) { a.set_auto_renew(true); }},
      {"agreement.renewal_term_months", [](v1::Agreement& a) { a.set_renewal_term_months(12); }},
  };
  for (const Case& c : cases) {
    v1::Agreement a = Valid();
    c.breaks(a);
    EXPECT_EQ(RefusedField(ValidateAgreementFields(a)), c.field) << a.ShortDebugString();
  }
  // A notice period longer than the term.
  v1::Agreement short_term = Valid();
  *short_term.mutable_end_time() = common::ToProtoTimestamp(Utc(2027, 2, 1));
  EXPECT_EQ(RefusedField(ValidateAgreementFields(short_term)), "agreement.notice_period_days");
  // Exactly ten years is allowed; auto-renew with a term is.
  v1::Agreement ten_years = Valid();
  *ten_years.mutable_end_time() = common::ToProtoTimestamp(Utc(2027, 1, 1) + kMaxTerm);
  ten_years.set_auto_renew(true);
  ten_years.set_renewal_term_months(12);
  EXPECT_TRUE(ValidateAgreementFields(ten_years).ok());
}

TEST(AgreementRulesTest, NoticeDeadline) {
  EXPECT_EQ(NoticeDeadline(Utc(2029, 1, 1), 90), Utc(2028, 10, 3));
  EXPECT_EQ(NoticeDeadline(Utc(2029, 1, 1), 0), Utc(2029, 1, 1));
}

TEST(AgreementRulesTest, AddMonthsKeepsTheDayOrTheMonthsLast) {
  EXPECT_EQ(AddMonths(Utc(2029, 1, 1, 9), 12), Utc(2030, 1, 1, 9));
  EXPECT_EQ(AddMonths(Utc(2027, 1, 31), 1), Utc(2027, 2, 28));
  EXPECT_EQ(AddMonths(Utc(2028, 1, 31), 1), Utc(2028, 2, 29));
  EXPECT_EQ(AddMonths(Utc(2027, 11, 30), 3), Utc(2028, 2, 29));
  EXPECT_EQ(AddMonths(Utc(2027, 5, 15) + absl::Microseconds(7), 24),
            Utc(2029, 5, 15) + absl::Microseconds(7));
}

TEST(AgreementRulesTest, StateFollowsTheTermAndTheClock) {
  const absl::Time start = Utc(2027, 1, 1);
  const absl::Time end = Utc(2029, 1, 1);
  EXPECT_EQ(AgreementStateAt(false, start, end, Utc(2026, 12, 31)), v1::AGREEMENT_STATE_SCHEDULED);
  EXPECT_EQ(AgreementStateAt(false, start, end, start), v1::AGREEMENT_STATE_ACTIVE);
  EXPECT_EQ(AgreementStateAt(false, start, end, end - absl::Microseconds(1)),
            v1::AGREEMENT_STATE_ACTIVE);
  EXPECT_EQ(AgreementStateAt(false, start, end, end), v1::AGREEMENT_STATE_ENDED);
  EXPECT_EQ(AgreementStateAt(true, start, end, Utc(2028, 1, 1)), v1::AGREEMENT_STATE_TERMINATED);
}

TEST(AgreementRulesTest, FillComputed) {
  v1::Agreement a = Valid();
  FillComputed(&a, Utc(2028, 11, 1));
  EXPECT_EQ(common::FromProtoTimestamp(a.notice_deadline()), Utc(2028, 10, 3));
  EXPECT_EQ(a.state(), v1::AGREEMENT_STATE_ACTIVE);
  EXPECT_FALSE(a.has_renewal_end_time());
  a.set_auto_renew(true);
  a.set_renewal_term_months(12);
  FillComputed(&a, Utc(2029, 2, 1));
  EXPECT_EQ(common::FromProtoTimestamp(a.renewal_end_time()), Utc(2030, 1, 1));
  EXPECT_EQ(a.state(), v1::AGREEMENT_STATE_ENDED);
}

TEST(AgreementRulesTest, ServicesRoundTripThroughOneColumn) {
  const v1::Agreement a = Valid();
  EXPECT_EQ(JoinServices(a), "network maintenance\nspare parts");
  EXPECT_EQ(SplitServices(JoinServices(a)),
            (std::vector<std::string>{"network maintenance", "spare parts"}));
  EXPECT_TRUE(SplitServices("").empty());
}

}  // namespace
}  // namespace kam::interaction::agreements
