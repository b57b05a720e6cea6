#include "services/account/contacts/contact_service.h"

#include <cstddef>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/idempotency.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/account/accounts/account_store.h"
#include "services/account/contacts/contact_fields.h"
#include "services/account/contacts/org_chart.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/batch_create.h"
#include "services/account/shared/narrowing.h"
#include "services/account/shared/requests.h"

namespace kam::account::contacts {
namespace {

using common::InsertOutcome;

// Locks the contact and checks `etag` against it (ABORTED when stale).
absl::StatusOr<StoredContact> LockForWrite(ContactTx& tx, const ChildIds& ids,
                                           absl::string_view etag) {
  KAM_ASSIGN_OR_RETURN(StoredContact row, tx.LockContact(ids.first, ids.second));
  KAM_RETURN_IF_ERROR(common::CheckEtag(row.resource.name(), row.version, etag));
  return row;
}

// What a contact of a missing account answers: as the contact store (get,
// update), or naming the contact as the request did (delete, undelete).
absl::Status ContactNotFound(const ChildIds& ids) {
  return NotFoundUnder("contact", ids.first, "contacts", ids.second);
}
absl::Status NamedContactNotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat("contact ", name, " not found"));
}

// What CreateContact (and each item of BatchCreateContacts) checks of a
// request to account `account_id` after its parent: the contact (its
// reports_to as far as the name goes) and the request id.
absl::StatusOr<common::RequestKey> CheckNewContact(int64_t account_id,
                                                   const v1::CreateContactRequest& request) {
  KAM_RETURN_IF_ERROR(common::CheckPresent("contact", request.has_contact()));
  KAM_ASSIGN_OR_RETURN(common::RequestKey key, common::RequestKeyOf(request, "CreateContact"));
  KAM_RETURN_IF_ERROR(ValidateContactFields(request.contact()));
  KAM_RETURN_IF_ERROR(ParseReportsTo(account_id, request.contact().reports_to()).status());
  return key;
}

// The id of the contact `row` reports to (0 for none); its reports_to was
// parsed before, so this cannot fail.
int64_t ManagerOf(const StoredContact& row) {
  return ParseReportsTo(row.account_id, row.resource.reports_to()).value_or(0);
}

// The reporting line of `row` to `manager_id` (not 0), checked against the
// stored chain above the manager (org_chart.h).
absl::Status CheckReportingLine(ContactTx& tx, const StoredContact& row, int64_t manager_id) {
  KAM_ASSIGN_OR_RETURN(std::vector<ChainLink> chain,
                       tx.ReportingChain(row.account_id, manager_id, kMaxReportingDepth + 1));
  return CheckReportsTo(row.account_id, row.id, manager_id, chain);
}

// What a live `row` adds to its account's counts (`sign` +1), or takes off
// them (-1).
ContactCountDelta CountsOf(const StoredContact& row, int sign) {
  ContactCountDelta delta;
  delta.Add(row.resource, sign);
  return delta;
}

// A new contact `id` of account `account_id` as CreateContact stores it
// (reports_to in its canonical spelling).
StoredContact NewContact(int64_t account_id, int64_t id, const v1::Contact& in, absl::Time now) {
  StoredContact row;
  row.account_id = account_id;
  row.resource = in;
  row.resource.clear_delete_time();
  SetRecordId(row, id, "contacts");
  if (const int64_t manager = ManagerOf(row); manager != 0) {
    row.resource.set_reports_to(ChildName(account_id, "contacts", manager));
  }
  common::StampCreate(&row.version, &row.resource, now);
  return row;
}

// The fields of a CreateContactRequest its errors may start with (ItemError).
constexpr std::initializer_list<absl::string_view> kContactItemFields = {"parent", "contact",
                                                                         "request_id"};

// An item of BatchCreateContacts, checked.
struct NewContactRequest {
  int64_t account_id = 0;
  common::RequestKey key;
};

