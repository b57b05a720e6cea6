// Request validation through the public API: every documented field rule is
// INVALID_ARGUMENT naming the field, malformed resource names are refused by
// every method, hostile text is stored byte for byte, huge values are refused
// cleanly, and no error ever carries SQL.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

// --- helpers ----------------------------------------------------------------

std::string Repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

// A string unique to this run, exactly `n` characters long.
std::string UniqueOfLength(size_t n) {
  std::string id = Unique("u");
  id.append(n - id.size(), 'u');
  return id;
}

Reply<v1::Account> CreateAccount(const v1::Account& account, const std::string& request_id = "") {
  v1::CreateAccountRequest request;
  *request.mutable_account() = account;
  request.set_request_id(request_id);
  return Call(&AccountApi::CreateAccount, request);
}

Reply<v1::Account> GetAccount(const std::string& name) {
  return Call(&AccountApi::GetAccount, ByName<v1::GetAccountRequest>(name));
}

v1::Account ValidAccount() {
  v1::Account a;
  a.set_display_name("Valid Customer Ltd");
  a.set_external_id(Unique("CRM"));
  a.set_industry("Telecom");
  a.set_region("South China");
  a.set_category(v1::ACCOUNT_CATEGORY_REGIONAL);
  a.set_owner("u-valid");
  (*a.mutable_labels())["team"] = "south-2";
  a.mutable_credit()->mutable_credit_limit()->set_minor_units(5000000);
  a.mutable_credit()->mutable_credit_limit()->set_currency_code("CNY");
  a.mutable_credit()->set_payment_terms_days(60);
  a.mutable_credit()->set_risk_level(v1::CREDIT_RISK_LEVEL_LOW);
  return a;
}

// An existing account whose name the malformed-name and hostile tests use.
const v1::Account& Existing() {
  static const v1::Account* account = [] {
    Reply<v1::Account> reply = CreateAccount(ValidAccount());
    EXPECT_OK(reply.status);
    return new v1::Account(reply.value);
  }();
  return *account;
}

// The service still answers a plain create and read.
void ExpectServiceAnswers() {
  v1::Account a;
  a.set_display_name("Still here");
  Reply<v1::Account> created = CreateAccount(a);
  ASSERT_OK(created.status);
  Reply<v1::Account> read = GetAccount(created.value.name());
  ASSERT_OK(read.status);
  EXPECT_TRUE(Same(read.value, created.value));
}

// --- account field rules --------------------------------------------------------

struct FieldCase {
  std::string label;
  std::function<void(v1::Account*)> mutate;
  std::string field;  // empty: valid
  bool create_only = false;
};

