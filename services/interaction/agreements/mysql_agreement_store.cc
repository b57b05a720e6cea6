// The agreement store over MySQL (NewMySqlAgreementStore): all SQL of the
// agreements area (table agreements in kam_interaction). Prepared
// statements only; every value is bound, never spliced into the text.
// Reads run on their own (autocommit); Transact runs
// common::RunInTransaction. Database errors become statuses here.
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/etag.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/interaction/agreements/agreement_rules.h"
#include "services/interaction/agreements/agreement_store.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/store_sql.h"

namespace kam::interaction::agreements {
namespace {

using common::SqlConnection;
using common::SqlTime;
using common::SqlValue;

// Every column after id and account_id that a write sets, in order.
constexpr char kDataColumns[] =
    "title, start_time, end_time, services_covered, discount_bp, price_description, "
    "cooperation_model, owner, auto_renew, renewal_term_months, notice_period_days, "
    "notice_deadline, terminate_time, termination_reason, terminated_by, version, update_time";
constexpr int kDataColumnCount = 17;

constexpr char kSelectColumns[] =
    "a.id, a.account_id, a.title, a.start_time, a.end_time, a.services_covered, a.discount_bp, "
    "a.price_description, a.cooperation_model, a.owner, a.auto_renew, a.renewal_term_months, "
    "a.notice_period_days, a.notice_deadline, a.terminate_time, a.termination_reason, "
    "a.terminated_by, a.version, a.update_time, a.create_time";

std::string SelectAgreements(absl::string_view condition) {
  return absl::StrCat("SELECT ", kSelectColumns, " FROM agreements a WHERE ", condition);
}

std::vector<SqlValue> DataValues(const StoredAgreement& row) {
  const v1::Agreement& a = row.agreement;
  const absl::Time end = common::FromProtoTimestamp(a.end_time());
  return {a.title(),
          SqlTime(a.start_time()),
          SqlTime(a.end_time()),
          JoinServices(a),
          int64_t{a.price_policy().discount_bp()},
          a.price_policy().description(),
          int64_t{a.cooperation_model()},
          a.owner(),
          int64_t{a.auto_renew() ? 1 : 0},
          int64_t{a.renewal_term_months()},
          int64_t{a.notice_period_days()},
          SqlTime(NoticeDeadline(end, a.notice_period_days())),
          a.has_terminate_time() ? SqlValue(SqlTime(a.terminate_time())) : SqlValue(nullptr),
          a.termination_reason(),
          a.terminated_by(),
          row.version,
          SqlTime(a.update_time())};
}

StoredAgreement ReadAgreement(sql::ResultSet& rs) {
  StoredAgreement row;
  v1::Agreement& a = row.agreement;
  int n = 0;
  row.id = rs.getInt64(++n);
  row.account_id = rs.getInt64(++n);
  a.set_name(AgreementName(row.id));
  a.set_account(AccountName(row.account_id));
  a.set_title(common::ReadText(rs, ++n));
  if (auto t = common::ReadTimestamp(rs, ++n)) *a.mutable_start_time() = *t;
  if (auto t = common::ReadTimestamp(rs, ++n)) *a.mutable_end_time() = *t;
  for (std::string& service : SplitServices(common::ReadText(rs, ++n))) {
    a.add_services_covered(std::move(service));
  }
  const int32_t discount = rs.getInt(++n);
  const std::string description = common::ReadText(rs, ++n);
  if (discount != 0 || !description.empty()) {
    a.mutable_price_policy()->set_discount_bp(discount);
    a.mutable_price_policy()->set_description(description);
  }
  a.set_cooperation_model(static_cast<v1::CooperationModel>(rs.getInt(++n)));
  a.set_owner(common::ReadText(rs, ++n));
  a.set_auto_renew(rs.getInt(++n) != 0);
  a.set_renewal_term_months(rs.getInt(++n));
  a.set_notice_period_days(rs.getInt(++n));
  if (auto t = common::ReadTimestamp(rs, ++n)) *a.mutable_notice_deadline() = *t;
  if (auto t = common::ReadTimestamp(rs, ++n)) *a.mutable_terminate_time() = *t;
  a.set_termination_reason(common::ReadText(rs, ++n));
  a.set_terminated_by(common::ReadText(rs, ++n));
  row.version = rs.getInt64(++n);
  if (auto t = common::ReadTimestamp(rs, ++n)) *a.mutable_update_time() = *t;
  if (auto t = common::ReadTimestamp(rs, ++n)) *a.mutable_create_time() = *t;
  a.set_etag(common::MakeEtag(a.name(), row.version));
  return row;
}

absl::Status AgreementNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("agreement ", AgreementName(id), " not found"));
}