// Item `index` of `batch` as CreateContact would check it, under the
// parent ItemParent gives it (the request id's hash is then that of the
// same CreateContact).
absl::StatusOr<NewContactRequest> CheckContactItem(const v1::BatchCreateContactsRequest& batch,
                                                   size_t index) {
  v1::CreateContactRequest item = batch.requests(index);
  KAM_ASSIGN_OR_RETURN(std::string parent, ItemParent(batch.parent(), index, item.parent()));
  item.set_parent(std::move(parent));
  NewContactRequest checked;
  absl::StatusOr<int64_t> account_id = ParseAccountName("parent", item.parent());
  if (!account_id.ok()) return ItemError(index, account_id.status(), kContactItemFields);
  checked.account_id = *account_id;
  absl::StatusOr<common::RequestKey> key = CheckNewContact(checked.account_id, item);
  if (!key.ok()) return ItemError(index, key.status(), kContactItemFields);
  checked.key = *std::move(key);
  return checked;
}

}  // namespace

absl::Status ContactService::CreateContact(const Ctx& ctx, const v1::CreateContactRequest& request,
                                           v1::Contact* response) {
  KAM_ASSIGN_OR_RETURN(const int64_t account_id,
                       AccountOnTeam(*transactions_, ctx, "parent", request.parent()));
  KAM_ASSIGN_OR_RETURN(common::RequestKey key, CheckNewContact(account_id, request));
  KAM_ASSIGN_OR_RETURN(int64_t id, store_->NewContactId());
  StoredContact row = NewContact(account_id, id, request.contact(), common::NowMicros());

  InsertOutcome outcome = InsertOutcome::kInserted;
  absl::Status status = transactions_->Transact("creating contact", [&](Transaction& tx) {
    KAM_ASSIGN_OR_RETURN(accounts::StoredAccount account,
                         tx.accounts().LockAccount(row.account_id));
    if (account.account.has_delete_time()) {
      // A retry of a create that succeeded before the account was deleted
      // still gets its first result.
      if (!key.id.empty()) {
        auto first = tx.contacts().FindContactByRequest(key.id);
        if (first.ok() && first->has_value()) {
          outcome = InsertOutcome::kDuplicateRequest;
          return absl::OkStatus();
        }
      }
      return DeletedAccount(account.account);
    }
    KAM_ASSIGN_OR_RETURN(InsertOutcome inserted, tx.contacts().InsertContact(row, key));
    outcome = inserted;
    if (outcome != InsertOutcome::kInserted) return absl::OkStatus();
    // After the insert, so a retry answers its first result even when the
    // manager has gone since; a refusal rolls the insert back.
    if (const int64_t manager = ManagerOf(row); manager != 0) {
      KAM_RETURN_IF_ERROR(CheckReportingLine(tx.contacts(), row, manager));
    }
    return tx.contacts().AddToContactCount(row.account_id, CountsOf(row, +1));
  });
  if (!status.ok()) return status;
  if (outcome == InsertOutcome::kDuplicateRequest) {
    KAM_ASSIGN_OR_RETURN(row, common::AnswerRetry(key, store_->FindContactByRequest(key.id)));
  }
  *response = std::move(row.resource);
  return absl::OkStatus();
}

absl::Status ContactService::BatchCreateContacts(const Ctx& ctx,
                                                 const v1::BatchCreateContactsRequest& request,
                                                 v1::BatchCreateContactsResponse* response) {
  KAM_RETURN_IF_ERROR(CheckBatchCreateSize(request.requests_size()));
  if (!EachItemNamesItsParent(request.parent())) {
    KAM_RETURN_IF_ERROR(ParseAccountName("parent", request.parent()).status());
  }
  std::vector<int64_t> account_ids;
  std::vector<common::RequestKey> keys;
  for (int i = 0; i < request.requests_size(); ++i) {
    KAM_ASSIGN_OR_RETURN(NewContactRequest checked, CheckContactItem(request, i));
    account_ids.push_back(checked.account_id);
    keys.push_back(std::move(checked.key));
  }
  // An account manager's batch with an account not theirs answers as one
  // whose account does not exist.
  KAM_ASSIGN_OR_RETURN(std::optional<size_t> hidden,
                       FirstNotOnTeam(*transactions_, ctx, account_ids));
  if (hidden.has_value()) {
    return ItemError(*hidden, AccountNotFound(account_ids[*hidden]), kContactItemFields);
  }
  KAM_ASSIGN_OR_RETURN(
      std::vector<StoredContact> rows,
      CreateBatch<StoredContact>(
          keys, kContactItemFields,
          [&](const std::vector<std::string>& ids) { return store_->FindContactsByRequest(ids); },
          [&](size_t count) { return store_->NewContactIds(count); },
          [&](size_t i, int64_t id, absl::Time now) {
            return NewContact(account_ids[i], id, request.requests(i).contact(), now);
          },
          [&](const std::vector<size_t>& items, const std::vector<StoredContact>& fresh,
              const std::vector<common::RequestKey>& fresh_keys, absl::Time) {
            return transactions_->Transact("creating contacts", [&](Transaction& tx) {
              return CreateFresh(tx, items, fresh, fresh_keys);
            });
          }));
  for (StoredContact& row : rows) *response->add_contacts() = std::move(row.resource);
  return absl::OkStatus();
}

