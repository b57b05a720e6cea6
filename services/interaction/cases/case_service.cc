#include "services/interaction/cases/case_service.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/server/service_methods.h"
#include "google/protobuf/duration.pb.h"
#include "services/interaction/cases/case_rules.h"
#include "services/interaction/cases/case_sla_clock.h"
#include "services/interaction/cases/case_sla_policy.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/create_retry.h"
#include "services/interaction/shared/list_page.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/narrowing.h"

namespace kam::interaction::cases {
namespace {

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone());
}

google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &d);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
  return out;
}

// The API view of a case, its breach flags evaluated at `now`.
v1::Case CaseToProto(const StoredCase& row, absl::Time now) {
  v1::Case c;
  c.set_name(CaseName(row.id));
  c.set_account(AccountName(row.account_id));
  if (row.contact_id != 0) {
    c.set_contact(ContactName(row.account_id, row.contact_id));
  }
  c.set_type(row.type);
  c.set_priority(row.priority);
  c.set_title(row.title);
  c.set_description(row.description);
  c.set_status(row.status);
  c.set_level(row.level);
  c.set_assignee(row.assignee);
  c.set_account_tier(row.tier);
  c.set_sla_policy(SlaPolicyName({row.priority, row.tier}));
  c.set_first_response_target_minutes(row.first_response_minutes);
  c.set_resolution_target_minutes(row.resolution_minutes);
  const SlaClock& clock = row.clock;
  *c.mutable_first_response_due_time() = common::ToProtoTimestamp(FirstResponseDue(clock));
  *c.mutable_resolution_due_time() = common::ToProtoTimestamp(ResolutionDue(clock));
  if (clock.first_response_time.has_value()) {
    *c.mutable_first_response_time() = common::ToProtoTimestamp(*clock.first_response_time);
  }
  if (clock.resolve_time.has_value()) {
    *c.mutable_resolve_time() = common::ToProtoTimestamp(*clock.resolve_time);
  }
  if (row.close_time.has_value()) {
    *c.mutable_close_time() = common::ToProtoTimestamp(*row.close_time);
  }
  *c.mutable_paused_duration() = ToProtoDuration(clock.paused);
  if (clock.paused_since.has_value()) {
    *c.mutable_pause_start_time() = common::ToProtoTimestamp(*clock.paused_since);
  }
  const SlaStatus status = Evaluate(clock, now);
  c.set_first_response_breached(status.first_response_breached);
  c.set_resolution_breached(status.resolution_breached);
  c.set_first_response_breach_escalated(row.first_response_escalated);
  c.set_resolution_breach_escalated(row.resolution_escalated);
  *c.mutable_create_time() = common::ToProtoTimestamp(clock.start);
  *c.mutable_update_time() = common::ToProtoTimestamp(row.update_time);
  c.set_etag(common::MakeEtag(c.name(), row.version));
  return c;
}

v1::CaseEvent Event(v1::CaseEventKind kind, std::string from, std::string to, std::string reason,
                    const std::string& actor, absl::Time now) {
  v1::CaseEvent event;
  event.set_kind(kind);
  event.set_from_value(std::move(from));
  event.set_to_value(std::move(to));
  event.set_reason(std::move(reason));
  event.set_actor(actor);
  *event.mutable_event_time() = common::ToProtoTimestamp(now);
  return event;
}

// The targets for `key`: the stored policy, or the shipped default when the
// row is missing (a damaged table must not stop cases from being opened).
absl::StatusOr<std::pair<int, int>> TargetsFor(CaseTx& tx, const SlaPolicyKey& key) {
  absl::StatusOr<StoredPolicy> stored = tx.ReadPolicy(key, /*lock=*/false);
  if (stored.ok()) {
    return std::make_pair(stored->policy.first_response_minutes(),
                          stored->policy.resolution_minutes());
  }
  if (stored.status().code() != absl::StatusCode::kNotFound) return stored.status();
  for (const DefaultSlaPolicy& d : DefaultSlaPolicies()) {
    if (d.key == key) return std::make_pair(d.first_response_minutes, d.resolution_minutes);
  }
  return absl::InternalError(absl::StrCat("no SLA policy ", SlaPolicyName(key)));
}