std::vector<FieldCase> AccountCases() {
  using A = v1::Account;
  auto label = [](const std::string& key, const std::string& value) {
    return [key, value](A* a) { (*a->mutable_labels())[key] = value; };
  };
  auto label_count = [](int count) {
    return [count](A* a) {
      a->clear_labels();
      for (int i = 0; i < count; ++i) (*a->mutable_labels())[absl::StrCat("k", i)] = "v";
    };
  };
  auto currency = [](const std::string& code) {
    return [code](A* a) { a->mutable_credit()->mutable_credit_limit()->set_currency_code(code); };
  };
  auto payment_terms = [](int days) {
    return [days](A* a) { a->mutable_credit()->set_payment_terms_days(days); };
  };
  auto stage_and_share = [](v1::RelationshipStage stage, int percent) {
    return [stage, percent](A* a) {
      a->set_stage(stage);
      a->set_share_of_wallet_percent(percent);
    };
  };
  return {
      // display_name: required, 1..200 characters, no control characters.
      {"display_name empty", [](A* a) { a->set_display_name(""); }, "account.display_name"},
      {"display_name blank", [](A* a) { a->set_display_name("   "); }, "account.display_name"},
      {"display_name ideographic spaces", [](A* a) { a->set_display_name("\u3000\u3000"); },
       "account.display_name"},
      {"display_name 201", [](A* a) { a->set_display_name(std::string(201, 'x')); },
       "account.display_name"},
      {"display_name 201 CJK", [](A* a) { a->set_display_name(Repeat("中", 201)); },
       "account.display_name"},
      {"display_name NUL", [](A* a) { a->set_display_name(std::string("a\0b", 3)); },
       "account.display_name"},
      {"display_name SOH",
       [](A* a) {
         a->set_display_name(
             "a\x01"
             "b");
       },
       "account.display_name"},
      {"display_name newline", [](A* a) { a->set_display_name("a\nb"); }, "account.display_name"},
      {"display_name tab", [](A* a) { a->set_display_name("a\tb"); }, "account.display_name"},
      {"display_name DEL", [](A* a) { a->set_display_name("a\x7f"); }, "account.display_name"},
      {"display_name C1 NEL", [](A* a) { a->set_display_name("a\u0085b"); },
       "account.display_name"},
      {"display_name ESC", [](A* a) { a->set_display_name("\x1b[31mred"); },
       "account.display_name"},
      {"display_name 200", [](A* a) { a->set_display_name(std::string(200, 'x')); }, ""},
      {"display_name 200 CJK", [](A* a) { a->set_display_name(Repeat("中", 200)); }, ""},
      // external_id: at most 128 characters, no white space.
      {"external_id 129", [](A* a) { a->set_external_id(std::string(129, 'e')); },
       "account.external_id"},
      {"external_id space", [](A* a) { a->set_external_id("CRM 1"); }, "account.external_id"},
      {"external_id no-break space", [](A* a) { a->set_external_id("CRM\u00a01"); },
       "account.external_id"},
      {"external_id control", [](A* a) { a->set_external_id("CRM\x02"); }, "account.external_id"},
      {"external_id 128", [](A* a) { a->set_external_id(UniqueOfLength(128)); }, ""},
      // industry and region: at most 100 characters.
      {"industry 101", [](A* a) { a->set_industry(std::string(101, 'i')); }, "account.industry"},
      {"industry control", [](A* a) { a->set_industry("steel\r"); }, "account.industry"},
      {"industry 100", [](A* a) { a->set_industry(std::string(100, 'i')); }, ""},
      {"region 101", [](A* a) { a->set_region(Repeat("区", 101)); }, "account.region"},
      {"region 100", [](A* a) { a->set_region(Repeat("区", 100)); }, ""},
      // owner: at most 128 characters, no spaces.
      {"owner space", [](A* a) { a->set_owner("u 1"); }, "account.owner"},
      {"owner 129", [](A* a) { a->set_owner(std::string(129, 'o')); }, "account.owner"},
      {"owner 128", [](A* a) { a->set_owner(std::string(128, 'o')); }, ""},
      // category: a known value.
      {"category 4", [](A* a) { a->set_category(static_cast<v1::AccountCategory>(4)); },
       "account.category"},
      {"category -1", [](A* a) { a->set_category(static_cast<v1::AccountCategory>(-1)); },
       "account.category"},
      // labels: at most 64; keys [a-z][a-z0-9_-]{0,62}; values [a-z0-9_-]{0,63}.
      {"label key upper case", label("Team", "x"), "account.labels[\"Team\"]"},
      {"label key digit first", label("1team", "x"), "account.labels[\"1team\"]"},
      {"label key underscore first", label("_team", "x"), "account.labels[\"_team\"]"},
      {"label key empty", label("", "x"), "account.labels[\"\"]"},
      {"label key space", label("a b", "x"), "account.labels[\"a b\"]"},
      {"label key dot", label("a.b", "x"), "account.labels[\"a.b\"]"},
      {"label key 64", label(std::string(64, 'k'), "x"),
       absl::StrCat("account.labels[\"", std::string(64, 'k'), "\"]")},
      {"label key non-ASCII", label("café", "x"), "account.labels[\"caf\\xc3\\xa9\"]"},
      {"label value upper case", label("team", "South"), "account.labels[\"team\"]"},
      {"label value space", label("team", "a b"), "account.labels[\"team\"]"},
      {"label value 64", label("team", std::string(64, 'v')), "account.labels[\"team\"]"},
      {"label value quote", label("team", "x'--"), "account.labels[\"team\"]"},
      {"label key 63 and value 63", label(std::string(63, 'k'), std::string(63, 'v')), ""},
      {"label value empty", label("team", ""), ""},
      {"65 labels", label_count(65), "account.labels"},
      {"64 labels", label_count(64), ""},
      // credit: currency code, non-negative limit, 0..365 days, known risk.
      {"currency lower case", currency("cny"), "account.credit.credit_limit.currency_code"},
      {"currency two letters", currency("CN"), "account.credit.credit_limit.currency_code"},
      {"currency missing with a limit", currency(""), "account.credit.credit_limit.currency_code"},
      {"currency with digits", currency("US1"), "account.credit.credit_limit.currency_code"},
      {"negative limit",
       [](A* a) { a->mutable_credit()->mutable_credit_limit()->set_minor_units(-1); },
       "account.credit.credit_limit.minor_units"},
      {"payment terms 366", payment_terms(366), "account.credit.payment_terms_days"},
      {"payment terms negative", payment_terms(-1), "account.credit.payment_terms_days"},
      {"payment terms 365", payment_terms(365), ""},
      {"risk level 4",
       [](A* a) { a->mutable_credit()->set_risk_level(static_cast<v1::CreditRiskLevel>(4)); },
       "account.credit.risk_level"},
      {"huge limit",
       [](A* a) { a->mutable_credit()->mutable_credit_limit()->set_minor_units(INT64_MAX); }, ""},
      // stage and share on create: never INTERRUPTED, share in the band.
      {"stage INTERRUPTED", [](A* a) { a->set_stage(v1::RELATIONSHIP_STAGE_INTERRUPTED); },
       "account.stage", true},
      {"stage unknown", [](A* a) { a->set_stage(static_cast<v1::RelationshipStage>(9)); },
       "account.stage", true},
      {"share for DEVELOPMENT", [](A* a) { a->set_share_of_wallet_percent(10); },
       "account.share_of_wallet_percent", true},
      {"share below STABLE band", stage_and_share(v1::RELATIONSHIP_STAGE_STABLE, 49),
       "account.share_of_wallet_percent", true},
      {"share 101", stage_and_share(v1::RELATIONSHIP_STAGE_STRATEGIC, 101),
       "account.share_of_wallet_percent", true},
      {"share at STRATEGIC floor", stage_and_share(v1::RELATIONSHIP_STAGE_STRATEGIC, 80), "", true},
      {"parent malformed", [](A* a) { a->set_parent_account("accounts/abc"); },
       "account.parent_account", true},
  };
}

