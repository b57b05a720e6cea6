// What the time-range integration tests of every service share
// (docs/architecture.md, "Times"): the Timestamps no request may carry, and
// a server stream read to its end, to see how a streaming method refuses one.
#pragma once

#include <vector>

#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/grpcpp.h"

namespace kam::testing {

// A second past 9999, a second before year 1, nanos -1 and nanos 1000000000.
inline std::vector<google::protobuf::Timestamp> OutOfRangeTimestamps() {
  std::vector<google::protobuf::Timestamp> all(4);
  all[0].set_seconds(253402300800);  // 10000-01-01T00:00:00Z
  all[1].set_seconds(-62135596801);  // 0000-12-31T23:59:59Z
  all[2].set_nanos(-1);
  all[3].set_nanos(1000000000);
  return all;
}

// Reads a server stream to its end (dropping what it sends) and returns how
// it ended, e.g. ReadToEnd(*stub->ExportAccounts(context.get(), request)).
template <typename Response>
grpc::Status ReadToEnd(grpc::ClientReaderInterface<Response>& reader) {
  Response message;
  while (reader.Read(&message)) {
  }
  return reader.Finish();
}

}  // namespace kam::testing
