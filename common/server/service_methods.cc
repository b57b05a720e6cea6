#include "common/server/service_methods.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace kam::common::internal {

MethodInfo FindMethod(const google::protobuf::Descriptor* request,
                      const google::protobuf::Descriptor* response) {
  const google::protobuf::FileDescriptor* file = request->file();
  const google::protobuf::MethodDescriptor* found = nullptr;
  int matches = 0;
  for (int s = 0; s < file->service_count(); ++s) {
    const google::protobuf::ServiceDescriptor* service = file->service(s);
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      if (method->input_type() == request && method->output_type() == response) {
        found = method;
        ++matches;
      }
    }
  }
  if (matches != 1) {
    // A programming error, caught by the first test that starts the server.
    std::fprintf(stderr, "%d methods of %s take %s and return %s; expected exactly one\n", matches,
                 file->name().c_str(), request->full_name().c_str(), response->full_name().c_str());
    std::abort();
  }
  MethodInfo info;
  info.index = found->index();
  info.service_name = found->service()->full_name();
  info.full_name = absl::StrCat("/", info.service_name, "/", found->name());
  return info;
}

}  // namespace kam::common::internal
