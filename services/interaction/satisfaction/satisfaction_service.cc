#include "services/interaction/satisfaction/satisfaction_service.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/server/service_methods.h"
#include "services/interaction/cases/case_rules.h"
#include "services/interaction/satisfaction/satisfaction_scores.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/create_retry.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction::satisfaction {
namespace {

constexpr size_t kMaxComment = 2000;
// Clock skew allowed for a response time that must not be in the future.
constexpr absl::Duration kFutureSlack = absl::Minutes(1);

absl::StatusOr<int64_t> ParseSurveyName(absl::string_view field, absl::string_view name) {
  return common::ParseId(field, name, "surveys");
}

v1::SurveyResponse SurveyToProto(const StoredSurvey& row) {
  v1::SurveyResponse s;
  s.set_name(SurveyName(row.id));
  s.set_account(AccountName(row.account_id));
  if (row.case_id != 0) s.set_case_(cases::CaseName(row.case_id));
  if (row.contact_id != 0) s.set_contact(ContactName(row.account_id, row.contact_id));
  s.set_kind(row.kind);
  s.set_score(row.score);
  s.set_comment(row.comment);
  *s.mutable_response_time() = common::ToProtoTimestamp(row.response_time);
  *s.mutable_create_time() = common::ToProtoTimestamp(row.create_time);
  return s;
}

absl::StatusOr<std::optional<absl::Time>> OptionalTime(absl::string_view field, bool present,
                                                       const google::protobuf::Timestamp& ts) {
  if (!present) return std::optional<absl::Time>();
  if (absl::Status s = common::CheckTimestamp(field, ts); !s.ok()) return s;
  return std::optional<absl::Time>(
      absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(ts))));
}

}  // namespace

void SatisfactionService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &SatisfactionService::CreateSurveyResponse,
                       &SatisfactionService::GetSurveyResponse,
                       &SatisfactionService::ListSurveyResponses,
                       &SatisfactionService::GetSatisfactionSummary);
}

absl::Status SatisfactionService::CreateSurveyResponse(
    const Ctx& ctx, const v1::CreateSurveyResponseRequest& request, v1::SurveyResponse* response) {
  if (!request.has_survey_response()) {
    return common::InvalidField("survey_response", "is required");
  }
  const v1::SurveyResponse& in = request.survey_response();
  absl::StatusOr<common::RequestKey> key = common::RequestKeyOf(request, "CreateSurveyResponse");
  if (!key.ok()) return key.status();
  absl::StatusOr<int64_t> account_id = ParseAccountName("survey_response.account", in.account());
  if (!account_id.ok()) return account_id.status();
  if (absl::Status s = CheckSurveyScore(in.kind(), in.score()); !s.ok()) return s;
  if (absl::Status s = common::CheckText("survey_response.comment", in.comment(), kMaxComment,
                                         /*multiline=*/true);
      !s.ok()) {
    return s;
  }
  int64_t case_id = 0;
  if (!in.case_().empty()) {
    absl::StatusOr<int64_t> parsed = cases::ParseCaseName("survey_response.case", in.case_());
    if (!parsed.ok()) return parsed.status();
    case_id = *parsed;
  }
  int64_t contact_id = 0;
  if (!in.contact().empty()) {
    absl::StatusOr<ContactRef> contact = ParseContactName("survey_response.contact", in.contact());
    if (!contact.ok()) return contact.status();
    if (absl::Status s =
            CheckContactOf("survey_response.contact", in.contact(), *contact, *account_id,
                           absl::StrCat("survey_response.account ", in.account()));
        !s.ok()) {
      return s;
    }
    contact_id = contact->contact_id;
  }
  const absl::Time now = common::NowMicros();
  absl::StatusOr<std::optional<absl::Time>> response_time =
      OptionalTime("survey_response.response_time", in.has_response_time(), in.response_time());
  if (!response_time.ok()) return response_time.status();
  if (response_time->has_value() && **response_time > now + kFutureSlack) {
    return common::InvalidField("survey_response.response_time", "must not be in the future");
  }
  absl::StatusOr<bool> answered = AnsweredEarlier(
      *key, [&](const std::string& id) { return store_->FindSurveyByRequest(id); }, SurveyToProto,
      response);
  if (!answered.ok() || *answered) return answered.status();

  // The case is ours: check it before asking the account service.
  if (case_id != 0) {
    absl::StatusOr<int64_t> case_account = cases_->CaseAccount(case_id);
    if (!case_account.ok()) return case_account.status();
    if (*case_account != *account_id) {
      return common::InvalidField("survey_response.case", absl::StrCat(in.case_(), " belongs to ",
                                                                       AccountName(*case_account),
                                                                       ", not to ", in.account()));
    }
  }
  absl::StatusOr<account::v1::Account> account = GetLiveAccount(*accounts_, ctx, in.account());
  if (!account.ok()) return account.status();
  if (contact_id != 0) {
    if (absl::Status s = GetLiveContact(*accounts_, ctx, in.contact()).status(); !s.ok()) {
      return s;
    }
  }

  StoredSurvey row;
  row.kind = in.kind();
  row.score = in.score();
  row.comment = in.comment();
  row.account_id = *account_id;
  row.case_id = case_id;
  row.contact_id = contact_id;
  row.response_time = response_time->value_or(now);
  row.create_time = now;
  absl::StatusOr<int64_t> id = store_->NewSurveyId();
  if (!id.ok()) return id.status();
  row.id = *id;
  absl::StatusOr<common::InsertOutcome> outcome = store_->InsertSurvey(row, *key);
  if (!outcome.ok()) return outcome.status();
  if (*outcome == common::InsertOutcome::kDuplicateRequest) {
    // A concurrent call with the same request id won the race.
    absl::StatusOr<StoredSurvey> first =
        common::AnswerRetry(*key, store_->FindSurveyByRequest(key->id));
    if (!first.ok()) return first.status();
    *response = SurveyToProto(*first);
    return absl::OkStatus();
  }
  *response = SurveyToProto(row);
  return absl::OkStatus();
}

