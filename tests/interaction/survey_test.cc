// Satisfaction surveys through the public API: recording CSAT and NPS
// responses with their validation, retries by request_id, listing with
// filters and time ranges, summaries per account and period and per case,
// and the account service stopped mid-run.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/interaction/case_client.h"

namespace kam::testing {
namespace {

google::protobuf::Timestamp Ts(const char* rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) << error;
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

iv1::CreateSurveyResponseRequest SurveyRequest(const std::string& account, iv1::SurveyKind kind,
                                               int score, const char* response_time = nullptr,
                                               const std::string& case_name = "") {
  iv1::SurveyResponse s;
  s.set_account(account);
  s.set_kind(kind);
  s.set_score(score);
  s.set_case_(case_name);
  if (response_time != nullptr) *s.mutable_response_time() = Ts(response_time);
  return CreateRequest<iv1::CreateSurveyResponseRequest>(s, "survey");
}

grpc::Status Record(const iv1::CreateSurveyResponseRequest& request,
                    iv1::SurveyResponse* out = nullptr) {
  iv1::SurveyResponse ignored;
  return Surveys().CreateSurveyResponse(Context().get(), request, out != nullptr ? out : &ignored);
}

std::vector<iv1::SurveyResponse> ListAll(const std::string& filter, int page_size = 1000) {
  iv1::ListSurveyResponsesRequest request;
  request.set_filter(filter);
  request.set_page_size(page_size);
  return AllPages<iv1::SurveyResponse>(Surveys(), &SurveyStub::ListSurveyResponses, request);
}

iv1::SatisfactionSummary Summary(const std::string& account, const std::string& case_name,
                                 const char* start = nullptr, const char* end = nullptr) {
  iv1::GetSatisfactionSummaryRequest request;
  request.set_account(account);
  request.set_case_(case_name);
  if (start != nullptr) *request.mutable_start_time() = Ts(start);
  if (end != nullptr) *request.mutable_end_time() = Ts(end);
  iv1::SatisfactionSummary summary;
  const grpc::Status status = Surveys().GetSatisfactionSummary(Context().get(), request, &summary);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return summary;
}

TEST(SurveyTest, RecordsAResponse) {
  const av1::Account account = NewAccount("survey");
  const av1::Contact contact = NewContact(account.name());
  const iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT);
  iv1::CreateSurveyResponseRequest request =
      SurveyRequest(account.name(), iv1::SURVEY_KIND_CSAT, 4, "2026-01-15T10:00:00Z", c.name());
  request.mutable_survey_response()->set_contact(contact.name());
  request.mutable_survey_response()->set_comment("Fixed quickly.\nThanks.");
  iv1::SurveyResponse s;
  ASSERT_OK(Record(request, &s));
  EXPECT_TRUE(absl::StartsWith(s.name(), "surveys/")) << s.name();
  EXPECT_EQ(s.account(), account.name());
  EXPECT_EQ(s.case_(), c.name());
  EXPECT_EQ(s.contact(), contact.name());
  EXPECT_EQ(s.kind(), iv1::SURVEY_KIND_CSAT);
  EXPECT_EQ(s.score(), 4);
  EXPECT_EQ(s.comment(), "Fixed quickly.\nThanks.");
  EXPECT_EQ(s.response_time().seconds(), Ts("2026-01-15T10:00:00Z").seconds());
  EXPECT_TRUE(s.has_create_time());
  iv1::GetSurveyResponseRequest get = ByName<iv1::GetSurveyResponseRequest>(s.name());
  iv1::SurveyResponse read;
  ASSERT_OK(Surveys().GetSurveyResponse(Context().get(), get, &read));
  EXPECT_EQ(read.SerializeAsString(), s.SerializeAsString());
  // Without a response time it is now.
  iv1::SurveyResponse now;
  const int64_t before = absl::ToUnixMicros(absl::Now());
  ASSERT_OK(Record(SurveyRequest(account.name(), iv1::SURVEY_KIND_NPS, 9), &now));
  EXPECT_GE(Micros(now.response_time()), before - 1000000);
  EXPECT_EQ(Micros(now.response_time()), Micros(now.create_time()));
  get.set_name("surveys/999999999");
  EXPECT_CODE(Surveys().GetSurveyResponse(Context().get(), get, &read), NOT_FOUND);
  get.set_name("survey/1");
  EXPECT_TRUE(IsInvalidField(Surveys().GetSurveyResponse(Context().get(), get, &read), "name"));
}

TEST(SurveyTest, Validation) {
  const av1::Account account = NewAccount("survey-validation");
  const av1::Account other = NewAccount("survey-other");
  const av1::Contact other_contact = NewContact(other.name());
  const iv1::Case other_case = NewCase(other.name(), iv1::CASE_TYPE_COMPLAINT);
  const std::string a = account.name();
  EXPECT_TRUE(IsInvalidField(Record(iv1::CreateSurveyResponseRequest()), "survey_response"));
  EXPECT_TRUE(IsInvalidField(Record(SurveyRequest("", iv1::SURVEY_KIND_CSAT, 3)),
                             "survey_response.account"));
  for (int bad : {0, 6, -1}) {
    const grpc::Status status = Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, bad));
    EXPECT_TRUE(IsInvalidField(status, "survey_response.score")) << bad;
  }
  EXPECT_EQ(Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 6)).error_message(),
            "survey_response.score must be 1 to 5 for CSAT (got 6)");
  for (int bad : {-1, 11}) {
    EXPECT_TRUE(IsInvalidField(Record(SurveyRequest(a, iv1::SURVEY_KIND_NPS, bad)),
                               "survey_response.score"));
  }
  EXPECT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_NPS, 0)));
  EXPECT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_NPS, 10)));
  EXPECT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 1)));
  EXPECT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 5)));
  EXPECT_TRUE(IsInvalidField(Record(SurveyRequest(a, iv1::SURVEY_KIND_UNSPECIFIED, 3)),
                             "survey_response.kind"));
  iv1::CreateSurveyResponseRequest request = SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 3);
  request.mutable_survey_response()->set_comment(std::string(2001, 'x'));
  EXPECT_TRUE(IsInvalidField(Record(request), "survey_response.comment"));
  request = SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 3);
  *request.mutable_survey_response()->mutable_response_time() =
      Ts(absl::FormatTime(absl::RFC3339_sec, absl::Now() + absl::Hours(2), absl::UTCTimeZone())
             .c_str());
  EXPECT_TRUE(IsInvalidField(Record(request), "survey_response.response_time"));
  // The case must be the same account's; the contact too.
  const grpc::Status wrong_case =
      Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 3, nullptr, other_case.name()));
  EXPECT_TRUE(IsInvalidField(wrong_case, "survey_response.case"));
  EXPECT_TRUE(absl::StrContains(wrong_case.error_message(), other.name()))
      << wrong_case.error_message();
  EXPECT_CODE(Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 3, nullptr, "cases/999999999")),
              NOT_FOUND);
  EXPECT_TRUE(IsInvalidField(Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 3, nullptr, "case/1")),
                             "survey_response.case"));
  request = SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 3);
  request.mutable_survey_response()->set_contact(other_contact.name());
  EXPECT_TRUE(IsInvalidField(Record(request), "survey_response.contact"));
  // Unknown and deleted accounts.
  EXPECT_CODE(Record(SurveyRequest("accounts/999999999", iv1::SURVEY_KIND_CSAT, 3)), NOT_FOUND);
  const av1::Account gone = NewAccount("survey-deleted");
  av1::DeleteAccountRequest remove = ByName<av1::DeleteAccountRequest>(gone.name());
  av1::Account deleted;
  ASSERT_OK(Accounts().DeleteAccount(Context().get(), remove, &deleted));
  EXPECT_CODE(Record(SurveyRequest(gone.name(), iv1::SURVEY_KIND_CSAT, 3)), FAILED_PRECONDITION);
  // Only the four valid ones were written.
  EXPECT_EQ(ListAll(absl::StrCat("account = \"", a, "\"")).size(), 4u);
  EXPECT_TRUE(ListAll(absl::StrCat("account = \"", gone.name(), "\"")).empty());
}