TEST(AccountFields, EveryRuleIsInvalidArgumentNamingTheFieldOnCreate) {
  for (const FieldCase& c : AccountCases()) {
    SCOPED_TRACE(c.label);
    v1::Account account = ValidAccount();
    c.mutate(&account);
    Reply<v1::Account> reply = CreateAccount(account);
    if (c.field.empty()) {
      ASSERT_OK(reply.status);
      Reply<v1::Account> read = GetAccount(reply.value.name());
      ASSERT_OK(read.status);
      EXPECT_TRUE(Same(read.value, reply.value));
      EXPECT_EQ(read.value.display_name(), account.display_name());
      EXPECT_TRUE(Same(read.value.credit(), account.credit()));
      EXPECT_EQ(read.value.labels().size(), account.labels().size());
    } else {
      EXPECT_TRUE(IsInvalidField(reply.status, c.field));
    }
  }
}

TEST(AccountFields, EveryRuleIsInvalidArgumentNamingTheFieldOnUpdate) {
  Reply<v1::Account> created = CreateAccount(ValidAccount());
  ASSERT_OK(created.status);
  for (const FieldCase& c : AccountCases()) {
    if (c.create_only) continue;
    SCOPED_TRACE(c.label);
    const v1::Account before = GetAccount(created.value.name()).value;
    v1::UpdateAccountRequest request;
    v1::Account& patch = *request.mutable_account();
    patch = ValidAccount();
    patch.set_name(before.name());
    patch.set_owner(before.owner());
    c.mutate(&patch);
    request.mutable_update_mask()->add_paths("*");
    Reply<v1::Account> reply = Call(&AccountApi::UpdateAccount, request);
    if (c.field.empty()) {
      ASSERT_OK(reply.status);
      EXPECT_TRUE(Same(GetAccount(before.name()).value, reply.value));
    } else {
      EXPECT_TRUE(IsInvalidField(reply.status, c.field));
      EXPECT_TRUE(Same(GetAccount(before.name()).value, before));
    }
  }
}

TEST(AccountFields, MissingAccountMessageIsInvalid) {
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::CreateAccount, v1::CreateAccountRequest()).status,
                             "account"));
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::UpdateAccount, v1::UpdateAccountRequest()).status,
                             "account"));
}