// Where a new case of `type` starts: the stored route, or the default.
absl::StatusOr<v1::CaseLevel> StartingLevelOf(CaseTx& tx, v1::CaseType type) {
  RoutingTable table = DefaultRoutingTable();
  absl::StatusOr<StoredRoute> route = tx.ReadRoute(type, /*lock=*/false);
  if (route.ok()) {
    table[type] = route->route.level();
  } else if (route.status().code() != absl::StatusCode::kNotFound) {
    return route.status();
  }
  return StartingLevel(table, type);
}

}  // namespace

void CaseService::Register(common::GrpcServer& server) {
  common::ServeMethods(
      server, &service_, this, &CaseService::CreateCase, &CaseService::GetCase,
      &CaseService::ListCases, &CaseService::UpdateCase, &CaseService::ChangeCaseStatus,
      &CaseService::RecordFirstResponse, &CaseService::EscalateCase, &CaseService::ListCaseEvents,
      &CaseService::ListSlaPolicies, &CaseService::GetSlaPolicy, &CaseService::UpdateSlaPolicy,
      &CaseService::ListSlaPolicyChanges, &CaseService::ListCaseRoutes,
      &CaseService::UpdateCaseRoute, &CaseService::RunSlaSweep);
}

absl::Status CaseService::CreateCase(const Ctx& ctx, const v1::CreateCaseRequest& request,
                                     v1::Case* response) {
  if (!request.has_case_()) return common::InvalidField("case", "is required");
  const v1::Case& in = request.case_();
  KAM_ASSIGN_OR_RETURN(const CreateTarget target,
                       ReadCreateTarget(request, "CreateCase", "case.account", in.account()));
  KAM_RETURN_IF_ERROR(ValidateCaseFields(in, /*check_type=*/true));
  int64_t contact_id = 0;
  if (!in.contact().empty()) {
    KAM_ASSIGN_OR_RETURN(ContactRef contact, ParseContactName("case.contact", in.contact()));
    KAM_RETURN_IF_ERROR(CheckContactOf("case.contact", in.contact(), contact, target.account_id,
                                       absl::StrCat("case.account ", in.account())));
    contact_id = contact.contact_id;
  }
  // A retry of a create that went through gets its first result without
  // asking the account service again.
  absl::StatusOr<bool> answered = AnsweredEarlier(
      target.key, [&](const std::string& id) { return store_->FindCaseByRequest(id); },
      [](const StoredCase& row) { return CaseToProto(row, common::NowMicros()); }, response);
  if (!answered.ok() || *answered) return answered.status();

  // The account service, before anything is written (and no transaction
  // waits on it).
  KAM_ASSIGN_OR_RETURN(account::v1::Account account, GetLiveAccount(*accounts_, ctx, in.account()));
  if (!in.contact().empty()) {
    KAM_RETURN_IF_ERROR(GetLiveContact(*accounts_, ctx, in.contact()).status());
  }

  KAM_ASSIGN_OR_RETURN(const int64_t id, store_->NewCaseId());
  const absl::Time now = common::NowMicros();
  StoredCase row;
  row.id = id;
  row.account_id = target.account_id;
  row.contact_id = contact_id;
  row.type = in.type();
  row.priority =
      in.priority() == v1::CASE_PRIORITY_UNSPECIFIED ? v1::CASE_PRIORITY_MEDIUM : in.priority();
  row.title = in.title();
  row.description = in.description();
  row.status = v1::CASE_STATUS_OPEN;
  row.assignee = in.assignee();
  row.tier = account.tier();
  row.version = 1;
  row.update_time = now;
  row.clock.start = now;
  const SlaPolicyKey policy{row.priority, row.tier};

  common::InsertOutcome outcome = common::InsertOutcome::kInserted;
  absl::Status status = store_->Transact("creating case", [&](CaseTx& tx) {
    absl::StatusOr<v1::CaseLevel> level = StartingLevelOf(tx, row.type);
    if (!level.ok()) return level.status();
    row.level = *level;
    absl::StatusOr<std::pair<int, int>> targets = TargetsFor(tx, policy);
    if (!targets.ok()) return targets.status();
    row.first_response_minutes = targets->first;
    row.resolution_minutes = targets->second;
    row.clock.targets = {absl::Minutes(targets->first), absl::Minutes(targets->second)};
    KAM_ASSIGN_OR_RETURN(common::InsertOutcome inserted, tx.InsertCase(row, target.key));
    outcome = inserted;
    if (outcome == common::InsertOutcome::kDuplicateRequest) return absl::OkStatus();
    CaseEventRow created{
        row.id, Event(v1::CASE_EVENT_KIND_CREATED, "", StatusName(row.status),
                      absl::StrCat("routed to ", LevelName(row.level), " (", TypeName(row.type),
                                   "); SLA ", SlaPolicyName(policy), ": first response ",
                                   targets->first, " min, resolution ", targets->second, " min"),
                      ctx.actor, now)};
    return tx.InsertEvent(&created);
  });
  if (!status.ok()) return status;
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    // A concurrent call with the same request id won the race.
    KAM_ASSIGN_OR_RETURN(StoredCase first,
                         common::AnswerRetry(target.key, store_->FindCaseByRequest(target.key.id)));
    *response = CaseToProto(first, common::NowMicros());
    return absl::OkStatus();
  }
  *response = CaseToProto(row, now);
  return absl::OkStatus();
}