TEST(SurveyTest, RequestIdMakesRetriesSafe) {
  const av1::Account account = NewAccount("survey-retry");
  const iv1::CreateSurveyResponseRequest request =
      SurveyRequest(account.name(), iv1::SURVEY_KIND_NPS, 8);
  iv1::SurveyResponse first;
  ASSERT_OK(Record(request, &first));
  iv1::SurveyResponse again;
  ASSERT_OK(Record(request, &again));
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  iv1::CreateSurveyResponseRequest different = request;
  different.mutable_survey_response()->set_score(9);
  const grpc::Status status = Record(different);
  EXPECT_CODE(status, ALREADY_EXISTS);
  EXPECT_TRUE(absl::StrContains(status.error_message(), request.request_id()));
  EXPECT_EQ(ListAll(absl::StrCat("account = \"", account.name(), "\"")).size(), 1u);
}

TEST(SurveyTest, ListFiltersAndPages) {
  const av1::Account account = NewAccount("survey-list");
  const av1::Contact contact = NewContact(account.name());
  const iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_FAULT_REPAIR);
  const std::string a = account.name();
  iv1::SurveyResponse jan, feb, mar, nps;
  ASSERT_OK(
      Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 5, "2026-01-10T00:00:00Z", c.name()), &jan));
  ASSERT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 2, "2026-02-10T00:00:00Z"), &feb));
  iv1::CreateSurveyResponseRequest with_contact =
      SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 4, "2026-03-10T00:00:00Z");
  with_contact.mutable_survey_response()->set_contact(contact.name());
  ASSERT_OK(Record(with_contact, &mar));
  ASSERT_OK(
      Record(SurveyRequest(a, iv1::SURVEY_KIND_NPS, 10, "2026-02-20T00:00:00Z", c.name()), &nps));
  auto names = [](const std::vector<iv1::SurveyResponse>& list) {
    std::vector<std::string> out;
    for (const iv1::SurveyResponse& s : list) out.push_back(s.name());
    return out;
  };
  using Names = std::vector<std::string>;
  const std::string mine = absl::StrCat("account = \"", a, "\"");
  EXPECT_EQ(names(ListAll(mine)), (Names{jan.name(), feb.name(), mar.name(), nps.name()}));
  EXPECT_EQ(names(ListAll(mine, 1)), (Names{jan.name(), feb.name(), mar.name(), nps.name()}));
  EXPECT_EQ(names(ListAll(absl::StrCat("case = \"", c.name(), "\""))),
            (Names{jan.name(), nps.name()}));
  EXPECT_EQ(names(ListAll(absl::StrCat(mine, " AND case = \"\""))),
            (Names{feb.name(), mar.name()}));
  EXPECT_EQ(names(ListAll(absl::StrCat(mine, " AND kind = NPS"))), (Names{nps.name()}));
  EXPECT_EQ(names(ListAll(absl::StrCat(mine, " AND kind = SURVEY_KIND_CSAT AND score >= 4"))),
            (Names{jan.name(), mar.name()}));
  EXPECT_EQ(names(ListAll(absl::StrCat("contact = \"", contact.name(), "\""))),
            (Names{mar.name()}));
  EXPECT_EQ(names(ListAll(absl::StrCat(mine,
                                       " AND response_time >= \"2026-02-01T00:00:00Z\" AND "
                                       "response_time < \"2026-03-01T00:00:00Z\""))),
            (Names{feb.name(), nps.name()}));
  iv1::ListSurveyResponsesRequest request;
  iv1::ListSurveyResponsesResponse response;
  request.set_filter("mood = happy");
  EXPECT_TRUE(
      IsInvalidField(Surveys().ListSurveyResponses(Context().get(), request, &response), "filter"));
  request.set_filter("kind = SMILEY");
  EXPECT_TRUE(
      IsInvalidField(Surveys().ListSurveyResponses(Context().get(), request, &response), "filter"));
  request.set_filter("score = high");
  EXPECT_TRUE(
      IsInvalidField(Surveys().ListSurveyResponses(Context().get(), request, &response), "filter"));
}

