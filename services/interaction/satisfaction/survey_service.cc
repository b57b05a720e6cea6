#include "services/interaction/satisfaction/survey_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/page_token.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/proto_time.h"
#include "common/server/service_methods.h"
#include "services/interaction/satisfaction/satisfaction.h"

namespace kam::interaction::cases {
namespace {

using common::CallContext;

constexpr size_t kMaxComment = 2000;
// Clock skew allowed for a response time that must not be in the future.
constexpr absl::Duration kFutureSlack = absl::Minutes(1);

absl::StatusOr<int64_t> ParseId(absl::string_view field, absl::string_view name,
                                absl::string_view collection) {
  absl::StatusOr<std::vector<int64_t>> ids = common::ParseResourceName(field, name, {collection});
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

v1::SurveyResponse SurveyToProto(const StoredSurvey& row) {
  v1::SurveyResponse s;
  s.set_name(SurveyName(row.id));
  s.set_account(absl::StrCat("accounts/", row.account_id));
  if (row.case_id != 0) s.set_case_(CaseName(row.case_id));
  if (row.contact_id != 0) {
    s.set_contact(absl::StrCat("accounts/", row.account_id, "/contacts/", row.contact_id));
  }
  s.set_kind(row.kind);
  s.set_score(row.score);
  s.set_comment(row.comment);
  *s.mutable_response_time() = common::ToProtoTimestamp(row.response_time);
  *s.mutable_create_time() = common::ToProtoTimestamp(row.create_time);
  return s;
}

std::string RequestHash(const v1::CreateSurveyResponseRequest& request) {
  v1::CreateSurveyResponseRequest copy = request;
  copy.clear_request_id();
  return common::FingerprintHex(common::MessageFingerprint(copy));
}

absl::StatusOr<std::optional<absl::Time>> OptionalTime(absl::string_view field, bool present,
                                                       const google::protobuf::Timestamp& ts) {
  if (!present) return std::optional<absl::Time>();
  if (absl::Status s = common::CheckTimestamp(field, ts); !s.ok()) return s;
  return std::optional<absl::Time>(
      absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(ts))));
}

}  // namespace

void SurveyService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &SurveyService::CreateSurveyResponse,
                       &SurveyService::GetSurveyResponse, &SurveyService::ListSurveyResponses,
                       &SurveyService::GetSatisfactionSummary);
}