// --- filters ----------------------------------------------------------------------

using common::FilterComparison;
using common::SqlFragment;

// The condition of one state at `now` (the state is not stored: it follows
// from the term and the clock, agreement_rules.h: AgreementStateAt).
absl::Status StateTerm(const FilterComparison& c, absl::Time now, SqlFragment* out) {
  KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
  absl::StatusOr<int64_t> value =
      common::FilterEnum(c, "AGREEMENT_STATE_", v1::AgreementState_Parse);
  if (!value.ok()) return value.status();
  const std::string at = SqlTime(now);
  std::string condition;
  std::vector<SqlValue> params;
  switch (static_cast<v1::AgreementState>(*value)) {
    case v1::AGREEMENT_STATE_TERMINATED: condition = "a.terminate_time IS NOT NULL"; break;
    case v1::AGREEMENT_STATE_SCHEDULED:
      condition = "(a.terminate_time IS NULL AND a.start_time > ?)";
      params = {at};
      break;
    case v1::AGREEMENT_STATE_ENDED:
      condition = "(a.terminate_time IS NULL AND a.end_time <= ?)";
      params = {at};
      break;
    default:  // ACTIVE
      condition = "(a.terminate_time IS NULL AND a.start_time <= ? AND a.end_time > ?)";
      params = {at, at};
      break;
  }
  absl::StrAppend(&out->sql, c.op == common::FilterOp::kNe ? "NOT " : "", condition);
  out->params.insert(out->params.end(), params.begin(), params.end());
  return absl::OkStatus();
}

absl::Status ComparisonToSql(const FilterComparison& c, absl::Time now, SqlFragment* out) {
  const std::string& f = c.field;
  if (f == "account") return AccountTerm(c, "a.account_id", out);
  if (f == "owner") return common::EqualityTerm(c, "a.owner", SqlValue(c.value), out);
  if (f == "state") return StateTerm(c, now, out);
  if (f == "cooperation_model") {
    return EnumTerm(c, "a.cooperation_model", "COOPERATION_MODEL_", v1::CooperationModel_Parse,
                    /*accept_unspecified=*/false, out);
  }
  if (f == "end_time" || f == "notice_deadline" || f == "start_time") {
    return common::TimeTerm(c, absl::StrCat("a.", f), out);
  }
  return UnsupportedFilterField(
      c, "account, owner, state, cooperation_model, end_time, notice_deadline or start_time");
}

// --- the write transaction --------------------------------------------------------

class MySqlAgreementTx final : public common::StoreTx, public AgreementTx {
 public:
  using StoreTx::StoreTx;

  absl::StatusOr<StoredAgreement> Lock(int64_t id) override {
    return Step([&]() -> absl::StatusOr<StoredAgreement> {
      auto rs = connection_.Query(SelectAgreements("a.id = ? FOR UPDATE"), id);
      if (!rs->next()) return AgreementNotFound(id);
      return ReadAgreement(*rs);
    });
  }