TEST(SurveyTest, SummaryPerAccountAndPeriodAndPerCase) {
  const av1::Account account = NewAccount("survey-summary");
  const iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT);
  const std::string a = account.name();
  // January: CSAT 5, 4, 4; NPS 10, 9, 8, 6, 0 (two of them on the case).
  for (int score : {5, 4, 4}) {
    ASSERT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, score, "2026-01-05T08:00:00Z")));
  }
  ASSERT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_NPS, 10, "2026-01-06T08:00:00Z", c.name())));
  ASSERT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_NPS, 9, "2026-01-07T08:00:00Z")));
  ASSERT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_NPS, 8, "2026-01-08T08:00:00Z")));
  ASSERT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_NPS, 6, "2026-01-09T08:00:00Z", c.name())));
  ASSERT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_NPS, 0, "2026-01-31T23:59:59Z")));
  // February 1st, 00:00:00: outside [Jan 1, Feb 1).
  ASSERT_OK(Record(SurveyRequest(a, iv1::SURVEY_KIND_CSAT, 1, "2026-02-01T00:00:00Z", c.name())));

  const iv1::SatisfactionSummary january =
      Summary(a, "", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z");
  EXPECT_EQ(january.scope(), a);
  EXPECT_EQ(january.start_time().seconds(), Ts("2026-01-01T00:00:00Z").seconds());
  EXPECT_EQ(january.csat_count(), 3);
  EXPECT_EQ(january.csat_score_sum(), 13);
  EXPECT_EQ(january.csat_average_hundredths(), 433);  // 4.33
  ASSERT_EQ(january.csat_score_counts_size(), 5);
  EXPECT_EQ(january.csat_score_counts(3), 2);
  EXPECT_EQ(january.csat_score_counts(4), 1);
  EXPECT_EQ(january.nps_count(), 5);
  EXPECT_EQ(january.promoters(), 2);
  EXPECT_EQ(january.passives(), 1);
  EXPECT_EQ(january.detractors(), 2);
  EXPECT_EQ(january.nps_hundredths(), 0);  // 40% - 40%

  const iv1::SatisfactionSummary all = Summary(a, "");
  EXPECT_EQ(all.csat_count(), 4);
  EXPECT_EQ(all.csat_average_hundredths(), 350);  // 14 / 4
  EXPECT_EQ(all.nps_count(), 5);

  const iv1::SatisfactionSummary february = Summary(a, "", "2026-02-01T00:00:00Z", nullptr);
  EXPECT_EQ(february.csat_count(), 1);
  EXPECT_EQ(february.csat_average_hundredths(), 100);
  EXPECT_EQ(february.nps_count(), 0);
  EXPECT_FALSE(february.has_nps_hundredths());

  const iv1::SatisfactionSummary of_case = Summary("", c.name());
  EXPECT_EQ(of_case.scope(), c.name());
  EXPECT_EQ(of_case.csat_count(), 1);
  EXPECT_EQ(of_case.nps_count(), 2);
  EXPECT_EQ(of_case.promoters(), 1);
  EXPECT_EQ(of_case.detractors(), 1);
  EXPECT_EQ(of_case.nps_hundredths(), 0);
  const iv1::SatisfactionSummary case_january =
      Summary("", c.name(), "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z");
  EXPECT_EQ(case_january.csat_count(), 0);
  EXPECT_FALSE(case_january.has_csat_average_hundredths());
  EXPECT_EQ(case_january.nps_count(), 2);

  // An account with nothing yet.
  const iv1::SatisfactionSummary empty = Summary(NewAccount("survey-empty").name(), "");
  EXPECT_EQ(empty.csat_count(), 0);
  EXPECT_EQ(empty.nps_count(), 0);
  EXPECT_FALSE(empty.has_csat_average_hundredths());

  // Request rules.
  iv1::GetSatisfactionSummaryRequest request;
  iv1::SatisfactionSummary ignored;
  EXPECT_TRUE(IsInvalidField(Surveys().GetSatisfactionSummary(Context().get(), request, &ignored),
                             "account"));
  request.set_account(a);
  request.set_case_(c.name());
  EXPECT_TRUE(
      IsInvalidField(Surveys().GetSatisfactionSummary(Context().get(), request, &ignored), "case"));
  request.clear_case_();
  *request.mutable_start_time() = Ts("2026-02-01T00:00:00Z");
  *request.mutable_end_time() = Ts("2026-02-01T00:00:00Z");
  EXPECT_TRUE(IsInvalidField(Surveys().GetSatisfactionSummary(Context().get(), request, &ignored),
                             "end_time"));
  request = iv1::GetSatisfactionSummaryRequest();
  request.set_case_("cases/999999999");
  EXPECT_CODE(Surveys().GetSatisfactionSummary(Context().get(), request, &ignored), NOT_FOUND);
}