TEST(RequestId, MustBeAtMost128PrintableAsciiCharacters) {
  struct Case {
    std::string request_id;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"has space", false},
      {" leading", false},
      {"tab\there", false},
      {"new\nline", false},
      {"ünïcode", false},
      {std::string("nul\0x", 5), false},
      {std::string(129, 'r'), false},
      {UniqueOfLength(128), true},
      {Unique("550e8400-e29b-41d4-a716-446655440000"), true},
      {Unique("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.request_id.substr(0, 40));
    v1::Account account;
    account.set_display_name("Request id check");
    Reply<v1::Account> reply = CreateAccount(account, c.request_id);
    if (c.valid) {
      EXPECT_OK(reply.status);
    } else {
      EXPECT_TRUE(IsInvalidField(reply.status, "request_id"));
    }
    v1::CreateContactRequest contact;
    contact.set_parent(Existing().name());
    contact.mutable_contact()->set_display_name("Request id check");
    contact.set_request_id(c.request_id);
    if (!c.valid) {
      EXPECT_TRUE(IsInvalidField(Call(&AccountApi::CreateContact, contact).status, "request_id"));
      v1::AddTeamMemberRequest member;
      member.set_parent(Existing().name());
      member.mutable_membership()->set_user("u-req");
      member.mutable_membership()->set_role(v1::TEAM_ROLE_SALES);
      member.set_request_id(c.request_id);
      EXPECT_TRUE(IsInvalidField(Call(&AccountApi::AddTeamMember, member).status, "request_id"));
    }
  }
}

// --- invalid UTF-8 ---------------------------------------------------------------

// C++ protobuf logs, but still sends, invalid UTF-8 in a string field. The
// server must refuse it cleanly (the parse fails or validation does) and keep
// serving.
TEST(InvalidUtf8, IsRefusedCleanlyAndTheServiceKeepsServing) {
  const std::string marker = Unique("utf8");
  for (const std::string& bad :
       {std::string("\xff\xfe"), std::string("abc\xc3"), std::string("\xc0\xaf"),
        std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80"),
        std::string("ok \x80 no")}) {
    SCOPED_TRACE(absl::CHexEscape(bad));
    v1::Account account;
    account.set_display_name(bad);
    account.set_industry(marker);
    Reply<v1::Account> reply = CreateAccount(account);
    EXPECT_FALSE(reply.status.ok());
    EXPECT_TRUE(reply.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
                reply.status.error_code() == grpc::StatusCode::INTERNAL)
        << CodeName(reply.status.error_code()) << ": " << reply.status.error_message();
    EXPECT_TRUE(CleanMessage(reply.status));

    v1::ListAccountsRequest list;
    list.set_filter(absl::StrCat("industry = \"", bad, "\""));
    Reply<v1::ListAccountsResponse> listed = Call(&AccountApi::ListAccounts, list);
    EXPECT_FALSE(listed.status.ok());
    EXPECT_TRUE(CleanMessage(listed.status));
  }
  v1::ListAccountsRequest list;
  list.set_filter(absl::StrCat("industry = \"", marker, "\""));
  Reply<v1::ListAccountsResponse> listed = Call(&AccountApi::ListAccounts, list);
  ASSERT_OK(listed.status);
  EXPECT_EQ(listed.value.accounts_size(), 0);
  ExpectServiceAnswers();
}

// --- malformed resource names ----------------------------------------------------------

struct NameMethod {
  std::string method;
  std::string field;
  std::function<grpc::Status(const std::string&)> call;
};

// A call of `method` with the string field `field` of its request set to the
// name under test and `fill` setting the rest of an otherwise valid request.
template <typename Request, typename Response, typename Fill>
std::function<grpc::Status(const std::string&)> NameAnd(
    grpc::Status (AccountApi::*method)(grpc::ClientContext*, const Request&, Response*),
    const std::string& field, Fill fill) {
  return [method, field, fill](const std::string& name) {
    Request request;
    request.GetReflection()->SetString(&request, Request::descriptor()->FindFieldByName(field),
                                       name);
    fill(&request);
    return Call(method, request).status;
  };
}

// NameAnd for the methods that need nothing but the name.
template <typename Request, typename Response>
std::function<grpc::Status(const std::string&)> NameOnly(
    grpc::Status (AccountApi::*method)(grpc::ClientContext*, const Request&, Response*),
    const std::string& field) {
  return NameAnd(method, field, [](Request*) {});
}

std::vector<NameMethod> AccountNameMethods() {
  std::vector<NameMethod> methods;
  methods.push_back({"GetAccount", "name", NameOnly(&AccountApi::GetAccount, "name")});
  methods.push_back({"BatchGetAccounts", "names[1]", [](const std::string& n) {
                       v1::BatchGetAccountsRequest r;
                       r.add_names(Existing().name());
                       r.add_names(n);
                       return Call(&AccountApi::BatchGetAccounts, r).status;
                     }});
  methods.push_back({"UpdateAccount", "account.name", [](const std::string& n) {
                       v1::UpdateAccountRequest r;
                       r.mutable_account()->set_name(n);
                       r.mutable_account()->set_display_name("x");
                       r.mutable_update_mask()->add_paths("display_name");
                       return Call(&AccountApi::UpdateAccount, r).status;
                     }});
  methods.push_back({"DeleteAccount", "name", NameOnly(&AccountApi::DeleteAccount, "name")});
  methods.push_back({"UndeleteAccount", "name", NameOnly(&AccountApi::UndeleteAccount, "name")});
  methods.push_back(
      {"ListAccountAncestors", "name", NameOnly(&AccountApi::ListAccountAncestors, "name")});
  methods.push_back(
      {"ListAccountDescendants", "name", NameOnly(&AccountApi::ListAccountDescendants, "name")});
  methods.push_back({"GetGroupSummary", "name", NameOnly(&AccountApi::GetGroupSummary, "name")});
  methods.push_back({"CreateContact", "parent",
                     NameAnd(&AccountApi::CreateContact, "parent", [](v1::CreateContactRequest* r) {
                       r->mutable_contact()->set_display_name("x");
                     })});
  methods.push_back({"ListContacts", "parent", NameOnly(&AccountApi::ListContacts, "parent")});
  methods.push_back({"AddTeamMember", "parent",
                     NameAnd(&AccountApi::AddTeamMember, "parent", [](v1::AddTeamMemberRequest* r) {
                       r->mutable_membership()->set_user("u-1");
                       r->mutable_membership()->set_role(v1::TEAM_ROLE_SALES);
                     })});
  methods.push_back(
      {"ListTeamMemberships", "parent", NameOnly(&AccountApi::ListTeamMemberships, "parent")});
  methods.push_back(
      {"TransitionStage", "name",
       NameAnd(&AccountApi::TransitionStage, "name", [](v1::TransitionStageRequest* r) {
         r->set_to_stage(v1::RELATIONSHIP_STAGE_INITIAL);
         r->set_share_of_wallet_percent(10);
       })});
  methods.push_back(
      {"ListStageHistory", "parent", NameOnly(&AccountApi::ListStageHistory, "parent")});
  methods.push_back({"MarkChurned", "name",
                     NameAnd(&AccountApi::MarkChurned, "name", [](v1::MarkChurnedRequest* r) {
                       r->set_kind(v1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
                       r->set_reason(v1::CHURN_REASON_PRICE);
                     })});
  methods.push_back({"RecordWinBack", "name", NameOnly(&AccountApi::RecordWinBack, "name")});
  methods.push_back(
      {"ListChurnHistory", "parent", NameOnly(&AccountApi::ListChurnHistory, "parent")});
  methods.push_back({"SetAccountTiers", "assignments[0].account", [](const std::string& n) {
                       v1::SetAccountTiersRequest r;
                       r.set_rating_run("run-names");
                       r.set_policy_version("p1");
                       r.add_assignments()->set_account(n);
                       r.mutable_assignments(0)->set_tier(v1::TIER_A);
                       return Call(&AccountApi::SetAccountTiers, r).status;
                     }});
  methods.push_back(
      {"ListTierHistory", "parent", NameOnly(&AccountApi::ListTierHistory, "parent")});
  return methods;
}

const std::vector<std::string>& BadAccountNames() {
  static const std::vector<std::string> names = {
      "accounts/abc", "accounts/0",        "accounts/01",   "foo/1",
      "accounts/",    "accounts/1/",       "/accounts/1",   "accounts//1",
      "accounts/-1",  "accounts/+1",       "accounts/1.0",  "accounts/ 1",
      "accounts/1 ",  "Accounts/1",        "accounts/1e3",  "accounts/0x1F",
      "accounts/99999999999999999999",     "accounts/9223372036854775808",
      "accounts/1/contacts/1",             "accounts",      "1",
      "accounts/\xef\xbc\x91",  // full-width digit one
      "accounts/1'; DROP TABLE accounts; --"};
  return names;
}

TEST(ResourceNames, EveryMethodRefusesMalformedAccountNames) {
  for (const NameMethod& m : AccountNameMethods()) {
    for (const std::string& name : BadAccountNames()) {
      SCOPED_TRACE(absl::StrCat(m.method, "(\"", name, "\")"));
      EXPECT_TRUE(IsInvalidField(m.call(name), m.field));
    }
    SCOPED_TRACE(m.method);
    EXPECT_TRUE(IsInvalidField(m.call(""), m.field));
  }
  EXPECT_TRUE(Same(GetAccount(Existing().name()).value, Existing()));
}

TEST(ResourceNames, ParentAccountFieldsRefuseMalformedNames) {
  for (const std::string& name : BadAccountNames()) {
    SCOPED_TRACE(name);
    v1::Account account;
    account.set_display_name("Child");
    account.set_parent_account(name);
    EXPECT_TRUE(IsInvalidField(CreateAccount(account).status, "account.parent_account"));
    v1::UpdateAccountRequest update;
    update.mutable_account()->set_name(Existing().name());
    update.mutable_account()->set_parent_account(name);
    update.mutable_update_mask()->add_paths("parent_account");
    EXPECT_TRUE(
        IsInvalidField(Call(&AccountApi::UpdateAccount, update).status, "account.parent_account"));
  }
}

TEST(ResourceNames, ChildNameMethodsRefuseMalformedNames) {
  const std::vector<std::string> common_bad = {
      "",  "accounts/1", "accounts/1/{c}/abc", "accounts/1/{c}/0", "accounts/1/{c}/01",
      "accounts/01/{c}/1", "accounts/abc/{c}/1", "accounts/0/{c}/1", "foo/1/{c}/1",
      "accounts/1/{c}/", "accounts/1/{c}/1/x", "accounts/1/{c}/-2", "/accounts/1/{c}/1",
      "accounts/1/{c}/1 ", "accounts/1/{c}"};
  struct ChildMethod {
    std::string method;
    std::string collection;
    std::string wrong_collection;
    std::string field;
    std::function<grpc::Status(const std::string&)> call;
  };
  const std::vector<ChildMethod> methods = {
      {"GetContact", "contacts", "teamMemberships", "name",
       NameOnly(&AccountApi::GetContact, "name")},
      {"UpdateContact", "contacts", "teamMemberships", "contact.name",
       [](const std::string& n) {
         v1::UpdateContactRequest r;
         r.mutable_contact()->set_name(n);
         r.mutable_contact()->set_title("x");
         r.mutable_update_mask()->add_paths("title");
         return Call(&AccountApi::UpdateContact, r).status;
       }},
      {"DeleteContact", "contacts", "stageChanges", "name",
       NameOnly(&AccountApi::DeleteContact, "name")},
      {"UndeleteContact", "contacts", "teamMemberships", "name",
       NameOnly(&AccountApi::UndeleteContact, "name")},
      {"EndTeamMembership", "teamMemberships", "contacts", "name",
       NameOnly(&AccountApi::EndTeamMembership, "name")},
  };
  for (const ChildMethod& m : methods) {
    std::vector<std::string> names;
    for (const std::string& pattern : common_bad) {
      names.push_back(absl::StrReplaceAll(pattern, {{"{c}", m.collection}}));
    }
    names.push_back(absl::StrCat("accounts/1/", m.wrong_collection, "/1"));
    names.push_back(absl::StrCat("accounts/1/", m.collection, "s/1"));
    for (const std::string& name : names) {
      SCOPED_TRACE(absl::StrCat(m.method, "(\"", name, "\")"));
      EXPECT_TRUE(IsInvalidField(m.call(name), m.field));
    }
  }
}

// --- hostile text ----------------------------------------------------------------------

const std::vector<std::string>& HostileTexts() {
  static const std::vector<std::string> texts = {
      "O'Brien & Sons",
      "\"Quoted\" Holdings",
      "Back\\slash \\\\ Ltd \\",
      "'; DROP TABLE accounts; --",
      "Robert'); DROP TABLE accounts;--",
      "1' OR '1'='1",
      "%_% wildcard \\% \\_",
      "\\x00 \\n \\0 escapes as text",
      "<script>alert(1)</script>",
      "${jndi:ldap://example.com/a}",
      "NULL",
      "😀 Emoji Corp 🚀👨‍👩‍👧",
      "𠀀𠀁𠀂 CJK Extension B 𪜀",
      "Cafe\u0301 Zu\u0308rich n\u0303 combining",
      "Z\u0351\u0361\u0336a\u0337\u0353l\u0334g\u0362o",
      "مرحبا بالعالم شركة",
      "שלום עולם בע\"מ",
      "\u202Egnp.exe override",
      "zero\u200Bwidth\u200Djoiner\uFEFF",
      "  leading and trailing  ",
      "Ａｃｍｅ　全角",
      "line\u2028separator\u2029",
      "中国移动通信集团有限公司",
  };
  return texts;
}

TEST(HostileText, AccountFieldsAreStoredVerbatimAndFilterable) {
  const std::string marker = Unique("hostile");
  for (size_t i = 0; i < HostileTexts().size(); ++i) {
    const std::string& text = HostileTexts()[i];
    SCOPED_TRACE(text);
    v1::Account account;
    account.set_display_name(text);
    account.set_industry(text);
    account.set_region(text);
    (*account.mutable_labels())["hostile"] = absl::StrCat(marker, "-", i);
    Reply<v1::Account> created = CreateAccount(account);
    ASSERT_OK(created.status);
    Reply<v1::Account> read = GetAccount(created.value.name());
    ASSERT_OK(read.status);
    EXPECT_EQ(read.value.display_name(), text);
    EXPECT_EQ(read.value.industry(), text);
    EXPECT_EQ(read.value.region(), text);
    EXPECT_TRUE(Same(read.value, created.value));

    const std::string quoted =
        absl::StrCat("\"", absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"\"", "\\\""}}), "\"");
    v1::ListAccountsRequest list;
    list.set_filter(absl::StrCat("labels.hostile = \"", marker, "-", i, "\" AND industry = ",
                                 quoted, " AND region = ", quoted));
    Reply<v1::ListAccountsResponse> listed = Call(&AccountApi::ListAccounts, list);
    ASSERT_OK(listed.status);
    ASSERT_EQ(listed.value.accounts_size(), 1);
    EXPECT_EQ(listed.value.accounts(0).display_name(), text);
  }
  ExpectServiceAnswers();
}