absl::StatusOr<StoredCase> CaseService::ReadCase(const Ctx& ctx, int64_t id) {
  return OwnRow(*accounts_, ctx, store_->GetCase(id), "case", CaseName(id));
}

absl::Status CaseService::GetCase(const Ctx& ctx, const v1::GetCaseRequest& request,
                                  v1::Case* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseCaseName("name", request.name()));
  KAM_ASSIGN_OR_RETURN(StoredCase row, ReadCase(ctx, id));
  *response = CaseToProto(row, common::NowMicros());
  return absl::OkStatus();
}

absl::Status CaseService::ListCases(const Ctx& ctx, const v1::ListCasesRequest& request,
                                    v1::ListCasesResponse* response) {
  KAM_ASSIGN_OR_RETURN(std::optional<common::ListRequest> list,
                       ReadNarrowedList(*accounts_, ctx, request, "ListCases", request.filter(),
                                        request.order_by()));
  KAM_ASSIGN_OR_RETURN(CaseOrder order, ParseCaseOrder(request.order_by()));
  if (!list.has_value()) return absl::OkStatus();
  const absl::Time now = common::NowMicros();
  return AnswerPage(
      *list, store_->ListCases(list->filter, order, now, list->cursor, list->limit), response,
      [&](const StoredCase& row) { *response->add_cases() = CaseToProto(row, now); },
      [&](const StoredCase& row) {
        return common::PageCursor{CaseCursorKeys(row, order), row.id};
      });
}

