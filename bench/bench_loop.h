// The benchmark programs' client: a closed loop over gRPC's async
// completion-queue API. `threads` client threads, each with its own queue,
// keep concurrency/threads calls in flight until `duration` ends (or
// `max_calls` have started). Cheaper per call than the callback API (no
// hand-off to gRPC's internal threads), so the client takes less of the
// shared CPU in every phase. Only calls that return OK count.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "bench/bench_rates.h"

namespace kam::testing {

template <typename Response>
class AsyncCallLoop {
 public:
  // Starts call number `call` on `cq`; returns its reader.
  using Start = std::function<std::unique_ptr<grpc::ClientAsyncResponseReader<Response>>(
      int64_t call, grpc::ClientContext* context, grpc::CompletionQueue* cq)>;
  // Called with each OK response (from the client threads).
  using OnOk = std::function<void(const Response&)>;

  static BenchResult Run(int concurrency, int threads, absl::Duration duration, int64_t max_calls,
                         const OnOk& on_ok, const Start& start) {
    std::atomic<int64_t> started{0};
    std::atomic<bool> reported{false};
    const absl::Time begin = absl::Now();
    const absl::Time end = begin + duration;
    std::vector<BenchResult> per_thread(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      const int slots = concurrency / threads + (t < concurrency % threads ? 1 : 0);
      workers.emplace_back([&, t, slots] {
        grpc::CompletionQueue cq;
        BenchResult& r = per_thread[t];
        int active = 0;
        auto launch = [&]() {
          const int64_t call = started.fetch_add(1);
          if (call >= max_calls || absl::Now() >= end) return;
          auto* c = new Call();
          c->begin = absl::Now();
          c->context.set_deadline(absl::ToChronoTime(c->begin + absl::Seconds(10)));
          c->reader = start(call, &c->context, &cq);
          c->reader->Finish(&c->response, &c->status, c);
          ++active;
        };
        for (int i = 0; i < slots; ++i) launch();
        void* tag;
        bool ok;
        while (active > 0 && cq.Next(&tag, &ok)) {
          auto* c = static_cast<Call*>(tag);
          --active;
          if (ok && c->status.ok()) {
            if (on_ok) on_ok(c->response);
            ++r.ok;
            r.latencies_us.push_back(absl::ToInt64Microseconds(absl::Now() - c->begin));
          } else {
            if (!reported.exchange(true)) {
              std::fprintf(stderr, "call failed: %s\n", c->status.error_message().c_str());
            }
            ++r.failed;
          }
          delete c;
          launch();
        }
        cq.Shutdown();
        while (cq.Next(&tag, &ok)) {
        }
      });
    }
    for (std::thread& w : workers) w.join();
    BenchResult result;
    result.seconds = absl::ToDoubleSeconds(absl::Now() - begin);
    for (const BenchResult& r : per_thread) result.Add(r);
    return result;
  }

 private:
  struct Call {
    absl::Time begin;
    grpc::ClientContext context;
    Response response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;
  };
};

}  // namespace kam::testing
