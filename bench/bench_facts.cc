#include "bench/bench_facts.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/proto_time.h"
#include "common/db/mysql_pool.h"
#include "grpcpp/grpcpp.h"
#include "kam/interaction/v1/facts.grpc.pb.h"
#include "services/interaction/facts/facts_store.h"

namespace kam::testing {

namespace v1 = interaction::v1;

namespace {

void Count(const v1::AccountFacts& f, FactsRun& run) {
  ++run.accounts;
  run.checksum += f.revenue_minor() + f.collected_minor() + f.overdue_minor() + f.case_count() +
                  f.csat_score_sum() + f.activity_count() + f.cost_to_serve_minor() +
                  f.weighted_pipeline_minor() + f.last_contact_time().seconds();
}

}  // namespace

FactsRun StreamFacts(const std::string& address, const BenchBook& book, int page_size) {
  auto stub =
      v1::FactsService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  v1::StreamAccountFactsRequest request;
  *request.mutable_start_time() = common::ToProtoTimestamp(book.period_start);
  *request.mutable_end_time() = common::ToProtoTimestamp(book.period_end);
  request.set_page_size(page_size);
  FactsRun run;
  const absl::Time begin = absl::Now();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(begin + absl::Minutes(30)));
  std::unique_ptr<grpc::ClientReader<v1::StreamAccountFactsResponse>> reader =
      stub->StreamAccountFacts(&context, request);
  v1::StreamAccountFactsResponse page;
  while (reader->Read(&page)) {
    for (const v1::AccountFacts& f : page.facts()) Count(f, run);
  }
  const grpc::Status status = reader->Finish();
  run.seconds = absl::ToDoubleSeconds(absl::Now() - begin);
  if (!status.ok()) run.error = status.error_message();
  return run;
}

// The raw baseline: the store's statements over the same ranges of ids as
// the service walks (twice the page wide), without gRPC or the service.
FactsRun RawFacts(LocalSuite& suite, const BenchBook& book, int page_size) {
  common::DbOptions db;
  db.port = suite.db().port();
  db.user = "kam_interaction";
  db.password = suite.db_password("interaction");
  db.schema = "kam_interaction";
  db.pool_size = 1;
  db.io_timeout = absl::Minutes(5);
  common::ConnectionPool pool(db);
  std::unique_ptr<interaction::facts::FactsStore> store =
      interaction::facts::NewMySqlFactsStore(&pool);
  const interaction::facts::FactsPeriod period{book.period_start, book.period_end};
  FactsRun run;
  const absl::Time begin = absl::Now();
  absl::StatusOr<int64_t> max_id = store->MaxAccountId();
  if (!max_id.ok()) {
    run.error = std::string(max_id.status().message());
    return run;
  }
  const int64_t width = 2 * static_cast<int64_t>(page_size);
  for (int64_t first = 1; first <= *max_id; first += width) {
    absl::StatusOr<std::map<int64_t, v1::AccountFacts>> range =
        store->Range(first, std::min(*max_id, first + width - 1), period);
    if (!range.ok()) {
      run.error = std::string(range.status().message());
      break;
    }
    for (const auto& [id, f] : *range) Count(f, run);
  }
  run.seconds = absl::ToDoubleSeconds(absl::Now() - begin);
  return run;
}

void PrintFacts(const char* name, const FactsRun& run) {
  std::printf("  %-28s %10lld %8.1f %12.0f   %s\n", name, static_cast<long long>(run.accounts),
              run.seconds, run.rate(), run.error.empty() ? "" : run.error.c_str());
}

}  // namespace kam::testing