absl::Status ContactService::CreateFresh(Transaction& tx, const std::vector<size_t>& items,
                                         const std::vector<StoredContact>& rows,
                                         const std::vector<common::RequestKey>& keys) {
  // The account rows first, as CreateContact locks its one: they serialise
  // the changes of their contact counts.
  std::map<int64_t, ContactCountDelta> added;
  for (const StoredContact& row : rows) added[row.account_id].Add(row.resource, +1);
  std::vector<int64_t> account_ids;
  for (const auto& [account_id, count] : added) account_ids.push_back(account_id);
  KAM_ASSIGN_OR_RETURN(auto locked, tx.accounts().LockAccounts(account_ids));
  for (size_t j = 0; j < rows.size(); ++j) {
    auto it = locked.find(rows[j].account_id);
    if (it == locked.end()) {
      return ItemError(items[j], AccountNotFound(rows[j].account_id), kContactItemFields);
    }
    if (it->second.account.has_delete_time()) {
      return ItemError(items[j], DeletedAccount(it->second.account), kContactItemFields);
    }
  }
  size_t failed = rows.size();
  const absl::Status inserted = tx.contacts().InsertContacts(rows, keys, &failed);
  if (!inserted.ok()) {
    return failed < rows.size() ? ItemError(items[failed], inserted, kContactItemFields) : inserted;
  }
  // A new contact can report to a stored one only (its batch-mates' names
  // are not known yet), so no new contact is above another: no cycle.
  for (size_t j = 0; j < rows.size(); ++j) {
    const int64_t manager = ManagerOf(rows[j]);
    if (manager == 0) continue;
    const absl::Status line = CheckReportingLine(tx.contacts(), rows[j], manager);
    if (!line.ok()) return ItemError(items[j], line, kContactItemFields);
  }
  return tx.contacts().AddToContactCounts(added);
}

absl::Status ContactService::GetContact(const Ctx& ctx, const v1::GetContactRequest& request,
                                        v1::Contact* response) {
  KAM_ASSIGN_OR_RETURN(const ChildIds ids, ParseChildName("name", request.name(), "contacts"));
  KAM_RETURN_IF_ERROR(
      CheckOnTeam(*transactions_, ctx, ids.first, [&] { return ContactNotFound(ids); }));
  KAM_ASSIGN_OR_RETURN(StoredContact row, store_->GetContact(ids.first, ids.second));
  *response = std::move(row.resource);
  MaskContactDetails(ctx, response);
  return absl::OkStatus();
}

absl::Status ContactService::ListContacts(const Ctx& ctx, const v1::ListContactsRequest& request,
                                          v1::ListContactsResponse* response) {
  return ListUnderAccount(
      ctx, *transactions_, request,
      {"ListContacts", request.parent(), request.show_deleted() ? "1" : "0"},
      [&](int64_t account_id, const common::ListRequest& list) {
        return store_->ListContacts(account_id, request.show_deleted(), list.cursor, list.limit);
      },
      response->mutable_next_page_token(),
      [&](StoredContact& row) {
        v1::Contact* contact = response->add_contacts();
        *contact = std::move(row.resource);
        MaskContactDetails(ctx, contact);
      });
}