TEST(HostileText, IdentifiersAreStoredVerbatimAndFilterable) {
  for (const std::string& text :
       {std::string("'--"), std::string("x');DROP/**/TABLE/**/accounts;--"),
        std::string("\"\\\"\\"), std::string("😀𠀀"), std::string("%_*?"),
        std::string("a=b\\nc")}) {
    SCOPED_TRACE(text);
    v1::Account account;
    account.set_display_name("Identifier holder");
    account.set_external_id(Unique(text));
    account.set_owner(Unique(text));
    Reply<v1::Account> created = CreateAccount(account);
    ASSERT_OK(created.status);
    const v1::Account read = GetAccount(created.value.name()).value;
    EXPECT_EQ(read.external_id(), account.external_id());
    EXPECT_EQ(read.owner(), account.owner());
    for (const std::string field : {"external_id", "owner"}) {
      const std::string& value = field == "external_id" ? account.external_id() : account.owner();
      v1::ListAccountsRequest list;
      list.set_filter(absl::StrCat(
          field, " = \"", absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"\"", "\\\""}}), "\""));
      Reply<v1::ListAccountsResponse> listed = Call(&AccountApi::ListAccounts, list);
      ASSERT_OK(listed.status);
      ASSERT_EQ(listed.value.accounts_size(), 1) << field;
      EXPECT_EQ(listed.value.accounts(0).name(), created.value.name());
    }
  }
}

