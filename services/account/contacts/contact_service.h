// The contact handlers of kam.account.v1.AccountService: the standard
// methods on accounts/{account}/contacts/{contact}. Thin: validate
// (contact_fields), lock the account and the contact, write, keep the
// account's contact_count.
#pragma once

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/api/idempotency.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/contacts/contact_store.h"
#include "services/account/shared/handlers.h"

namespace kam::account::contacts {

class ContactService final : public Handlers<ContactStore> {
 public:
  using Handlers::Handlers;

  absl::Status CreateContact(const Ctx& ctx, const v1::CreateContactRequest& request,
                             v1::Contact* response);
  // All or nothing (AIP-233), as BatchCreateAccounts; the parents' account
  // rows are locked once each, and their contact counts move in one
  // statement.
  absl::Status BatchCreateContacts(const Ctx& ctx, const v1::BatchCreateContactsRequest& request,
                                   v1::BatchCreateContactsResponse* response);
  absl::Status GetContact(const Ctx& ctx, const v1::GetContactRequest& request,
                          v1::Contact* response);
  absl::Status ListContacts(const Ctx& ctx, const v1::ListContactsRequest& request,
                            v1::ListContactsResponse* response);
  absl::Status UpdateContact(const Ctx& ctx, const v1::UpdateContactRequest& request,
                             v1::Contact* response);
  absl::Status DeleteContact(const Ctx& ctx, const v1::DeleteContactRequest& request,
                             v1::Contact* response) {
    return SetDeleted(ctx, request.name(), request.etag(), /*deleted=*/true, response);
  }
  absl::Status UndeleteContact(const Ctx& ctx, const v1::UndeleteContactRequest& request,
                               v1::Contact* response) {
    return SetDeleted(ctx, request.name(), request.etag(), /*deleted=*/false, response);
  }

 private:
  // BatchCreateContacts' transaction: locks the accounts of `rows` (each
  // must be live), inserts the rows with their `keys` and counts them.
  // `items[j]`: the index in the request of `rows[j]`, for errors.
  absl::Status CreateFresh(Transaction& tx, const std::vector<size_t>& items,
                           const std::vector<StoredContact>& rows,
                           const std::vector<common::RequestKey>& keys);
  // DeleteContact (`deleted`) and UndeleteContact of contact `name`.
  absl::Status SetDeleted(const Ctx& ctx, absl::string_view name, absl::string_view etag,
                          bool deleted, v1::Contact* response);
};

}  // namespace kam::account::contacts
