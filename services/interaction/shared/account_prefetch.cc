// Which calls fetch their account ahead of the handler (account_client.h):
// the creates, whose handlers all look their account up before writing.
#include <functional>
#include <string>
#include <utility>

#include "kam/interaction/v1/activity.pb.h"
#include "kam/interaction/v1/agreement.pb.h"
#include "kam/interaction/v1/billing.pb.h"
#include "kam/interaction/v1/opportunity.pb.h"
#include "kam/interaction/v1/satisfaction.pb.h"
#include "kam/interaction/v1/service_case.pb.h"
#include "services/interaction/shared/account_client.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction {
namespace {

namespace v1 = interaction::v1;

// Fetches the account `account_of(request)` names, when it is a well-formed
// account name (a malformed one is the handler's to refuse; an invoice may
// name none and take its order's).
template <typename Request, typename AccountOf>
void PrefetchAccountOf(common::GrpcServer& server, AccountClient* accounts, AccountOf account_of) {
  server.SetPrefetch<Request>(
      [accounts, account_of](const common::CallContext& caller, const Request& request,
                             common::Prefetched* into, std::function<void()> done) {
        const std::string& name = account_of(request);
        if (!ParseAccountName("account", name).ok()) {
          done();
          return;
        }
        accounts->PrefetchAccount(name, caller, into, std::move(done));
      });
}

}  // namespace

void PrefetchAccountsOfCreates(common::GrpcServer& server, AccountClient* accounts) {
  PrefetchAccountOf<v1::CreateActivityRequest>(
      server, accounts, [](const auto& r) -> const std::string& { return r.activity().account(); });
  PrefetchAccountOf<v1::CreateCaseRequest>(
      server, accounts, [](const auto& r) -> const std::string& { return r.case_().account(); });
  PrefetchAccountOf<v1::CreateOrderRequest>(
      server, accounts, [](const auto& r) -> const std::string& { return r.order().account(); });
  PrefetchAccountOf<v1::CreateInvoiceRequest>(
      server, accounts, [](const auto& r) -> const std::string& { return r.invoice().account(); });
  PrefetchAccountOf<v1::RecordPaymentRequest>(
      server, accounts, [](const auto& r) -> const std::string& { return r.payment().account(); });
  PrefetchAccountOf<v1::CreateOpportunityRequest>(
      server, accounts,
      [](const auto& r) -> const std::string& { return r.opportunity().account(); });
  PrefetchAccountOf<v1::CreateAgreementRequest>(
      server, accounts, [](const auto& r) -> const std::string& { return r.agreement().account(); });
  PrefetchAccountOf<v1::CreateSurveyResponseRequest>(
      server, accounts,
      [](const auto& r) -> const std::string& { return r.survey_response().account(); });
}

}  // namespace kam::interaction