absl::Status ContactService::UpdateContact(const Ctx& ctx, const v1::UpdateContactRequest& request,
                                           v1::Contact* response) {
  KAM_RETURN_IF_ERROR(common::CheckPresent("contact", request.has_contact()));
  const v1::Contact& patch = request.contact();
  KAM_ASSIGN_OR_RETURN(const ChildIds ids,
                       ParseChildName("contact.name", patch.name(), "contacts"));
  KAM_RETURN_IF_ERROR(
      CheckOnTeam(*transactions_, ctx, ids.first, [&] { return ContactNotFound(ids); }));
  KAM_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       common::ResolveUpdateMask(request.update_mask(), patch, ContactMaskRules()));
  // A change of the org chart locks the account row first (as creates and
  // deletes do): it serialises the account's level counts and its reporting
  // lines, so two concurrent updates cannot close a cycle between them.
  const bool org_chart =
      absl::c_linear_search(paths, "org_level") || absl::c_linear_search(paths, "reports_to");
  const absl::Time now = common::NowMicros();
  return transactions_->Transact("updating contact", [&](Transaction& tx) -> absl::Status {
    if (org_chart) {
      const absl::Status account = tx.accounts().LockAccount(ids.first).status();
      if (absl::IsNotFound(account)) return ContactNotFound(ids);
      KAM_RETURN_IF_ERROR(account);
    }
    KAM_ASSIGN_OR_RETURN(StoredContact row, LockForWrite(tx.contacts(), ids, patch.etag()));
    if (row.resource.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("contact ", row.resource.name(), " is deleted; undelete it first"));
    }
    const v1::ContactLevel old_level = row.resource.org_level();
    const int64_t old_manager = ManagerOf(row);
    common::ApplyUpdateMask(paths, patch, &row.resource);
    KAM_RETURN_IF_ERROR(ValidateContactFields(row.resource));
    KAM_ASSIGN_OR_RETURN(const int64_t manager,
                         ParseReportsTo(row.account_id, row.resource.reports_to()));
    row.resource.set_reports_to(manager == 0 ? "" : ChildName(row.account_id, "contacts", manager));
    if (manager != 0 && manager != old_manager) {
      KAM_RETURN_IF_ERROR(CheckReportingLine(tx.contacts(), row, manager));
    }
    common::StampWrite(&row.version, &row.resource, now);
    KAM_RETURN_IF_ERROR(tx.contacts().WriteContact(row));
    ContactCountDelta moved;
    moved.MoveLevel(old_level, row.resource.org_level());
    if (!moved.empty()) KAM_RETURN_IF_ERROR(tx.contacts().AddToContactCount(ids.first, moved));
    *response = std::move(row.resource);
    return absl::OkStatus();
  });
}

absl::Status ContactService::SetDeleted(const Ctx& ctx, absl::string_view name,
                                        absl::string_view etag, bool deleted,
                                        v1::Contact* response) {
  KAM_ASSIGN_OR_RETURN(const ChildIds ids, ParseChildName("name", name, "contacts"));
  KAM_RETURN_IF_ERROR(
      CheckOnTeam(*transactions_, ctx, ids.first, [&] { return NamedContactNotFound(name); }));
  const absl::Time now = common::NowMicros();
  return transactions_->Transact(
      deleted ? "deleting contact" : "undeleting contact", [&](Transaction& tx) -> absl::Status {
        // The account row first: it serialises the changes of its contact count.
        absl::StatusOr<accounts::StoredAccount> account = tx.accounts().LockAccount(ids.first);
        if (!account.ok()) {
          if (account.status().code() != absl::StatusCode::kNotFound) return account.status();
          return NamedContactNotFound(name);
        }
        KAM_ASSIGN_OR_RETURN(StoredContact row, LockForWrite(tx.contacts(), ids, etag));
        if (row.resource.has_delete_time() == deleted) {
          return absl::FailedPreconditionError(
              absl::StrCat("contact ", row.resource.name(),
                           deleted ? " is already deleted" : " is not deleted"));
        }
        if (deleted) {
          *row.resource.mutable_delete_time() = common::ToProtoTimestamp(now);
        } else {
          if (account->account.has_delete_time()) return DeletedAccount(account->account);
          row.resource.clear_delete_time();
        }
        common::StampWrite(&row.version, &row.resource, now);
        KAM_RETURN_IF_ERROR(tx.contacts().WriteContact(row));
        KAM_RETURN_IF_ERROR(
            tx.contacts().AddToContactCount(ids.first, CountsOf(row, deleted ? -1 : 1)));
        *response = std::move(row.resource);
        return absl::OkStatus();
      });
}

}  // namespace kam::account::contacts