absl::Status CaseService::ChangeCase(
    const Ctx& ctx, absl::string_view name_field, const std::string& name, const std::string& etag,
    absl::string_view context,
    const std::function<absl::Status(CaseTx&, StoredCase&, absl::Time,
                                     std::vector<v1::CaseEvent>&)>& change,
    v1::Case* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseCaseName(name_field, name));
  // A case's account never changes: a narrowed call checks it before the
  // transaction (no call to the account service while the row is locked).
  if (!NarrowedUser(ctx).empty()) KAM_RETURN_IF_ERROR(ReadCase(ctx, id).status());
  StoredCase result;
  absl::Time now;
  absl::Status status = store_->Transact(context, [&](CaseTx& tx) {
    KAM_ASSIGN_OR_RETURN(StoredCase row, tx.LockCase(id));
    // The time is read once the row is locked, so the writes of one case
    // carry increasing times in the order they commit.
    now = std::max(common::NowMicros(), row.update_time);
    KAM_RETURN_IF_ERROR(common::CheckEtag(CaseName(id), row.version, etag));
    std::vector<v1::CaseEvent> events;
    KAM_RETURN_IF_ERROR(change(tx, row, now, events));
    Refresh(row.clock, now);
    ++row.version;
    row.update_time = now;
    KAM_RETURN_IF_ERROR(tx.WriteCase(row));
    for (v1::CaseEvent& event : events) {
      CaseEventRow event_row{row.id, std::move(event)};
      KAM_RETURN_IF_ERROR(tx.InsertEvent(&event_row));
    }
    result = std::move(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  *response = CaseToProto(result, now);
  return absl::OkStatus();
}

absl::Status CaseService::UpdateCase(const Ctx& ctx, const v1::UpdateCaseRequest& request,
                                     v1::Case* response) {
  if (!request.has_case_()) return common::InvalidField("case", "is required");
  const v1::Case& patch = request.case_();
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseCaseName("case.name", patch.name()));
  KAM_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       common::ResolveUpdateMask(request.update_mask(), patch, CaseMaskRules()));
  auto in_mask = [&](absl::string_view path) {
    return std::find(paths.begin(), paths.end(), path) != paths.end();
  };
  if (in_mask("priority") && (patch.priority() == v1::CASE_PRIORITY_UNSPECIFIED ||
                              !v1::CasePriority_IsValid(patch.priority()))) {
    return common::InvalidField("case.priority", "must be CRITICAL, HIGH, MEDIUM or LOW");
  }
  int64_t new_contact_id = 0;
  if (in_mask("contact") && !patch.contact().empty()) {
    KAM_ASSIGN_OR_RETURN(ContactRef contact, ParseContactName("case.contact", patch.contact()));
    // The account of a case never changes, so reading it before the
    // transaction is safe.
    KAM_ASSIGN_OR_RETURN(StoredCase current, ReadCase(ctx, id));
    KAM_RETURN_IF_ERROR(
        CheckContactOf("case.contact", patch.contact(), contact, current.account_id,
                       absl::StrCat("the case's account ", AccountName(current.account_id))));
    KAM_RETURN_IF_ERROR(GetLiveContact(*accounts_, ctx, patch.contact()).status());
    new_contact_id = contact.contact_id;
  }
  return ChangeCase(
      ctx, "case.name", patch.name(), patch.etag(), "updating case",
      [&](CaseTx& tx, StoredCase& row, absl::Time now, std::vector<v1::CaseEvent>& events) {
        if (row.status == v1::CASE_STATUS_CLOSED) {
          return absl::FailedPreconditionError(
              absl::StrCat("case ", CaseName(row.id), " is CLOSED and cannot change"));
        }
        v1::Case edited = CaseToProto(row, now);
        common::ApplyUpdateMask(paths, patch, &edited);
        KAM_RETURN_IF_ERROR(ValidateCaseFields(edited, /*check_type=*/false));
        row.title = edited.title();
        row.description = edited.description();
        if (in_mask("contact")) row.contact_id = new_contact_id;
        if (edited.assignee() != row.assignee) {
          events.push_back(Event(v1::CASE_EVENT_KIND_ASSIGNMENT, row.assignee, edited.assignee(),
                                 "", ctx.actor, now));
          row.assignee = edited.assignee();
        }
        if (edited.priority() != row.priority) {
          if (!IsOpenStatus(row.status)) {
            return absl::FailedPreconditionError(
                absl::StrCat("case ", CaseName(row.id), " is ", StatusName(row.status),
                             "; its priority can change only while it is open"));
          }
          const SlaPolicyKey key{edited.priority(), row.tier};
          absl::StatusOr<std::pair<int, int>> targets = TargetsFor(tx, key);
          if (!targets.ok()) return targets.status();
          Retarget(row.clock, {absl::Minutes(targets->first), absl::Minutes(targets->second)}, now);
          events.push_back(
              Event(v1::CASE_EVENT_KIND_PRIORITY_CHANGE, PriorityName(row.priority),
                    PriorityName(edited.priority()),
                    absl::StrCat("targets now ", targets->first, " min to first response, ",
                                 targets->second, " min to resolution (", SlaPolicyName(key), ")"),
                    ctx.actor, now));
          row.priority = edited.priority();
          row.first_response_minutes = targets->first;
          row.resolution_minutes = targets->second;
        }
        return absl::OkStatus();
      },
      response);
}

