// Answers from other services fetched for a call before its handler runs.
//
// Handlers are plain blocking functions (grpc_server.h). A method whose
// handler will certainly ask another service something (a create asks the
// account service for its account) can be given a prefetch
// (GrpcServer::SetPrefetch): when the call arrives, the prefetch starts the
// look-ups without waiting and the worker thread goes back to other calls;
// when the answers are in, the handler runs on a worker thread and its
// client finds them here instead of calling and waiting with a thread held.
// A wait on another service then costs no thread, however slow it is.
//
// A handler that finds no answer for what it needs asks the usual way: a
// prefetch is only ever a head start, never a different answer.
//
// The prefetch's own calls can complete on the server's completion queue
// (queue(), with a CompletionTag): a worker thread takes the answer as it
// takes calls, with no hand-off through another thread.
//
// Threads: the prefetch writes (Put) before it reports done; the handler
// reads (Find) after, on the thread the completion queue hands the call to,
// which orders the two. No lock is needed.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/completion_queue.h"

namespace kam::common {

// What a worker thread of the server runs when it takes an event off the
// completion queue (`ok` as the queue reports it).
class CompletionTag {
 public:
  virtual ~CompletionTag() = default;
  virtual void Proceed(bool ok) = 0;
};

class Prefetched {
 public:
  explicit Prefetched(grpc::CompletionQueue* queue = nullptr) : queue_(queue) {}

  // The server's completion queue, for the prefetch's own asynchronous calls
  // (their tags must be CompletionTags).
  grpc::CompletionQueue* queue() const { return queue_; }

  // What the other service answered for one key ("accounts/12"): the status
  // the handler's client would have returned for it, and the message when
  // OK.
  struct Answer {
    absl::Status status;
    std::shared_ptr<const google::protobuf::Message> message;
  };

  void Put(std::string key, Answer answer) {
    answers_.emplace_back(std::move(key), std::move(answer));
  }

  // The answer for `key`, or null when none was fetched. A call fetches one
  // or two things, so a scan beats a map.
  const Answer* Find(absl::string_view key) const {
    for (const auto& [k, answer] : answers_) {
      if (k == key) return &answer;
    }
    return nullptr;
  }

 private:
  grpc::CompletionQueue* const queue_;
  std::vector<std::pair<std::string, Answer>> answers_;
};

}  // namespace kam::common
