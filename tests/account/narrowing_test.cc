// The account service as a process with tokens on (docs/security.md,
// "Narrowing and masking"): an account manager reads, lists and writes only
// the accounts whose team they are on, any other answers as a missing one;
// an analyst reads contacts with phone and e-mail masked; admin sees all.
// The batch creates go to the callers of the single creates, narrowed alike.
// Tokens are minted in-process with a key generated for this run.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/auth_testing.h"
#include "common/auth/token_signer.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

constexpr char kIssuer[] = "kam-narrowing-test";
constexpr char kMissing[] = "accounts/9000000000000000006";

// The signing key of this run: its public half is the service's
// --auth_key_files (kid "signing", the file's name).
struct Keys {
  auth::testing::TempDir dir;
  auth::KeyPtr key = auth::testing::NewEcKey();
  std::string public_pem = dir.Write("signing.pem", auth::PublicKeyPem(key.get()));
  absl::StatusOr<auth::TokenSigner> signer = auth::TokenSigner::FromPemFile(
      dir.Write("signing.key", auth::testing::PrivateKeyPem(key)), "signing");
};

Keys& TheKeys() {
  static Keys* const keys = new Keys();
  return *keys;
}

// A bearer token of `subject` with `roles`, valid for an hour.
std::string Token(const std::string& subject, const std::vector<std::string>& roles) {
  auth::TokenClaims claims;
  claims.issuer = kIssuer;
  claims.audiences = {"kam-account"};
  claims.subject = subject;
  claims.roles = roles;
  claims.issued_at = absl::Now();
  claims.expires = absl::Now() + absl::Hours(1);
  EXPECT_TRUE(TheKeys().signer.ok()) << TheKeys().signer.status();
  absl::StatusOr<std::string> token = TheKeys().signer->Sign(claims);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

// One call of the account service with `token`.
template <typename Request, typename Response>
Reply<Response> CallWith(const std::string& token,
                         grpc::Status (AccountApi::*method)(grpc::ClientContext*, const Request&,
                                                            Response*),
                         const Request& request) {
  static const std::unique_ptr<AccountApi> stub = v1::AccountService::NewStub(
      grpc::CreateChannel(Suite().address("account"), grpc::InsecureChannelCredentials()));
  std::unique_ptr<grpc::ClientContext> context = Context();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  Reply<Response> reply;
  reply.status = ((*stub).*method)(context.get(), request, &reply.value);
  return reply;
}

class NarrowingTest : public ::testing::Test {
 protected:
  // An account whose account manager is `owner`, with a contact.
  v1::Account AccountOf(const std::string& owner) {
    v1::CreateAccountRequest create;
    create.mutable_account()->set_display_name(Unique("Narrow"));
    create.mutable_account()->set_owner(owner);
    return OkValue(CallWith(admin_, &AccountApi::CreateAccount, create));
  }

  const std::string alice_ = Unique("alice");
  const std::string admin_ = Token("root", {"admin"});
  const std::string manager_ = Token(alice_, {"account_manager"});
  const std::string analyst_ = Token("ann", {"analyst"});
};

TEST_F(NarrowingTest, AManagerReadsAndWritesOnlyTheirAccounts) {
  const v1::Account mine = AccountOf(alice_);
  const v1::Account theirs = AccountOf(Unique("bob"));
  EXPECT_TRUE(
      CallWith(manager_, &AccountApi::GetAccount, ByName<v1::GetAccountRequest>(mine.name()))
          .status.ok());

  const Reply<v1::Account> missing =
      CallWith(admin_, &AccountApi::GetAccount, ByName<v1::GetAccountRequest>(kMissing));
  ASSERT_EQ(missing.status.error_code(), grpc::StatusCode::NOT_FOUND);
  const Reply<v1::Account> hidden =
      CallWith(manager_, &AccountApi::GetAccount, ByName<v1::GetAccountRequest>(theirs.name()));
  EXPECT_EQ(hidden.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(hidden.status.error_message(), absl::StrCat("account ", theirs.name(), " not found"));
  EXPECT_EQ(missing.status.error_message(), absl::StrCat("account ", kMissing, " not found"));

  v1::UpdateAccountRequest rename;
  rename.mutable_account()->set_name(theirs.name());
  rename.mutable_account()->set_display_name("Taken over");
  rename.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(CallWith(manager_, &AccountApi::UpdateAccount, rename).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  const v1::Account after = OkValue(
      CallWith(admin_, &AccountApi::GetAccount, ByName<v1::GetAccountRequest>(theirs.name())));
  EXPECT_EQ(after.display_name(), theirs.display_name());
  EXPECT_EQ(after.etag(), theirs.etag());
}

TEST_F(NarrowingTest, AManagerListsOnlyTheirAccounts) {
  std::vector<std::string> mine;
  for (int i = 0; i < 3; ++i) {
    mine.push_back(AccountOf(alice_).name());
    AccountOf(Unique("bob"));
  }
  std::vector<std::string> listed;
  v1::ListAccountsRequest request;
  request.set_page_size(1);
  do {
    const v1::ListAccountsResponse page =
        OkValue(CallWith(manager_, &AccountApi::ListAccounts, request));
    for (const v1::Account& account : page.accounts()) listed.push_back(account.name());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(listed, mine);
}

TEST_F(NarrowingTest, AnAnalystReadsContactsMasked) {
  const v1::Account account = AccountOf(alice_);
  v1::CreateContactRequest create;
  create.set_parent(account.name());
  create.mutable_contact()->set_display_name("Zhang Wei");
  create.mutable_contact()->set_phone("+8613800138000");
  create.mutable_contact()->set_email("zhang.wei@example.com");
  const v1::Contact contact = OkValue(CallWith(admin_, &AccountApi::CreateContact, create));

  const v1::Contact masked = OkValue(
      CallWith(analyst_, &AccountApi::GetContact, ByName<v1::GetContactRequest>(contact.name())));
  EXPECT_EQ(masked.phone(), "***");
  EXPECT_EQ(masked.email(), "***");
  v1::ListContactsRequest list;
  list.set_parent(account.name());
  const v1::ListContactsResponse listed =
      OkValue(CallWith(analyst_, &AccountApi::ListContacts, list));
  ASSERT_EQ(listed.contacts_size(), 1);
  EXPECT_EQ(listed.contacts(0).phone(), "***");
  const v1::Contact plain = OkValue(
      CallWith(admin_, &AccountApi::GetContact, ByName<v1::GetContactRequest>(contact.name())));
  EXPECT_EQ(plain.phone(), "+8613800138000");
}

// The batch creates are refused to whoever may not make the single create,
// before anything is read or written.
TEST_F(NarrowingTest, BatchCreatesAreRefusedToWhoMayNotCreate) {
  v1::BatchCreateAccountsRequest accounts;
  accounts.add_requests()->mutable_account()->set_display_name(Unique("Batch"));
  v1::CreateAccountRequest single = accounts.requests(0);
  for (const std::string& token : {manager_, analyst_}) {
    EXPECT_EQ(CallWith(token, &AccountApi::CreateAccount, single).status.error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(CallWith(token, &AccountApi::BatchCreateAccounts, accounts).status.error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(OkValue(CallWith(admin_, &AccountApi::BatchCreateAccounts, accounts)).accounts_size(),
            1);

  v1::BatchCreateContactsRequest contacts;
  contacts.set_parent(AccountOf(alice_).name());
  contacts.add_requests()->mutable_contact()->set_display_name("Zhang Wei");
  EXPECT_EQ(CallWith(analyst_, &AccountApi::BatchCreateContacts, contacts).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A manager creates contacts in a batch on their accounts only: a batch with
// an account not theirs is refused whole, as if that account did not exist.
TEST_F(NarrowingTest, AManagersBatchOfContactsWithAnAccountNotTheirsIsRefusedWhole) {
  const v1::Account mine = AccountOf(alice_);
  const v1::Account theirs = AccountOf(Unique("bob"));
  auto batch = [&](const std::string& second_parent) {
    v1::BatchCreateContactsRequest request;
    for (const std::string& parent : {mine.name(), second_parent}) {
      v1::CreateContactRequest* item = request.add_requests();
      item->set_parent(parent);
      item->mutable_contact()->set_display_name("Zhang Wei");
    }
    return request;
  };
  const Reply<v1::BatchCreateContactsResponse> hidden =
      CallWith(manager_, &AccountApi::BatchCreateContacts, batch(theirs.name()));
  EXPECT_EQ(hidden.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(hidden.status.error_message(),
            absl::StrCat("requests[1]: account ", theirs.name(), " not found"));
  const Reply<v1::BatchCreateContactsResponse> missing =
      CallWith(admin_, &AccountApi::BatchCreateContacts, batch(kMissing));
  EXPECT_EQ(missing.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.status.error_message(),
            absl::StrCat("requests[1]: account ", kMissing, " not found"));
  v1::ListContactsRequest list;
  list.set_parent(mine.name());
  EXPECT_EQ(OkValue(CallWith(admin_, &AccountApi::ListContacts, list)).contacts_size(), 0);

  EXPECT_EQ(OkValue(CallWith(manager_, &AccountApi::BatchCreateContacts, batch(mine.name())))
                .contacts_size(),
            2);
  EXPECT_EQ(OkValue(CallWith(admin_, &AccountApi::ListContacts, list)).contacts_size(), 2);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  kam::testing::LocalSuite::Options options;
  options.args["account"] = {"--auth_key_files=" + kam::testing::TheKeys().public_pem,
                             absl::StrCat("--auth_issuer=", kam::testing::kIssuer),
                             "--audit_log=off"};
  return kam::testing::RunTestsOnSuite(argc, argv, std::move(options));
}
