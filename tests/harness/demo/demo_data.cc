#include "tests/harness/demo/demo_data.h"

#include "tests/harness/demo/demo_book.h"
#include "tests/harness/demo/demo_client.h"

namespace kam::testing {

absl::Status LoadDemoData(const DemoAddresses& addresses) {
  demo::DemoClient client(addresses);
  demo::DemoBook book;
  demo::LoadAccountBook(client, &book);
  if (!client.ok()) return client.status();
  const demo::DemoClock clock(book.LatestCreateTime());
  demo::LoadActivities(client, book, clock);
  demo::LoadCasesAndSurveys(client, book, clock);
  demo::LoadBilling(client, book, clock);
  demo::LoadOpportunities(client, book, clock);
  // Last, so the run rates the whole book.
  demo::LoadScoring(client);
  return client.status();
}

}  // namespace kam::testing