  absl::StatusOr<common::InsertOutcome> Insert(const StoredAgreement& row,
                                               const common::RequestKey& key) override {
    static const std::string* sql = [] {
      std::string placeholders = "?";
      for (int i = 1; i < kDataColumnCount + 5; ++i) placeholders.append(", ?");
      return new std::string(absl::StrCat(
          "INSERT INTO agreements (id, account_id, ", kDataColumns,
          ", create_time, create_request_id, create_request_hash) VALUES (", placeholders, ")"));
    }();
    return Step([&]() -> absl::StatusOr<common::InsertOutcome> {
      return InsertWithRequestId(connection_, /*request_key=*/"", *sql, key, row.id, row.account_id,
                                 DataValues(row), SqlTime(row.agreement.create_time()));
    });
  }

  absl::Status Write(const StoredAgreement& row) override {
    static const std::string* sql = [] {
      std::vector<std::string> columns = absl::StrSplit(kDataColumns, ", ");
      auto assign = [](std::string* out, const std::string& c) { absl::StrAppend(out, c, " = ?"); };
      return new std::string(absl::StrCat("UPDATE agreements SET ",
                                          absl::StrJoin(columns, ", ", assign), " WHERE id = ?"));
    }();
    return Exec(*sql, DataValues(row), row.id);
  }
};

// --- the store --------------------------------------------------------------------

class MySqlAgreementStore final : public AgreementStore, MySqlStoreBase {
 public:
  explicit MySqlAgreementStore(common::ConnectionPool* pool)
      : MySqlStoreBase(pool), agreement_ids_(pool, "agreements") {}

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(AgreementTx&)> fn) override {
    return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
      MySqlAgreementTx tx(connection, context);
      return fn(tx);
    });
  }

  absl::StatusOr<int64_t> NewAgreementId() override { return agreement_ids_.Next(); }

  absl::StatusOr<StoredAgreement> Get(int64_t id) override {
    return common::QueryOne(*pool_, "reading agreement", AgreementNotFound(id), ReadAgreement,
                            SelectAgreements("a.id = ?"), id);
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredAgreement>>> FindByRequest(
      const std::string& request_id) override {
    const ResourceRows<StoredAgreement> rows{kSelectColumns, "agreements", "a", ReadAgreement};
    return QueryByCreateRequest(*pool_, "reading agreement", rows, request_id);
  }

  absl::StatusOr<common::Page<StoredAgreement>> List(
      const common::FilterNode& filter, absl::Time now,
      const std::optional<common::PageCursor>& cursor, int limit) override {
    KAM_ASSIGN_OR_RETURN(
        SqlFragment where,
        common::FilterSql(filter, [now](const FilterComparison& c, SqlFragment* out) {
          return ComparisonToSql(c, now, out);
        }));
    // Keyset on (end_time, id): the first page starts before every row.
    std::string after_end = "1000-01-01 00:00:00.000000";
    int64_t after_id = 0;
    if (cursor.has_value()) {
      int64_t micros = 0;
      if (cursor->key_values.size() != 1 || !absl::SimpleAtoi(cursor->key_values[0], &micros)) {
        return common::InvalidField("page_token", "is not a token of this listing");
      }
      after_end = SqlTime(absl::FromUnixMicros(micros));
      after_id = cursor->last_id;
    }
    return common::QueryPage(
        *pool_, "listing agreements", limit, ReadAgreement,
        SelectAgreements(absl::StrCat(where.sql,
                                      " AND (a.end_time > ? OR (a.end_time = ? AND a.id > ?)) "
                                      "ORDER BY a.end_time, a.id LIMIT ?")),
        where.params, after_end, after_end, after_id, static_cast<int64_t>(limit) + 1);
  }

 private:
  common::IdAllocator agreement_ids_;
};

}  // namespace

std::unique_ptr<AgreementStore> NewMySqlAgreementStore(common::ConnectionPool* pool) {
  return std::make_unique<MySqlAgreementStore>(pool);
}

common::PageCursor AgreementCursor(const StoredAgreement& row) {
  return common::PageCursor{
      {absl::StrCat(absl::ToUnixMicros(common::FromProtoTimestamp(row.agreement.end_time())))},
      row.id};
}

}  // namespace kam::interaction::agreements
