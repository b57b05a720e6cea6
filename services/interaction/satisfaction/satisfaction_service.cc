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
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "services/interaction/cases/case_rules.h"
#include "services/interaction/satisfaction/satisfaction_scores.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/create_retry.h"
#include "services/interaction/shared/list_page.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/narrowing.h"

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
  KAM_RETURN_IF_ERROR(common::CheckTimestamp(field, ts));
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
  KAM_ASSIGN_OR_RETURN(
      const CreateTarget target,
      ReadCreateTarget(request, "CreateSurveyResponse", "survey_response.account", in.account()));
  KAM_RETURN_IF_ERROR(CheckSurveyScore(in.kind(), in.score()));
  KAM_RETURN_IF_ERROR(
      common::CheckText("survey_response.comment", in.comment(), kMaxComment, /*multiline=*/true));
  int64_t case_id = 0;
  if (!in.case_().empty()) {
    KAM_ASSIGN_OR_RETURN(int64_t parsed, cases::ParseCaseName("survey_response.case", in.case_()));
    case_id = parsed;
  }
  int64_t contact_id = 0;
  if (!in.contact().empty()) {
    KAM_ASSIGN_OR_RETURN(ContactRef contact,
                         ParseContactName("survey_response.contact", in.contact()));
    KAM_RETURN_IF_ERROR(CheckContactOf("survey_response.contact", in.contact(), contact,
                                       target.account_id,
                                       absl::StrCat("survey_response.account ", in.account())));
    contact_id = contact.contact_id;
  }
  const absl::Time now = common::NowMicros();
  absl::StatusOr<std::optional<absl::Time>> response_time =
      OptionalTime("survey_response.response_time", in.has_response_time(), in.response_time());
  if (!response_time.ok()) return response_time.status();
  if (response_time->has_value() && **response_time > now + kFutureSlack) {
    return common::InvalidField("survey_response.response_time", "must not be in the future");
  }
  absl::StatusOr<bool> answered = AnsweredEarlier(
      target.key, [&](const std::string& id) { return store_->FindSurveyByRequest(id); },
      SurveyToProto, response);
  if (!answered.ok() || *answered) return answered.status();

  // The case is ours: check it before asking the account service.
  if (case_id != 0) {
    KAM_ASSIGN_OR_RETURN(int64_t case_account, cases_->CaseAccount(case_id));
    // Another's case reads as a missing one to a manager.
    KAM_RETURN_IF_ERROR(CheckOwnAccount(*accounts_, ctx, case_account,
                                        ResourceNotFound("case", cases::CaseName(case_id))));
    if (case_account != target.account_id) {
      return common::InvalidField("survey_response.case", absl::StrCat(in.case_(), " belongs to ",
                                                                       AccountName(case_account),
                                                                       ", not to ", in.account()));
    }
  }
  KAM_ASSIGN_OR_RETURN(account::v1::Account account, GetLiveAccount(*accounts_, ctx, in.account()));
  if (contact_id != 0) {
    KAM_RETURN_IF_ERROR(GetLiveContact(*accounts_, ctx, in.contact()).status());
  }

  StoredSurvey row;
  row.kind = in.kind();
  row.score = in.score();
  row.comment = in.comment();
  row.account_id = target.account_id;
  row.case_id = case_id;
  row.contact_id = contact_id;
  row.response_time = response_time->value_or(now);
  row.create_time = now;
  KAM_ASSIGN_OR_RETURN(const int64_t id, store_->NewSurveyId());
  row.id = id;
  KAM_ASSIGN_OR_RETURN(common::InsertOutcome outcome, store_->InsertSurvey(row, target.key));
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    // A concurrent call with the same request id won the race.
    KAM_ASSIGN_OR_RETURN(
        StoredSurvey first,
        common::AnswerRetry(target.key, store_->FindSurveyByRequest(target.key.id)));
    *response = SurveyToProto(first);
    return absl::OkStatus();
  }
  *response = SurveyToProto(row);
  return absl::OkStatus();
}

absl::Status SatisfactionService::GetSurveyResponse(const Ctx& ctx,
                                                    const v1::GetSurveyResponseRequest& request,
                                                    v1::SurveyResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseSurveyName("name", request.name()));
  KAM_ASSIGN_OR_RETURN(StoredSurvey row, OwnRow(*accounts_, ctx, store_->GetSurvey(id),
                                                "survey response", SurveyName(id)));
  *response = SurveyToProto(row);
  return absl::OkStatus();
}

absl::Status SatisfactionService::ListSurveyResponses(const Ctx& ctx,
                                                      const v1::ListSurveyResponsesRequest& request,
                                                      v1::ListSurveyResponsesResponse* response) {
  KAM_ASSIGN_OR_RETURN(
      std::optional<common::ListRequest> list,
      ReadNarrowedList(*accounts_, ctx, request, "ListSurveyResponses", request.filter()));
  if (!list.has_value()) return absl::OkStatus();
  return AnswerPage(
      *list, store_->ListSurveys(list->filter, list->cursor, list->limit), response,
      [&](const StoredSurvey& row) { *response->add_survey_responses() = SurveyToProto(row); });
}

absl::Status SatisfactionService::GetSatisfactionSummary(
    const Ctx& ctx, const v1::GetSatisfactionSummaryRequest& request,
    v1::SatisfactionSummary* response) {
  SurveyScope scope;
  if (!request.account().empty() && !request.case_().empty()) {
    return common::InvalidField("case", "must be empty when account is given (one scope)");
  }
  if (!request.case_().empty()) {
    KAM_ASSIGN_OR_RETURN(int64_t id, cases::ParseCaseName("case", request.case_()));
    scope.case_id = id;
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
  int64_t scope_account = scope.account_id;
  if (scope.case_id != 0) {
    KAM_ASSIGN_OR_RETURN(scope_account, cases_->CaseAccount(scope.case_id));
    // Another's case reads as a missing one to a manager.
    KAM_RETURN_IF_ERROR(CheckOwnAccount(*accounts_, ctx, scope_account,
                                        ResourceNotFound("case", cases::CaseName(scope.case_id))));
  }
  // An account that does not exist has no responses: a manager reads the
  // same, no counts, for another's account.
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const common::TeamAccounts> theirs,
                       common::NarrowedAccounts(*accounts_, ctx));
  std::vector<ScoreCount> counts;
  if (theirs == nullptr || theirs->Contains(scope_account)) {
    KAM_ASSIGN_OR_RETURN(counts, store_->CountScores(scope));
  }
  *response = Summarise(counts);
  response->set_scope(scope.case_id != 0 ? request.case_() : request.account());
  if (request.has_start_time()) *response->mutable_start_time() = request.start_time();
  if (request.has_end_time()) *response->mutable_end_time() = request.end_time();
  return absl::OkStatus();
}

}  // namespace kam::interaction::satisfaction