TEST(SurveyOutageTest, AccountServiceDownRefusesResponsesAndWritesNothing) {
  const av1::Account account = NewAccount("survey-outage");
  const std::string mine = absl::StrCat("account = \"", account.name(), "\"");
  ASSERT_OK(Record(SurveyRequest(account.name(), iv1::SURVEY_KIND_CSAT, 5)));

  ASSERT_TRUE(Suite().StopAccount().ok());
  const iv1::CreateSurveyResponseRequest request =
      SurveyRequest(account.name(), iv1::SURVEY_KIND_NPS, 7);
  const grpc::Status down = Record(request);
  EXPECT_CODE(down, UNAVAILABLE);
  EXPECT_TRUE(absl::StrContains(down.error_message(), "account service")) << down.error_message();
  EXPECT_EQ(ListAll(mine).size(), 1u);
  // Reading and summarising need only our own data.
  EXPECT_EQ(Summary(account.name(), "").csat_count(), 1);

  ASSERT_TRUE(Suite().StartAccount().ok());
  ASSERT_TRUE(
      PollUntil([&] { return Record(request).ok(); }, absl::Seconds(15), absl::Milliseconds(20)));
  ASSERT_OK(Record(request));  // the retry returns the first result
  EXPECT_EQ(ListAll(mine).size(), 2u);
  EXPECT_EQ(Summary(account.name(), "").nps_count(), 1);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