TEST(HostileText, TwoHundredFourByteCharactersAreStoredByteIdentical) {
  for (const std::string& unit : {std::string("😀"), std::string("𠀀"), std::string("𝔸")}) {
    SCOPED_TRACE(unit);
    const std::string text = Repeat(unit, 200);
    ASSERT_EQ(text.size(), 800u);
    v1::Account account;
    account.set_display_name(text);
    Reply<v1::Account> created = CreateAccount(account);
    ASSERT_OK(created.status);
    EXPECT_EQ(GetAccount(created.value.name()).value.display_name(), text);
    account.set_display_name(text + unit);
    EXPECT_TRUE(IsInvalidField(CreateAccount(account).status, "account.display_name"));
  }
  // 200 code points where some are combining marks: the count is of code
  // points, so exactly 200 fits.
  const std::string combining = Repeat("e\u0301", 100);
  v1::Account account;
  account.set_display_name(combining);
  Reply<v1::Account> created = CreateAccount(account);
  ASSERT_OK(created.status);
  EXPECT_EQ(GetAccount(created.value.name()).value.display_name(), combining);
}

// Every entry of the history `list` of account `parent`, all pages (a page
// that fails fails the test).
template <typename Entry, typename Request, typename Response>
std::vector<Entry> HistoryOf(grpc::Status (AccountApi::*list)(grpc::ClientContext*, const Request&,
                                                              Response*),
                             const std::string& parent) {
  Request request;
  request.set_parent(parent);
  return AllPages<Entry>(Accounts(), list, request);
}

