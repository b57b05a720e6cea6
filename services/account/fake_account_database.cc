#include "services/account/fake_account_database.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/account/accounts/account_fields.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/batch_create.h"

namespace kam::account {
namespace {

using accounts::StoredAccount;
using common::InsertOutcome;
using contacts::StoredContact;
using team::StoredMembership;
using Requests = std::map<std::string, std::pair<int64_t, std::string>>;

absl::Status Unimplemented() { return absl::UnimplementedError("not in the fake"); }

// The row of `table` with key `id`, or `missing`.
template <typename Row>
absl::StatusOr<Row> Lookup(const std::map<int64_t, Row>& table, int64_t id, absl::Status missing) {
  auto it = table.find(id);
  if (it == table.end()) return missing;
  return it->second;
}

// The row a create with `request_id` made, with its request's hash.
template <typename Row>
std::optional<common::CreatedByRequest<Row>> ByRequest(const Requests& requests,
                                                       const std::map<int64_t, Row>& table,
                                                       const std::string& request_id) {
  auto it = requests.find(request_id);
  if (it == requests.end()) return std::nullopt;
  return common::CreatedByRequest<Row>{table.at(it->second.first), it->second.second};
}

// ByRequest for each of `request_ids` that a create used.
template <typename Row>
std::map<std::string, common::CreatedByRequest<Row>> AllByRequest(
    const Requests& requests, const std::map<int64_t, Row>& table,
    const std::vector<std::string>& request_ids) {
  std::map<std::string, common::CreatedByRequest<Row>> found;
  for (const std::string& request_id : request_ids) {
    if (auto row = ByRequest(requests, table, request_id)) found.emplace(request_id, *row);
  }
  return found;
}

// Inserts `row` unless `key` was used: the unique create request id.
template <typename Row>
InsertOutcome InsertOnce(Requests& requests, std::map<int64_t, Row>& table, const Row& row,
                         const common::RequestKey& key) {
  if (!key.id.empty() && !requests.emplace(key.id, std::make_pair(row.id, key.hash)).second) {
    return InsertOutcome::kDuplicateRequest;
  }
  table[row.id] = row;
  return InsertOutcome::kInserted;
}

// The rows of `table` below account `account_id` after `cursor`, in id order.
template <typename Row>
absl::StatusOr<common::Page<Row>> PageUnder(const FakeRows& rows,
                                            const std::map<int64_t, Row>& table, int64_t account_id,
                                            const std::optional<common::PageCursor>& cursor,
                                            int limit) {
  if (rows.accounts.count(account_id) == 0) return AccountNotFound(account_id);
  std::vector<Row> found;
  for (auto it = table.upper_bound(common::CursorId(cursor)); it != table.end(); ++it) {
    if (it->second.account_id == account_id) found.push_back(it->second);
  }
  return common::TrimPage(std::move(found), limit);
}

}  // namespace

// Every area's store and transaction steps over one FakeRows.
class FakeAccountDatabase::Impl final : public accounts::AccountStore,
                                        public accounts::AccountTx,
                                        public contacts::ContactStore,
                                        public contacts::ContactTx,
                                        public team::TeamStore,
                                        public team::TeamTx,
                                        public lifecycle::LifecycleStore,
                                        public lifecycle::LifecycleTx,
                                        public tiers::TierStore,
                                        public tiers::TierTx,
                                        public exports::ExportStore,
                                        public Transaction {
 public:
  FakeRows rows;
  bool down = false;

  // A fresh id, or UNAVAILABLE while down (ids come from the database).
  absl::StatusOr<int64_t> NextId() {
    if (down) return Down();
    return ++rows.last_id;
  }

  // `count` fresh ids.
  absl::StatusOr<std::vector<int64_t>> NextIds(size_t count) {
    if (down) return Down();
    std::vector<int64_t> ids;
    while (ids.size() < count) ids.push_back(++rows.last_id);
    return ids;
  }

  // A multi-row insert as the MySQL store does it: `insert(i)` for each row
  // in order, stopping at the first that is refused (its index in
  // `*failed_row`) or that finds its request id taken.
  template <typename Insert>
  static absl::Status InsertEach(size_t count, size_t* failed_row, Insert insert) {
    *failed_row = count;
    for (size_t i = 0; i < count; ++i) {
      absl::StatusOr<InsertOutcome> outcome = insert(i);
      if (outcome.ok() && *outcome == InsertOutcome::kInserted) continue;
      *failed_row = i;
      return outcome.ok() ? RequestIdTakenMeanwhile() : outcome.status();
    }
    return absl::OkStatus();
  }

  static absl::Status Down() {
    return absl::UnavailableError("database unavailable (the fake is down)");
  }

  // --- the transaction: every area's steps are this object's ---------------

  accounts::AccountTx& accounts() override { return *this; }
  contacts::ContactTx& contacts() override { return *this; }
  team::TeamTx& team() override { return *this; }
  lifecycle::LifecycleTx& lifecycle() override { return *this; }
  tiers::TierTx& tiers() override { return *this; }

  // --- accounts ----------------------------------------------------------------

  absl::StatusOr<int64_t> NewAccountId() override { return NextId(); }
  absl::StatusOr<std::vector<int64_t>> NewAccountIds(size_t count) override {
    return NextIds(count);
  }

  absl::StatusOr<accounts::AccountsByRequest> FindAccountsByRequest(
      const std::vector<std::string>& request_ids) override {
    if (down) return Down();
    return AllByRequest(rows.account_requests, rows.accounts, request_ids);
  }

  absl::StatusOr<std::map<int64_t, StoredAccount>> LockAccounts(
      const std::vector<int64_t>& ids) override {
    std::map<int64_t, StoredAccount> locked;
    for (int64_t id : ids) {
      if (auto it = rows.accounts.find(id); it != rows.accounts.end())
        locked.emplace(id, it->second);
    }
    return locked;
  }

  absl::Status InsertAccounts(const std::vector<StoredAccount>& new_rows,
                              const std::vector<common::RequestKey>& keys,
                              size_t* failed_row) override {
    return InsertEach(new_rows.size(), failed_row, [&](size_t i) -> absl::StatusOr<InsertOutcome> {
      if (!keys[i].id.empty() && rows.account_requests.count(keys[i].id) > 0) {
        return InsertOutcome::kDuplicateRequest;
      }
      KAM_RETURN_IF_ERROR(CheckExternalId(new_rows[i]));
      return InsertOnce(rows.account_requests, rows.accounts, new_rows[i], keys[i]);
    });
  }

  absl::StatusOr<InsertOutcome> InsertAccount(const StoredAccount& row,
                                              const common::RequestKey& key) override {
    if (down) return Down();
    if (!key.id.empty() && rows.account_requests.count(key.id) > 0) {
      return InsertOutcome::kDuplicateRequest;
    }
    KAM_RETURN_IF_ERROR(CheckExternalId(row));
    return InsertOnce(rows.account_requests, rows.accounts, row, key);
  }

  absl::StatusOr<StoredAccount> GetAccount(int64_t id) override {
    if (down) return Down();
    return LockAccount(id);
  }

  absl::StatusOr<std::vector<StoredAccount>> GetAccounts(const std::vector<int64_t>& ids) override {
    if (down) return Down();
    std::vector<StoredAccount> found;
    for (int64_t id : ids) {
      KAM_ASSIGN_OR_RETURN(StoredAccount row, LockAccount(id));
      found.push_back(std::move(row));
    }
    return found;
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredAccount>>> FindAccountByRequest(
      const std::string& request_id) override {
    if (down) return Down();
    return ByRequest(rows.account_requests, rows.accounts, request_id);
  }

  // In id order without a filter only (other orders and filters are the
  // MySQL store's, tested through the service).
  absl::StatusOr<common::Page<StoredAccount>> ListAccounts(
      const common::FilterNode& filter, const accounts::AccountOrder& order, bool show_deleted,
      const std::string& team_of, const std::optional<common::PageCursor>& cursor,
      int limit) override {
    if (down) return Down();
    if (!filter.children.empty() || filter.kind != common::FilterNode::Kind::kAnd ||
        order.key != accounts::AccountOrder::Key::kId || order.descending) {
      return Unimplemented();
    }
    std::vector<StoredAccount> found;
    for (auto it = rows.accounts.upper_bound(common::CursorId(cursor)); it != rows.accounts.end();
         ++it) {
      const StoredAccount& row = it->second;
      if (!show_deleted && row.account.has_delete_time()) continue;
      if (!team_of.empty() && !OnTeam(row.id, team_of)) continue;
      found.push_back(row);
    }
    return common::TrimPage(std::move(found), limit);
  }
  absl::StatusOr<std::vector<StoredAccount>> ListAncestors(int64_t id) override {
    if (down) return Down();
    KAM_RETURN_IF_ERROR(LockAccount(id).status());
    KAM_ASSIGN_OR_RETURN(std::vector<int64_t> chain, AncestorChain(id));
    std::vector<StoredAccount> found;
    for (size_t i = 1; i < chain.size(); ++i) found.push_back(rows.accounts.at(chain[i]));
    return found;
  }
  // By depth, then id; the cursor's key is the depth.
  absl::StatusOr<common::Page<accounts::DescendantRow>> ListDescendants(
      int64_t id, int max_depth, const std::string& team_of,
      const std::optional<common::PageCursor>& cursor, int limit) override {
    if (down) return Down();
    KAM_RETURN_IF_ERROR(LockAccount(id).status());
    const int after_depth = cursor.has_value() ? std::stoi(cursor->key_values.at(0)) : 0;
    std::vector<accounts::DescendantRow> found;
    std::vector<int64_t> level = {id};
    for (int depth = 1; depth <= max_depth && !level.empty(); ++depth) {
      std::vector<int64_t> next;
      for (const auto& [child_id, child] : rows.accounts) {
        if (child.account.has_delete_time() ||
            std::find(level.begin(), level.end(), child.parent_id) == level.end()) {
          continue;
        }
        next.push_back(child_id);
        const bool after =
            depth > after_depth || (depth == after_depth && child_id > common::CursorId(cursor));
        if (after && (team_of.empty() || OnTeam(child_id, team_of))) {
          found.push_back({child, depth});
        }
      }
      level = std::move(next);
    }
    return common::TrimPage(std::move(found), limit);
  }
  absl::StatusOr<accounts::GroupCounts> CountGroup(int64_t, const std::string&) override {
    return Unimplemented();
  }

  // Whether `user` is on the current team of account `account_id`.
  bool OnTeam(int64_t account_id, const std::string& user) const {
    return std::any_of(rows.memberships.begin(), rows.memberships.end(), [&](const auto& entry) {
      return entry.second.account_id == account_id && entry.second.resource.user() == user &&
             !entry.second.resource.has_end_time();
    });
  }

  absl::StatusOr<StoredAccount> LockAccount(int64_t id) override {
    return Lookup(rows.accounts, id, AccountNotFound(id));
  }

  absl::Status WriteAccount(const StoredAccount& row) override {
    KAM_RETURN_IF_ERROR(CheckExternalId(row));
    rows.accounts[row.id] = row;
    return absl::OkStatus();
  }

  // Labels live in the account row here; nothing else reads label rows.
  absl::Status ReplaceLabels(int64_t,
                             const google::protobuf::Map<std::string, std::string>&) override {
    return absl::OkStatus();
  }

  absl::Status LockHierarchy() override { return absl::OkStatus(); }

  absl::StatusOr<std::vector<int64_t>> AncestorChain(int64_t id) override {
    std::vector<int64_t> chain;
    for (auto it = rows.accounts.find(id); it != rows.accounts.end();
         it = rows.accounts.find(it->second.parent_id)) {
      chain.push_back(it->first);
    }
    return chain;
  }

  absl::StatusOr<int> SubtreeHeight(int64_t id) override {
    int height = 0;
    for (const auto& [child, row] : rows.accounts) {
      if (row.parent_id == id && !row.account.has_delete_time()) {
        height = std::max(height, 1 + *SubtreeHeight(child));
      }
    }
    return height;
  }

  absl::StatusOr<int> CountLiveChildren(int64_t id) override {
    return static_cast<int>(
        std::count_if(rows.accounts.begin(), rows.accounts.end(), [&](const auto& entry) {
          return entry.second.parent_id == id && !entry.second.account.has_delete_time();
        }));
  }

  // --- contacts ----------------------------------------------------------------

  absl::StatusOr<int64_t> NewContactId() override { return NextId(); }
  absl::StatusOr<std::vector<int64_t>> NewContactIds(size_t count) override {
    return NextIds(count);
  }

  absl::StatusOr<contacts::ContactsByRequest> FindContactsByRequest(
      const std::vector<std::string>& request_ids) override {
    if (down) return Down();
    return AllByRequest(rows.contact_requests, rows.contacts, request_ids);
  }

  absl::Status InsertContacts(const std::vector<StoredContact>& new_rows,
                              const std::vector<common::RequestKey>& keys,
                              size_t* failed_row) override {
    return InsertEach(new_rows.size(), failed_row,
                      [&](size_t i) { return InsertContact(new_rows[i], keys[i]); });
  }

  absl::Status AddToContactCounts(
      const std::map<int64_t, contacts::ContactCountDelta>& deltas) override {
    for (const auto& [account_id, delta] : deltas) {
      KAM_RETURN_IF_ERROR(AddToContactCount(account_id, delta));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<StoredContact> GetContact(int64_t account_id, int64_t contact_id) override {
    if (down) return Down();
    return LockContact(account_id, contact_id);
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredContact>>> FindContactByRequest(
      const std::string& request_id) override {
    if (down) return Down();
    return ByRequest(rows.contact_requests, rows.contacts, request_id);
  }

  absl::StatusOr<common::Page<StoredContact>> ListContacts(
      int64_t account_id, bool, const std::optional<common::PageCursor>& cursor,
      int limit) override {
    if (down) return Down();
    return PageUnder(rows, rows.contacts, account_id, cursor, limit);
  }

  absl::StatusOr<StoredContact> LockContact(int64_t account_id, int64_t contact_id) override {
    absl::StatusOr<StoredContact> row = Lookup(
        rows.contacts, contact_id, NotFoundUnder("contact", account_id, "contacts", contact_id));
    if (row.ok() && row->account_id != account_id) {
      return NotFoundUnder("contact", account_id, "contacts", contact_id);
    }
    return row;
  }

  absl::StatusOr<InsertOutcome> InsertContact(const StoredContact& row,
                                              const common::RequestKey& key) override {
    return InsertOnce(rows.contact_requests, rows.contacts, row, key);
  }

  absl::Status WriteContact(const StoredContact& row) override {
    rows.contacts[row.id] = row;
    return absl::OkStatus();
  }

  // The level counts are not kept: ExportPage counts the live contacts.
  absl::Status AddToContactCount(int64_t account_id,
                                 const contacts::ContactCountDelta& delta) override {
    v1::Account& account = rows.accounts.at(account_id).account;
    account.set_contact_count(account.contact_count() + delta.live);
    account.set_single_contact_risk(account.contact_count() == 1);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<contacts::ChainLink>> ReportingChain(int64_t account_id,
                                                                  int64_t contact_id,
                                                                  int limit) override {
    std::vector<contacts::ChainLink> chain;
    for (int64_t id = contact_id; id != 0 && static_cast<int>(chain.size()) < limit;) {
      auto it = rows.contacts.find(id);
      if (it == rows.contacts.end() || it->second.account_id != account_id) break;
      const v1::Contact& c = it->second.resource;
      chain.push_back({id, c.has_delete_time()});
      id = contacts::ParseReportsTo(account_id, c.reports_to()).value_or(0);
    }
    return chain;
  }

  // --- team --------------------------------------------------------------------

  absl::StatusOr<common::Page<StoredMembership>> ListMemberships(
      int64_t account_id, v1::TeamRole, bool, const std::optional<common::PageCursor>&,
      int) override {
    if (rows.accounts.count(account_id) == 0) return AccountNotFound(account_id);
    return Unimplemented();
  }

  absl::StatusOr<common::Page<int64_t>> ListTeamAccounts(
      const std::string& user, const std::optional<common::PageCursor>& cursor,
      int limit) override {
    if (down) return Down();
    std::set<int64_t> theirs;  // in id order, each once
    for (const auto& [id, row] : rows.memberships) {
      if (row.account_id > common::CursorId(cursor) && OnTeam(row.account_id, user)) {
        theirs.insert(row.account_id);
      }
    }
    return common::TrimPage(std::vector<int64_t>(theirs.begin(), theirs.end()), limit);
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredMembership>>> FindMembershipByRequest(
      const std::string& request_id) override {
    return ByRequest(rows.membership_requests, rows.memberships, request_id);
  }

  absl::StatusOr<std::optional<StoredMembership>> LockActiveAccountManager(
      int64_t account_id) override {
    std::optional<StoredMembership> manager;
    for (const auto& [id, row] : rows.memberships) {
      if (row.account_id == account_id && IsActive(row, v1::TEAM_ROLE_ACCOUNT_MANAGER)) {
        manager = row;
      }
    }
    return manager;
  }

  absl::StatusOr<StoredMembership> LockMembership(int64_t account_id,
                                                  int64_t membership_id) override {
    absl::StatusOr<StoredMembership> row =
        Lookup(rows.memberships, membership_id,
               NotFoundUnder("team membership", account_id, "teamMemberships", membership_id));
    if (row.ok() && row->account_id != account_id) {
      return NotFoundUnder("team membership", account_id, "teamMemberships", membership_id);
    }
    return row;
  }

  absl::StatusOr<absl::flat_hash_set<int64_t>> AccountsOnTeam(const std::string& user,
                                                              const std::vector<int64_t>& ids) {
    if (down) return Down();
    absl::flat_hash_set<int64_t> theirs;
    for (int64_t id : ids) {
      if (OnTeam(id, user)) theirs.insert(id);
    }
    return theirs;
  }

  absl::StatusOr<bool> HasActiveMembership(int64_t account_id, const std::string& user,
                                           v1::TeamRole role) override {
    return std::any_of(rows.memberships.begin(), rows.memberships.end(), [&](const auto& entry) {
      return entry.second.account_id == account_id && entry.second.resource.user() == user &&
             IsActive(entry.second, role);
    });
  }

  absl::StatusOr<InsertOutcome> InsertMembership(StoredMembership* row,
                                                 const common::RequestKey& key) override {
    SetRecordId(*row, ++rows.last_id, "teamMemberships");
    return InsertOnce(rows.membership_requests, rows.memberships, *row, key);
  }

  absl::Status InsertMemberships(std::vector<StoredMembership>* new_rows) override {
    for (StoredMembership& row : *new_rows) {
      KAM_RETURN_IF_ERROR(InsertMembership(&row, common::RequestKey{}).status());
    }
    return absl::OkStatus();
  }

  absl::Status EndMembership(int64_t membership_id, absl::Time end_time, const std::string& reason,
                             bool) override {
    v1::TeamMembership& membership = rows.memberships.at(membership_id).resource;
    *membership.mutable_end_time() = common::ToProtoTimestamp(end_time);
    membership.set_end_reason(reason);
    return absl::OkStatus();
  }

  // --- lifecycle ---------------------------------------------------------------

  absl::StatusOr<common::Page<lifecycle::StageChangeRow>> ListStageChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) override {
    if (down) return Down();
    return PageUnder(rows, rows.stage_changes, account_id, cursor, limit);
  }

  absl::StatusOr<common::Page<lifecycle::ChurnEventRow>> ListChurnEvents(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) override {
    if (down) return Down();
    return PageUnder(rows, rows.churn_events, account_id, cursor, limit);
  }

  absl::Status InsertStageChange(lifecycle::StageChangeRow* row) override {
    SetRecordId(*row, ++rows.last_id, "stageChanges");
    rows.stage_changes[row->id] = *row;
    return absl::OkStatus();
  }

  absl::Status InsertChurnEvent(lifecycle::ChurnEventRow* row) override {
    SetRecordId(*row, ++rows.last_id, "churnEvents");
    rows.churn_events[row->id] = *row;
    return absl::OkStatus();
  }

  absl::StatusOr<lifecycle::StoredStageSettings> ReadStageSettings(bool) override {
    return rows.stage_settings;
  }

  absl::Status WriteStageSettings(const lifecycle::StoredStageSettings& settings) override {
    rows.stage_settings = settings;
    return absl::OkStatus();
  }

  // --- tiers -------------------------------------------------------------------

  absl::StatusOr<common::Page<tiers::TierChangeRow>> ListTierChanges(
      int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) override {
    if (down) return Down();
    return PageUnder(rows, rows.tier_changes, account_id, cursor, limit);
  }

  absl::StatusOr<std::map<int64_t, tiers::TierState>> LockTierStates(
      const std::vector<int64_t>& ids) override {
    std::map<int64_t, tiers::TierState> states;
    for (int64_t id : ids) {
      KAM_ASSIGN_OR_RETURN(StoredAccount row, LockAccount(id));
      states[id] = {row.account.tier(), row.account.tier_rating_run()};
    }
    return states;
  }

  absl::Status SetTiers(const std::vector<tiers::TierUpdate>& updates,
                        const std::string& rating_run, const std::string& policy_version,
                        absl::Time now) override {
    for (const tiers::TierUpdate& update : updates) {
      StoredAccount& row = rows.accounts.at(update.account_id);
      row.account.set_tier(update.to);
      row.account.set_tier_rating_run(rating_run);
      row.account.set_tier_policy_version(policy_version);
      *row.account.mutable_tier_update_time() = common::ToProtoTimestamp(now);
      common::StampWrite(&row.version, &row.account, now);
      if (update.from == update.to) continue;
      tiers::TierChangeRow change;
      change.account_id = update.account_id;
      SetRecordId(change, ++rows.last_id, "tierChanges");
      change.resource.set_from_tier(update.from);
      change.resource.set_to_tier(update.to);
      change.resource.set_rating_run(rating_run);
      change.resource.set_policy_version(policy_version);
      change.resource.set_reason(*update.reason);
      *change.resource.mutable_change_time() = common::ToProtoTimestamp(now);
      rows.tier_changes[change.id] = change;
    }
    return absl::OkStatus();
  }

  // --- exports -----------------------------------------------------------------

  // Snapshots of the account fields and the live contacts per level; the
  // window counts stay 0.
  absl::StatusOr<std::vector<v1::AccountSnapshot>> ExportPage(int64_t after_id, int limit,
                                                              bool include_deleted, absl::Time,
                                                              absl::Time) override {
    if (down) return Down();
    std::vector<v1::AccountSnapshot> page;
    for (auto it = rows.accounts.upper_bound(after_id);
         it != rows.accounts.end() && static_cast<int>(page.size()) < limit; ++it) {
      const v1::Account& a = it->second.account;
      if (a.has_delete_time() && !include_deleted) continue;
      v1::AccountSnapshot& snapshot = page.emplace_back();
      snapshot.set_name(a.name());
      snapshot.set_display_name(a.display_name());
      if (it->second.parent_id != 0) snapshot.set_parent(AccountName(it->second.parent_id));
      snapshot.set_tier(a.tier());
      snapshot.set_state(a.state());
      snapshot.set_contact_count(a.contact_count());
      contacts::ContactCountDelta levels;
      for (const auto& [id, contact] : rows.contacts) {
        if (contact.account_id == it->first && !contact.resource.has_delete_time()) {
          levels.Add(contact.resource, +1);
        }
      }
      snapshot.set_executive_contact_count(levels.by_level[v1::CONTACT_LEVEL_EXECUTIVE]);
      snapshot.set_management_contact_count(levels.by_level[v1::CONTACT_LEVEL_MANAGEMENT]);
      snapshot.set_front_line_contact_count(levels.by_level[v1::CONTACT_LEVEL_FRONT_LINE]);
    }
    return page;
  }

 private:
  static bool IsActive(const StoredMembership& row, v1::TeamRole role) {
    return row.resource.role() == role && !row.resource.has_end_time();
  }

  // ALREADY_EXISTS when another live account has the row's external id.
  absl::Status CheckExternalId(const StoredAccount& row) const {
    const std::string& external_id = row.account.external_id();
    if (external_id.empty() || row.account.has_delete_time()) return absl::OkStatus();
    for (const auto& [id, other] : rows.accounts) {
      if (id != row.id && other.account.external_id() == external_id &&
          !other.account.has_delete_time()) {
        return accounts::ExternalIdTaken(row.account);
      }
    }
    return absl::OkStatus();
  }
};

FakeAccountDatabase::FakeAccountDatabase() : impl_(std::make_unique<Impl>()) {}
FakeAccountDatabase::~FakeAccountDatabase() = default;

accounts::AccountStore& FakeAccountDatabase::accounts() { return *impl_; }
contacts::ContactStore& FakeAccountDatabase::contacts() { return *impl_; }
team::TeamStore& FakeAccountDatabase::team() { return *impl_; }
lifecycle::LifecycleStore& FakeAccountDatabase::lifecycle() { return *impl_; }
tiers::TierStore& FakeAccountDatabase::tiers() { return *impl_; }
exports::ExportStore& FakeAccountDatabase::exports() { return *impl_; }
void FakeAccountDatabase::SetDown(bool down) { impl_->down = down; }
FakeRows& FakeAccountDatabase::rows() { return impl_->rows; }

std::string FakeAccountDatabase::Dump() {
  const FakeRows& rows = impl_->rows;
  std::string text;
  auto add = [&](const auto& table, auto message_of) {
    for (const auto& [id, row] : table) {
      absl::StrAppend(&text, id, " ", message_of(row).ShortDebugString(), "\n");
    }
  };
  add(
      rows.accounts, [](const StoredAccount& row) -> const auto& { return row.account; });
  const auto resource = [](const auto& row) -> const auto& { return row.resource; };
  add(rows.contacts, resource);
  add(rows.memberships, resource);
  add(rows.stage_changes, resource);
  add(rows.churn_events, resource);
  add(rows.tier_changes, resource);
  absl::StrAppend(&text, "stage settings ", rows.stage_settings.band_version, " version ",
                  rows.stage_settings.version, "\n");
  for (const Requests* requests :
       {&rows.account_requests, &rows.contact_requests, &rows.membership_requests}) {
    for (const auto& [request_id, row] : *requests) {
      absl::StrAppend(&text, request_id, " -> ", row.first, "\n");
    }
  }
  return text;
}

absl::Status FakeAccountDatabase::Transact(absl::string_view,
                                           absl::FunctionRef<absl::Status(Transaction& tx)> fn) {
  if (impl_->down) return Impl::Down();
  FakeRows before = impl_->rows;
  absl::Status status = fn(*impl_);
  if (!status.ok()) impl_->rows = std::move(before);
  return status;
}

absl::StatusOr<absl::flat_hash_set<int64_t>> FakeAccountDatabase::AccountsOnTeam(
    const std::string& user, const std::vector<int64_t>& ids) {
  return impl_->AccountsOnTeam(user, ids);
}

accounts::StoredAccount FakeAccountDatabase::PutAccount(const std::string& display_name) {
  const absl::Time now = common::NowMicros();
  StoredAccount row;
  row.id = ++impl_->rows.last_id;
  row.account.set_name(AccountName(row.id));
  row.account.set_display_name(display_name);
  row.account.set_stage(v1::RELATIONSHIP_STAGE_DEVELOPMENT);
  *row.account.mutable_stage_update_time() = common::ToProtoTimestamp(now);
  row.account.set_state(v1::LIFECYCLE_STATE_ACTIVE);
  common::StampCreate(&row.version, &row.account, now);
  impl_->rows.accounts[row.id] = row;
  return row;
}

}  // namespace kam::account
