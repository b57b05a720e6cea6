#include "services/scoring/rules/account_rating.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/scoring/rules/clv.h"
#include "services/scoring/rules/evidence_text.h"

namespace kam::scoring::rules {
namespace {

using account::v1::AccountSnapshot;
using interaction::v1::AccountFacts;
// kam::scoring has a Tier of its own (tiering.h); here Tier is the API's.
using ApiTier = account::v1::Tier;

int64_t Profit(const AccountFacts& facts) {
  return facts.gross_profit_minor() - facts.cost_to_serve_minor();
}

// high = 1, medium = 1/2, low = 0, anything else = nullopt.
std::optional<double> Level(const AccountSnapshot& account, const char* label) {
  auto it = account.labels().find(label);
  if (it == account.labels().end()) return std::nullopt;
  const std::string level = absl::AsciiStrToLower(it->second);
  if (level == "high") return 1.0;
  if (level == "medium") return 0.5;
  if (level == "low") return 0.0;
  return std::nullopt;
}

// Influence (docs/domain.md §1: "important influence ... on our business or
// brand"): the label, else an industry leader counts as high.
double Influence(const AccountSnapshot& account) {
  if (std::optional<double> level = Level(account, "influence")) return *level;
  switch (account.category()) {
    case account::v1::ACCOUNT_CATEGORY_INDUSTRY: return 1.0;
    case account::v1::ACCOUNT_CATEGORY_REGIONAL: return 0.5;
    default: return 0.0;
  }
}

// Reputation: the label, else finance's credit rating (§8).
double Reputation(const AccountSnapshot& account) {
  if (std::optional<double> level = Level(account, "reputation")) return *level;
  switch (account.credit_risk_level()) {
    case account::v1::CREDIT_RISK_LEVEL_LOW: return 1.0;
    case account::v1::CREDIT_RISK_LEVEL_MEDIUM: return 0.5;
    case account::v1::CREDIT_RISK_LEVEL_HIGH: return 0.0;
    default: return 0.5;
  }
}

// One criterion's figure and the share (0..1) of its weight it earns.
struct CriterionResult {
  double figure = 0;
  double earned = 0;
  std::string evidence;
};

CriterionResult Evaluate(const v1::CriterionWeight& c, const AccountSnapshot& account,
                         const AccountFacts& facts) {
  const double full = static_cast<double>(c.full_marks_at());
  auto linear = [full](double figure) { return std::clamp(figure / full, 0.0, 1.0); };
  CriterionResult r;
  // An amount against the amount that earns full marks.
  auto amount = [&](absl::string_view what, int64_t minor) {
    r.figure = static_cast<double>(minor);
    r.earned = linear(r.figure);
    r.evidence = absl::StrCat(what, " ", GroupThousands(minor), " of full marks at ",
                              GroupThousands(c.full_marks_at()));
  };
  switch (c.criterion()) {
    case v1::CRITERION_CONTRACT_VOLUME: amount("orders", facts.order_amount_minor()); break;
    case v1::CRITERION_UNIT_PRICE:
      amount("average order",
             facts.order_count() > 0 ? facts.order_amount_minor() / facts.order_count() : 0);
      break;
    case v1::CRITERION_REVENUE: amount("revenue", facts.revenue_minor()); break;
    case v1::CRITERION_COLLECTION_RATE:
      if (facts.collectible_minor() > 0) {
        r.figure = 10000.0 * static_cast<double>(facts.collected_minor()) /
                   static_cast<double>(facts.collectible_minor());
        r.earned = linear(r.figure);
        r.evidence = absl::StrCat("collected ", GroupThousands(facts.collected_minor()), " of ",
                                  GroupThousands(facts.collectible_minor()), " due");
      } else {
        r.evidence = "nothing fell due in the period";
      }
      break;
    case v1::CRITERION_PROFIT: amount("profit after cost to serve", Profit(facts)); break;
    case v1::CRITERION_QUALITY_LOSSES: {
      const int64_t losses = int64_t{facts.complaint_count()} + facts.sla_breach_count();
      r.figure = static_cast<double>(losses);
      r.earned = 1.0 - linear(r.figure);
      r.evidence =
          absl::StrCat(facts.complaint_count(), " complaints and ", facts.sla_breach_count(),
                       " SLA breaches; all points lost at ", c.full_marks_at());
      break;
    }
    case v1::CRITERION_INFLUENCE:
      r.earned = r.figure = Influence(account);
      r.evidence = "industry influence (label \"influence\", else the category)";
      break;
    case v1::CRITERION_REPUTATION:
      r.earned = r.figure = Reputation(account);
      r.evidence = "business reputation (label \"reputation\", else the credit rating)";
      break;
    default: break;
  }
  return r;
}

int32_t DaysBetween(const google::protobuf::Timestamp& earlier, absl::Time later) {
  const absl::Duration gap = later - common::FromProtoTimestamp(earlier);
  return static_cast<int32_t>(std::max<int64_t>(0, absl::ToInt64Hours(gap) / 24));
}

int TierIndex(ApiTier tier) {
  return tier >= account::v1::TIER_A && tier <= account::v1::TIER_D ? static_cast<int>(tier) : 0;
}

}  // namespace

const AccountFacts& NoFacts() {
  static const AccountFacts* none = new AccountFacts();
  return *none;
}

int64_t ValueOf(const RatingSettings& settings, const AccountFacts& facts) {
  return settings.value_measure == v1::VALUE_MEASURE_REVENUE ? facts.revenue_minor()
                                                             : Profit(facts);
}

ValueScore ScoreOf(const RatingSettings& settings, const AccountSnapshot& account,
                   const AccountFacts& facts) {
  ValueScore out;
  double total = 0;
  for (const v1::CriterionWeight& c : settings.criteria) {
    CriterionResult r = Evaluate(c, account, facts);
    const double points = c.weight() * r.earned;
    total += points;
    v1::ScoreFactor& factor = out.factors.emplace_back();
    factor.set_id(std::string(absl::string_view(v1::Criterion_Name(c.criterion())).substr(10)));
    factor.set_points(points);
    factor.set_figure(r.figure);
    factor.set_threshold(static_cast<double>(c.full_marks_at()));
    factor.set_evidence(std::move(r.evidence));
  }
  std::stable_sort(
      out.factors.begin(), out.factors.end(),
      [](const v1::ScoreFactor& a, const v1::ScoreFactor& b) { return a.points() > b.points(); });
  out.score = static_cast<int32_t>(std::lround(std::clamp(total, 0.0, 100.0) * 100));
  return out;
}

int64_t RankingKey(const RatingSettings& settings, int64_t value, int32_t score) {
  return settings.rank_by == v1::RANK_BY_SCORE ? score : value;
}

std::string SegmentOf(const RatingSettings& settings, const AccountSnapshot& account) {
  switch (settings.segment_by) {
    case v1::SEGMENT_BY_INDUSTRY: return account.industry();
    case v1::SEGMENT_BY_REGION: return account.region();
    default: return "";
  }
}

AccountSignals SignalsOf(const RatingSettings& settings, const AccountSnapshot& account,
                         const AccountFacts& facts, ApiTier tier, absl::Time as_of) {
  AccountSignals s;
  s.revenue_minor = facts.revenue_minor();
  if (facts.previous_revenue_minor() > 0) s.previous_revenue_minor = facts.previous_revenue_minor();
  s.product_lines_lost = std::max(0, account.business_churn_events_in_window());
  s.complaint_count = std::max(0, facts.complaint_count());
  s.sla_breach_count = std::max(0, facts.sla_breach_count());
  s.receivables_minor = std::max<int64_t>(0, facts.receivables_minor());
  s.overdue_minor = std::clamp<int64_t>(facts.overdue_minor(), 0, s.receivables_minor);
  s.overdue_90_minor = std::clamp<int64_t>(facts.overdue_90_plus_minor(), 0, s.overdue_minor);
  s.csat = CsatAverage(facts.csat_count(), facts.csat_score_sum());
  s.previous_csat = CsatAverage(facts.previous_csat_count(), facts.previous_csat_score_sum());
  if (facts.nps_count() > 0) {
    s.nps = static_cast<int32_t>(std::clamp<int64_t>(
        (int64_t{facts.nps_promoters()} - facts.nps_detractors()) * 100 / facts.nps_count(), -100,
        100));
  }
  if (facts.has_last_account_manager_contact_time()) {
    s.days_since_manager_contact = DaysBetween(facts.last_account_manager_contact_time(), as_of);
  }
  if (facts.has_last_executive_contact_time()) {
    s.days_since_executive_contact = DaysBetween(facts.last_executive_contact_time(), as_of);
  }
  const int index = TierIndex(tier);
  s.manager_cadence_days = settings.manager_cadence_days[index];
  s.executive_cadence_days = settings.executive_cadence_days[index];
  s.manager_handovers_12m = std::max(0, account.handovers_in_window());
  s.live_contact_count = std::max(0, account.contact_count());
  s.contact_levels = ContactLevelsOf(account);
  s.stage = account.stage();
  s.lifecycle = account.state() == account::v1::LIFECYCLE_STATE_UNSPECIFIED
                    ? account::v1::LIFECYCLE_STATE_ACTIVE
                    : account.state();
  return s;
}

int64_t ClvOf(const RatingSettings& settings, const AccountFacts& facts, ApiTier tier) {
  ClvInput input;
  // The period's profit made yearly (docs/domain.md §3 counts profit a year).
  const __int128 yearly = static_cast<__int128>(Profit(facts)) * 365 / settings.period_days;
  input.yearly_profit_minor = static_cast<int64_t>(std::clamp<__int128>(
      yearly, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()));
  input.yearly_churn_rate_bp = settings.churn_rate_bp[TierIndex(tier)];
  input.acquisition_cost_minor = settings.acquisition_cost_minor;
  input.yearly_retention_cost_minor = settings.yearly_retention_cost_minor;
  input.yearly_discount_rate_bp = settings.discount_rate_bp;
  absl::StatusOr<int64_t> clv = ComputeClv(input);
  if (clv.ok()) return *clv;
  return input.yearly_profit_minor >= 0 ? std::numeric_limits<int64_t>::max()
                                        : std::numeric_limits<int64_t>::min();
}

v1::Movement MovementOf(ApiTier previous, ApiTier current) {
  if (TierIndex(previous) == 0) return v1::MOVEMENT_NEW;
  // A is 1: a smaller number is a better tier.
  if (current < previous) return v1::MOVEMENT_PROMOTED;
  if (current > previous) return v1::MOVEMENT_DEMOTED;
  return v1::MOVEMENT_UNCHANGED;
}

v1::ExplainedScore ToExplainedScore(const ExplainedScore& score) {
  v1::ExplainedScore out;
  out.set_score(score.value);
  for (const Factor& factor : score.Top(3)) {
    v1::ScoreFactor* f = out.add_top_factors();
    f->set_id(std::string(FactorName(factor.id)));
    f->set_points(factor.points);
    f->set_figure(static_cast<double>(factor.figure));
    f->set_threshold(static_cast<double>(factor.threshold));
    f->set_evidence(factor.evidence);
  }
  return out;
}

RollupFigures RollupFiguresOf(const AccountSnapshot& account, const AccountFacts& facts) {
  RollupFigures r;
  absl::string_view parent_name = account.parent();
  // "accounts/{id}", or empty for a root (the export sends canonical names).
  int64_t parent = 0;
  if (absl::ConsumePrefix(&parent_name, "accounts/") && absl::SimpleAtoi(parent_name, &parent)) {
    r.parent_id = parent;
  }
  r.owner = account.owner();
  r.revenue_minor = facts.revenue_minor();
  r.gross_profit_minor = facts.gross_profit_minor();
  r.cost_to_serve_minor = facts.cost_to_serve_minor();
  r.activity_count = facts.activity_count();
  r.open_pipeline_minor = facts.open_pipeline_minor();
  r.weighted_pipeline_minor = facts.weighted_pipeline_minor();
  r.open_cases = facts.open_case_count();
  r.csat_count = facts.csat_count();
  r.csat_sum = facts.csat_score_sum();
  r.complaints = facts.complaint_count();
  r.overdue_1_30_minor = facts.overdue_1_30_minor();
  r.overdue_31_60_minor = facts.overdue_31_60_minor();
  r.overdue_61_90_minor = facts.overdue_61_90_minor();
  r.overdue_90_plus_minor = facts.overdue_90_plus_minor();
  r.credit_exposure_minor = facts.credit_exposure_minor();
  if (account.has_group_credit_limit()) {
    r.group_credit_limit_minor = account.group_credit_limit().minor_units();
    r.group_credit_currency = account.group_credit_limit().currency_code();
  }
  r.handovers = account.handovers_in_window();
  r.disputes = facts.collection_case_count();
  r.overdue_follow_ups = facts.overdue_follow_up_count();
  return r;
}

AccountRunResult RunResultOf(const RatingRow& rating) {
  AccountRunResult result;
  result.account_id = rating.account_id;
  result.tier = rating.tier;
  result.churn_risk = rating.churn_risk;
  result.sla_breach_count = rating.sla_breaches;
  result.receivables_minor = rating.receivables_minor;
  // A stored rating is clamped already; one read back is checked again.
  result.overdue_minor = std::min(rating.overdue_minor, rating.receivables_minor);
  result.agreement = rating.agreement;
  result.on_key_list = rating.key_account;
  return result;
}

AgreementNotice AgreementNoticeOf(const AccountFacts& facts, absl::Time as_of,
                                  int32_t window_days) {
  constexpr absl::string_view kPrefix = "agreements/";
  const std::string& name = facts.next_agreement();
  int64_t id = 0;
  if (!absl::StartsWith(name, kPrefix) ||
      !absl::SimpleAtoi(absl::string_view(name).substr(kPrefix.size()), &id) || id <= 0 ||
      !facts.has_next_agreement_end_time()) {
    return AgreementNotice();
  }
  const absl::Time end = common::FromProtoTimestamp(facts.next_agreement_end_time());
  const absl::Time deadline =
      facts.has_next_agreement_notice_deadline()
          ? common::FromProtoTimestamp(facts.next_agreement_notice_deadline())
          : end;
  AgreementNotice notice;
  notice.id = id;
  notice.end_us = absl::ToUnixMicros(end);
  notice.notice_us = absl::ToUnixMicros(deadline);
  notice.days_left =
      static_cast<int32_t>(std::floor(absl::FDivDuration(deadline - as_of, absl::Hours(24))));
  notice.due = as_of < end && deadline - as_of <= absl::Hours(24) * window_days;
  return notice;
}

absl::StatusOr<AccountRater> AccountRater::Create(const v1::ScoringPolicy& policy) {
  KAM_ASSIGN_OR_RETURN(RatingSettings settings, ToRatingSettings(policy));
  KAM_ASSIGN_OR_RETURN(RiskScorer scorer, RiskScorer::Create(settings.risk));
  KAM_ASSIGN_OR_RETURN(AlertDetector detector, AlertDetector::Create(settings.alerts));
  return AccountRater(std::move(settings), std::move(scorer), std::move(detector));
}

AccountValue AccountRater::RankingEntry(int64_t account_id, const AccountSnapshot& account,
                                        const AccountFacts& facts) const {
  const int64_t value = ValueOf(settings_, facts);
  const int32_t score =
      settings_.rank_by == v1::RANK_BY_SCORE ? ScoreOf(settings_, account, facts).score : 0;
  return {account_id, RankingKey(settings_, value, score), SegmentOf(settings_, account),
          account.state() == kam::account::v1::LIFECYCLE_STATE_CHURNED};
}

absl::Status AccountRater::Rate(const AccountSnapshot& account, const AccountFacts& facts,
                                const TierAssignment& assignment, absl::Time as_of,
                                RatingRow* out) const {
  // A churned account is rated (its figures are still measured) but not
  // tiered: no rank, no tier, no movement between tiers, off the key-account
  // list, and no lifetime value, the relationship having ended.
  const ApiTier tier = assignment.tiered ? static_cast<ApiTier>(assignment.tier)
                                         : kam::account::v1::TIER_UNSPECIFIED;
  RatingRow& row = *out;
  row.account_id = assignment.account_id;
  row.currency = facts.currency_code().empty() ? account.currency_code() : facts.currency_code();
  row.value_minor = ValueOf(settings_, facts);
  ValueScore score = ScoreOf(settings_, account, facts);
  row.value_score = score.score;
  row.segment = SegmentOf(settings_, account);
  row.rank = assignment.rank;
  row.tier = tier;
  row.previous_tier = account.tier();
  row.movement = assignment.tiered ? MovementOf(account.tier(), tier) : v1::MOVEMENT_NOT_TIERED;
  row.key_account = detector_.IsKeyTier(tier);
  row.group_id = assignment.group_id;
  row.clv_minor = assignment.tiered ? ClvOf(settings_, facts, tier) : 0;
  const AccountSignals signals = SignalsOf(settings_, account, facts, tier, as_of);
  AccountRiskHealth risk_health;
  KAM_RETURN_IF_ERROR(scorer_.Evaluate(signals, &risk_health));
  row.churn_risk = risk_health.risk.value;
  row.health = risk_health.health.value;
  row.sla_breaches = signals.sla_breach_count;
  row.receivables_minor = signals.receivables_minor;
  row.overdue_minor = signals.overdue_minor;
  row.agreement = AgreementNoticeOf(facts, as_of, settings_.alerts.agreement_notice_window_days);
  v1::AccountRating details;
  if (!assignment.tiered) details.set_not_tiered_reason(v1::NOT_TIERED_REASON_CHURNED);
  details.set_group_value_minor(assignment.group_value);
  for (v1::ScoreFactor& factor : score.factors) *details.add_value_factors() = std::move(factor);
  *details.mutable_churn_risk() = ToExplainedScore(risk_health.risk);
  *details.mutable_health() = ToExplainedScore(risk_health.health);
  row.details = details.SerializeAsString();
  row.rollup = RollupFiguresOf(account, facts);
  return absl::OkStatus();
}

}  // namespace kam::scoring::rules