TEST(HostileText, ContactAndHistoryTextIsStoredVerbatim) {
  Reply<v1::Account> account = CreateAccount(ValidAccount());
  ASSERT_OK(account.status);
  const std::string name = account.value.name();
  for (const std::string& text : HostileTexts()) {
    SCOPED_TRACE(text);
    v1::CreateContactRequest contact;
    contact.set_parent(name);
    contact.mutable_contact()->set_display_name(text);
    contact.mutable_contact()->set_title(text);
    contact.mutable_contact()->set_department(text);
    Reply<v1::Contact> created = Call(&AccountApi::CreateContact, contact);
    ASSERT_OK(created.status);
    v1::GetContactRequest get = ByName<v1::GetContactRequest>(created.value.name());
    Reply<v1::Contact> read = Call(&AccountApi::GetContact, get);
    ASSERT_OK(read.status);
    EXPECT_EQ(read.value.display_name(), text);
    EXPECT_EQ(read.value.title(), text);
    EXPECT_EQ(read.value.department(), text);
  }
  // Multi-line notes and reasons, and an actor, in history rows.
  const std::string note = "line one\n'; DROP TABLE stage_changes; --\n\ttabbed 😀 𠀀";
  const std::string actor = "Robert'); DROP TABLE accounts;--";
  v1::TransitionStageRequest move = ByName<v1::TransitionStageRequest>(name);
  move.set_to_stage(v1::RELATIONSHIP_STAGE_INITIAL);
  move.set_share_of_wallet_percent(10);
  move.set_reason(note);
  ASSERT_OK(Call(&AccountApi::TransitionStage, move, actor).status);
  v1::MarkChurnedRequest churn = ByName<v1::MarkChurnedRequest>(name);
  churn.set_kind(v1::CHURN_EVENT_KIND_BUSINESS_CHURN);
  churn.set_reason(v1::CHURN_REASON_PRICE);
  churn.add_lost_product_lines("'; DROP TABLE churn_events; --");
  churn.add_lost_product_lines("宽带 😀");
  churn.set_note(note);
  ASSERT_OK(Call(&AccountApi::MarkChurned, churn, actor).status);
  v1::SetAccountTiersRequest tiers;
  tiers.set_rating_run(Unique("run'--"));
  tiers.set_policy_version("v1\");--");
  tiers.add_assignments()->set_account(name);
  tiers.mutable_assignments(0)->set_tier(v1::TIER_B);
  tiers.mutable_assignments(0)->set_reason(note);
  ASSERT_OK(Call(&AccountApi::SetAccountTiers, tiers).status);

  const std::vector<v1::StageChange> stage_history =
      HistoryOf<v1::StageChange>(&AccountApi::ListStageHistory, name);
  ASSERT_EQ(stage_history.size(), 1u);
  EXPECT_EQ(stage_history[0].reason(), note);
  EXPECT_EQ(stage_history[0].actor(), actor);
  const std::vector<v1::ChurnEvent> churn_history =
      HistoryOf<v1::ChurnEvent>(&AccountApi::ListChurnHistory, name);
  ASSERT_EQ(churn_history.size(), 1u);
  EXPECT_EQ(churn_history[0].note(), note);
  EXPECT_EQ(churn_history[0].actor(), actor);
  ASSERT_EQ(churn_history[0].lost_product_lines_size(), 2);
  EXPECT_EQ(churn_history[0].lost_product_lines(0), "'; DROP TABLE churn_events; --");
  EXPECT_EQ(churn_history[0].lost_product_lines(1), "宽带 😀");
  const std::vector<v1::TierChange> tier_history =
      HistoryOf<v1::TierChange>(&AccountApi::ListTierHistory, name);
  ASSERT_EQ(tier_history.size(), 1u);
  EXPECT_EQ(tier_history[0].reason(), note);
  EXPECT_EQ(tier_history[0].rating_run(), tiers.rating_run());
  EXPECT_EQ(tier_history[0].policy_version(), "v1\");--");
}