absl::Status SatisfactionService::GetSurveyResponse(const Ctx&,
                                                    const v1::GetSurveyResponseRequest& request,
                                                    v1::SurveyResponse* response) {
  absl::StatusOr<int64_t> id = ParseSurveyName("name", request.name());
  absl::StatusOr<StoredSurvey> row = id.ok() ? store_->GetSurvey(*id) : id.status();
  if (!row.ok()) return row.status();
  *response = SurveyToProto(*row);
  return absl::OkStatus();
}

absl::Status SatisfactionService::ListSurveyResponses(const Ctx&,
                                                      const v1::ListSurveyResponsesRequest& request,
                                                      v1::ListSurveyResponsesResponse* response) {
  absl::StatusOr<common::ListRequest> list =
      common::ReadListRequest(request, {"ListSurveyResponses", request.filter()});
  if (!list.ok()) return list.status();
  absl::StatusOr<common::Page<StoredSurvey>> page =
      store_->ListSurveys(list->filter, list->cursor, list->limit);
  if (!page.ok()) return page.status();
  common::WritePage(
      *list, *std::move(page), response->mutable_next_page_token(),
      [&](const StoredSurvey& row) { *response->add_survey_responses() = SurveyToProto(row); });
  return absl::OkStatus();
}

absl::Status SatisfactionService::GetSatisfactionSummary(
    const Ctx&, const v1::GetSatisfactionSummaryRequest& request,
    v1::SatisfactionSummary* response) {
  SurveyScope scope;
  if (!request.account().empty() && !request.case_().empty()) {
    return common::InvalidField("case", "must be empty when account is given (one scope)");
  }
  if (!request.case_().empty()) {
    absl::StatusOr<int64_t> id = cases::ParseCaseName("case", request.case_());
    if (!id.ok()) return id.status();
    scope.case_id = *id;
  } else {
    absl::StatusOr<int64_t> id = ParseAccountName("account", request.account());
    if (!id.ok()) {
      if (request.account().empty()) {
        return common::InvalidField("account", "or case is required");
      }
      return id.status();
    }
    scope.account_id = *id;
  }
  absl::StatusOr<std::optional<absl::Time>> start =
      OptionalTime("start_time", request.has_start_time(), request.start_time());
  if (!start.ok()) return start.status();
  absl::StatusOr<std::optional<absl::Time>> end =
      OptionalTime("end_time", request.has_end_time(), request.end_time());
  if (!end.ok()) return end.status();
  if (start->has_value() && end->has_value() && **end <= **start) {
    return common::InvalidField("end_time", "must be after start_time");
  }
  scope.start = *start;
  scope.end = *end;
  if (scope.case_id != 0) {
    if (absl::StatusOr<int64_t> c = cases_->CaseAccount(scope.case_id); !c.ok()) return c.status();
  }
  absl::StatusOr<std::vector<ScoreCount>> counts = store_->CountScores(scope);
  if (!counts.ok()) return counts.status();
  *response = Summarise(*counts);
  response->set_scope(scope.case_id != 0 ? request.case_() : request.account());
  if (request.has_start_time()) *response->mutable_start_time() = request.start_time();
  if (request.has_end_time()) *response->mutable_end_time() = request.end_time();
  return absl::OkStatus();
}

}  // namespace kam::interaction::satisfaction