absl::Status CaseService::ChangeCaseStatus(const Ctx& ctx,
                                           const v1::ChangeCaseStatusRequest& request,
                                           v1::Case* response) {
  KAM_RETURN_IF_ERROR(CheckReason("reason", request.reason(), /*required=*/false));
  const v1::CaseStatus to = request.status();
  return ChangeCase(
      ctx, "name", request.name(), request.etag(), "changing case status",
      [&](CaseTx&, StoredCase& row, absl::Time now, std::vector<v1::CaseEvent>& events) {
        const v1::CaseStatus from = row.status;
        KAM_RETURN_IF_ERROR(
            CheckStatusChange(CaseName(row.id), from, to, !request.reason().empty()));
        events.push_back(Event(v1::CASE_EVENT_KIND_STATUS_CHANGE, StatusName(from), StatusName(to),
                               request.reason(), ctx.actor, now));
        SlaClock& clock = row.clock;
        const bool had_first_response = clock.first_response_time.has_value();
        if (from == v1::CASE_STATUS_WAITING_ON_CUSTOMER && to != v1::CASE_STATUS_RESOLVED) {
          const absl::Time due_before = ResolutionDue(clock);
          Resume(clock, now);
          events.push_back(Event(v1::CASE_EVENT_KIND_CLOCK_RESUME, Rfc3339(due_before),
                                 Rfc3339(ResolutionDue(clock)), request.reason(), ctx.actor, now));
        }
        switch (to) {
          case v1::CASE_STATUS_WAITING_ON_CUSTOMER:
            Pause(clock, now);
            events.push_back(
                Event(v1::CASE_EVENT_KIND_CLOCK_PAUSE, "", "", request.reason(), ctx.actor, now));
            break;
          case v1::CASE_STATUS_IN_PROGRESS:
            if (from == v1::CASE_STATUS_RESOLVED) Reopen(clock, now);
            cases::RecordFirstResponse(clock, now);
            break;
          case v1::CASE_STATUS_RESOLVED: Resolve(clock, now); break;
          case v1::CASE_STATUS_CLOSED: row.close_time = now; break;
          default: break;
        }
        if (!had_first_response && clock.first_response_time.has_value()) {
          events.push_back(Event(v1::CASE_EVENT_KIND_FIRST_RESPONSE, "", Rfc3339(now),
                                 absl::StrCat("recorded by the move to ", StatusName(to)),
                                 ctx.actor, now));
        }
        row.status = to;
        return absl::OkStatus();
      },
      response);
}

absl::Status CaseService::RecordFirstResponse(const Ctx& ctx,
                                              const v1::RecordFirstResponseRequest& request,
                                              v1::Case* response) {
  KAM_RETURN_IF_ERROR(CheckReason("note", request.note(), /*required=*/false));
  return ChangeCase(
      ctx, "name", request.name(), request.etag(), "recording first response",
      [&](CaseTx&, StoredCase& row, absl::Time now, std::vector<v1::CaseEvent>& events) {
        if (!IsOpenStatus(row.status)) {
          return absl::FailedPreconditionError(
              absl::StrCat("case ", CaseName(row.id), " is ", StatusName(row.status),
                           "; a first response is recorded only on an open case"));
        }
        if (row.clock.first_response_time.has_value()) {
          return absl::FailedPreconditionError(
              absl::StrCat("case ", CaseName(row.id), " already has a first response (at ",
                           Rfc3339(*row.clock.first_response_time), ")"));
        }
        cases::RecordFirstResponse(row.clock, now);
        events.push_back(Event(v1::CASE_EVENT_KIND_FIRST_RESPONSE, "", Rfc3339(now), request.note(),
                               ctx.actor, now));
        return absl::OkStatus();
      },
      response);
}

absl::Status CaseService::EscalateCase(const Ctx& ctx, const v1::EscalateCaseRequest& request,
                                       v1::Case* response) {
  KAM_RETURN_IF_ERROR(CheckReason("reason", request.reason(), /*required=*/true));
  return ChangeCase(
      ctx, "name", request.name(), request.etag(), "escalating case",
      [&](CaseTx&, StoredCase& row, absl::Time now, std::vector<v1::CaseEvent>& events) {
        if (!IsOpenStatus(row.status)) {
          return absl::FailedPreconditionError(absl::StrCat("case ", CaseName(row.id), " is ",
                                                            StatusName(row.status),
                                                            "; only open cases can be escalated"));
        }
        std::optional<v1::CaseLevel> next = NextLevel(row.level);
        if (!next.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat("case ", CaseName(row.id),
                                                            " is already at ", LevelName(row.level),
                                                            ", the top level"));
        }
        events.push_back(Event(v1::CASE_EVENT_KIND_LEVEL_CHANGE, LevelName(row.level),
                               LevelName(*next), request.reason(), ctx.actor, now));
        row.level = *next;
        return absl::OkStatus();
      },
      response);
}

absl::Status CaseService::ListCaseEvents(const Ctx& ctx, const v1::ListCaseEventsRequest& request,
                                         v1::ListCaseEventsResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseCaseName("parent", request.parent()));
  KAM_ASSIGN_OR_RETURN(common::ListRequest list,
                       common::ReadListRequest(request, {"ListCaseEvents", request.parent()}));
  if (absl::StatusOr<StoredCase> row = ReadCase(ctx, id); !row.ok()) return row.status();
  return AnswerPage(
      list, store_->ListEvents(id, list.cursor, list.limit), response,
      [&](v1::CaseEvent& event) { *response->add_events() = std::move(event); },
      CursorAfter<v1::CaseEvent>);
}

}  // namespace kam::interaction::cases