TEST(HostileText, AnOverlongActorIsCutNotAnError) {
  Reply<v1::Account> account = CreateAccount(ValidAccount());
  ASSERT_OK(account.status);
  v1::TransitionStageRequest move = ByName<v1::TransitionStageRequest>(account.value.name());
  move.set_to_stage(v1::RELATIONSHIP_STAGE_INITIAL);
  move.set_share_of_wallet_percent(10);
  Reply<v1::TransitionStageResponse> moved =
      Call(&AccountApi::TransitionStage, move, std::string(300, 'a'));
  ASSERT_OK(moved.status);
  EXPECT_EQ(moved.value.change().actor(), std::string(256, 'a'));
}

// --- huge values ------------------------------------------------------------------------

TEST(HugeValues, AreInvalidArgumentWithShortMessagesAndTheServiceKeepsServing) {
  const std::string mb(1 << 20, 'x');
  {
    v1::Account account;
    account.set_display_name(mb);
    Reply<v1::Account> reply = CreateAccount(account);
    EXPECT_TRUE(IsInvalidField(reply.status, "account.display_name"));
    EXPECT_TRUE(absl::StrContains(reply.status.error_message(), "200"))
        << reply.status.error_message();
  }
  {
    v1::Account account;
    account.set_display_name(Repeat("é", 1 << 19));
    EXPECT_TRUE(IsInvalidField(CreateAccount(account).status, "account.display_name"));
  }
  {
    v1::Account account = ValidAccount();
    account.set_industry(mb);
    EXPECT_TRUE(IsInvalidField(CreateAccount(account).status, "account.industry"));
    account = ValidAccount();
    account.set_external_id(mb);
    EXPECT_TRUE(IsInvalidField(CreateAccount(account).status, "account.external_id"));
    account = ValidAccount();
    (*account.mutable_labels())[mb] = "v";
    EXPECT_TRUE(IsInvalidStartingWith(CreateAccount(account).status, "account.labels[\"xxxx"));
    account = ValidAccount();
    (*account.mutable_labels())["k"] = mb;
    EXPECT_TRUE(IsInvalidField(CreateAccount(account).status, "account.labels[\"k\"]"));
    EXPECT_TRUE(IsInvalidField(CreateAccount(ValidAccount(), mb).status, "request_id"));
  }
  EXPECT_TRUE(IsInvalidField(GetAccount(absl::StrCat("accounts/", mb)).status, "name"));
  {
    v1::ListAccountsRequest list;
    list.set_filter(absl::StrCat("industry = \"", mb, "\""));
    EXPECT_TRUE(IsInvalidField(Call(&AccountApi::ListAccounts, list).status, "filter"));
    list.clear_filter();
    list.set_page_token(mb);
    EXPECT_TRUE(IsInvalidField(Call(&AccountApi::ListAccounts, list).status, "page_token"));
    list.clear_page_token();
    list.set_order_by(mb);
    EXPECT_TRUE(IsInvalidField(Call(&AccountApi::ListAccounts, list).status, "order_by"));
  }
  {
    v1::TransitionStageRequest move = ByName<v1::TransitionStageRequest>(Existing().name());
    move.set_to_stage(v1::RELATIONSHIP_STAGE_INITIAL);
    move.set_share_of_wallet_percent(10);
    move.set_reason(mb);
    EXPECT_TRUE(IsInvalidField(Call(&AccountApi::TransitionStage, move).status, "reason"));
  }
  {
    v1::CreateContactRequest contact;
    contact.set_parent(Existing().name());
    contact.mutable_contact()->set_display_name("ok");
    contact.mutable_contact()->set_email(mb + "@example.com");
    EXPECT_TRUE(IsInvalidField(Call(&AccountApi::CreateContact, contact).status, "contact.email"));
    contact.mutable_contact()->clear_email();
    contact.mutable_contact()->set_time_zone(mb);
    EXPECT_TRUE(
        IsInvalidField(Call(&AccountApi::CreateContact, contact).status, "contact.time_zone"));
  }
  EXPECT_TRUE(Same(GetAccount(Existing().name()).value, Existing()));
  ExpectServiceAnswers();
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  // Error messages here are also short: a huge value may not come back whole.
  kam::testing::SetMessageLimit(1000);
  return kam::testing::RunTestsOnSuite(argc, argv);
}