absl::Status SurveyService::CreateSurveyResponse(const Ctx& ctx,
                                                 const v1::CreateSurveyResponseRequest& request,
                                                 v1::SurveyResponse* response) {
  if (!request.has_survey_response()) {
    return common::InvalidField("survey_response", "is required");
  }
  const v1::SurveyResponse& in = request.survey_response();
  if (absl::Status s = common::CheckRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<int64_t> account_id = ParseId("survey_response.account", in.account(), "accounts");
  if (!account_id.ok()) return account_id.status();
  if (absl::Status s = CheckSurveyScore(in.kind(), in.score()); !s.ok()) return s;
  if (absl::Status s = common::CheckText("survey_response.comment", in.comment(), kMaxComment,
                                         /*multiline=*/true);
      !s.ok()) {
    return s;
  }
  int64_t case_id = 0;
  if (!in.case_().empty()) {
    absl::StatusOr<int64_t> parsed = ParseId("survey_response.case", in.case_(), "cases");
    if (!parsed.ok()) return parsed.status();
    case_id = *parsed;
  }
  int64_t contact_id = 0;
  if (!in.contact().empty()) {
    absl::StatusOr<std::vector<int64_t>> ids = common::ParseResourceName(
        "survey_response.contact", in.contact(), {"accounts", "contacts"});
    if (!ids.ok()) return ids.status();
    if ((*ids)[0] != *account_id) {
      return common::InvalidField("survey_response.contact",
                                  absl::StrCat("must be a contact of survey_response.account ",
                                               in.account(), " (got ", in.contact(), ")"));
    }
    contact_id = (*ids)[1];
  }
  const absl::Time now = common::NowMicros();
  absl::StatusOr<std::optional<absl::Time>> response_time =
      OptionalTime("survey_response.response_time", in.has_response_time(), in.response_time());
  if (!response_time.ok()) return response_time.status();
  if (response_time->has_value() && **response_time > now + kFutureSlack) {
    return common::InvalidField("survey_response.response_time", "must not be in the future");
  }

  const std::string& request_id = request.request_id();
  const std::string request_hash = RequestHash(request);
  auto first_result = [&]() -> absl::StatusOr<std::optional<v1::SurveyResponse>> {
    absl::StatusOr<CreatedByRequest<StoredSurvey>> first =
        surveys_->FindSurveyByRequest(request_id);
    if (!first.ok()) {
      if (first.status().code() == absl::StatusCode::kNotFound) {
        return std::optional<v1::SurveyResponse>();
      }
      return first.status();
    }
    if (first->request_hash != request_hash) {
      return absl::AlreadyExistsError(
          absl::StrCat("request_id \"", request_id,
                       "\" was already used by a different CreateSurveyResponse request"));
    }
    return std::optional<v1::SurveyResponse>(SurveyToProto(first->row));
  };
  if (!request_id.empty()) {
    absl::StatusOr<std::optional<v1::SurveyResponse>> first = first_result();
    if (!first.ok()) return first.status();
    if (first->has_value()) {
      *response = **std::move(first);
      return absl::OkStatus();
    }
  }

  // The case is ours: check it before asking the account service.
  if (case_id != 0) {
    absl::StatusOr<StoredCase> c = cases_->GetCase(case_id);
    if (!c.ok()) return c.status();
    if (c->account_id != *account_id) {
      return common::InvalidField("survey_response.case",
                                  absl::StrCat(in.case_(), " belongs to accounts/", c->account_id,
                                               ", not to ", in.account()));
    }
  }
  absl::StatusOr<account::v1::Account> account = accounts_->GetAccount(in.account(), &ctx);
  if (!account.ok()) return account.status();
  if (account->has_delete_time()) {
    return absl::FailedPreconditionError(
        absl::StrCat("account ", in.account(), " is deleted; undelete it first"));
  }
  if (contact_id != 0) {
    absl::StatusOr<account::v1::Contact> contact = accounts_->GetContact(in.contact(), &ctx);
    if (!contact.ok()) return contact.status();
    if (contact->has_delete_time()) {
      return absl::FailedPreconditionError(absl::StrCat("contact ", in.contact(), " is deleted"));
    }
  }

  absl::StatusOr<int64_t> id = surveys_->NewSurveyId();
  if (!id.ok()) return id.status();
  StoredSurvey row;
  row.id = *id;
  row.account_id = *account_id;
  row.case_id = case_id;
  row.contact_id = contact_id;
  row.kind = in.kind();
  row.score = in.score();
  row.comment = in.comment();
  row.response_time = response_time->value_or(now);
  row.create_time = now;
  absl::StatusOr<InsertOutcome> outcome = surveys_->InsertSurvey(row, request_id, request_hash);
  if (!outcome.ok()) return outcome.status();
  if (*outcome == InsertOutcome::kDuplicateRequest) {
    absl::StatusOr<std::optional<v1::SurveyResponse>> first = first_result();
    if (!first.ok()) return first.status();
    if (!first->has_value()) {
      return absl::AbortedError("concurrent CreateSurveyResponse with this request_id; retry");
    }
    *response = **std::move(first);
    return absl::OkStatus();
  }
  *response = SurveyToProto(row);
  return absl::OkStatus();
}

absl::Status SurveyService::GetSurveyResponse(const Ctx&,
                                              const v1::GetSurveyResponseRequest& request,
                                              v1::SurveyResponse* response) {
  absl::StatusOr<int64_t> id = ParseId("name", request.name(), "surveys");
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredSurvey> row = surveys_->GetSurvey(*id);
  if (!row.ok()) return row.status();
  *response = SurveyToProto(*row);
  return absl::OkStatus();
}

absl::Status SurveyService::ListSurveyResponses(const Ctx&,
                                                const v1::ListSurveyResponsesRequest& request,
                                                v1::ListSurveyResponsesResponse* response) {
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<common::FilterNode> filter = common::ParseFilter(request.filter());
  if (!filter.ok()) return filter.status();
  const uint64_t query = common::Fingerprint64({"ListSurveyResponses", request.filter()});
  std::optional<common::PageCursor> cursor;
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> decoded =
        common::DecodePageToken(request.page_token(), query);
    if (!decoded.ok()) return decoded.status();
    cursor = *std::move(decoded);
  }
  absl::StatusOr<Page<StoredSurvey>> page = surveys_->ListSurveys(*filter, cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, page->rows.back().id}));
  }
  for (const StoredSurvey& row : page->rows) *response->add_survey_responses() = SurveyToProto(row);
  return absl::OkStatus();
}

absl::Status SurveyService::GetSatisfactionSummary(const Ctx&,
                                                   const v1::GetSatisfactionSummaryRequest& request,
                                                   v1::SatisfactionSummary* response) {
  SurveyScope scope;
  if (!request.account().empty() && !request.case_().empty()) {
    return common::InvalidField("case", "must be empty when account is given (one scope)");
  }
  if (!request.case_().empty()) {
    absl::StatusOr<int64_t> id = ParseId("case", request.case_(), "cases");
    if (!id.ok()) return id.status();
    scope.case_id = *id;
  } else {
    absl::StatusOr<int64_t> id = ParseId("account", request.account(), "accounts");
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
    if (absl::StatusOr<StoredCase> c = cases_->GetCase(scope.case_id); !c.ok()) return c.status();
  }
  absl::StatusOr<std::vector<ScoreCount>> counts = surveys_->CountScores(scope);
  if (!counts.ok()) return counts.status();
  *response = Summarise(*counts);
  response->set_scope(scope.case_id != 0 ? request.case_() : request.account());
  if (request.has_start_time()) *response->mutable_start_time() = request.start_time();
  if (request.has_end_time()) *response->mutable_end_time() = request.end_time();
  return absl::OkStatus();
}

}  // namespace kam::interaction::cases
