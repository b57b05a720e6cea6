// Requests of the standard methods, built the same way for every resource,
// for handler unit tests and integration tests alike:
//   ByName<GetAccountRequest>(name)
//   ByNameAndEtag<DeleteAccountRequest>(name, etag)   (etag "": no check)
//   ByParent<ListContactsRequest>(parent)
#pragma once

#include <string>

namespace kam::common::testing {

template <typename Request>
Request ByName(const std::string& name) {
  Request request;
  request.set_name(name);
  return request;
}

template <typename Request>
Request ByNameAndEtag(const std::string& name, const std::string& etag) {
  Request request = ByName<Request>(name);
  request.set_etag(etag);
  return request;
}

template <typename Request>
Request ByParent(const std::string& parent) {
  Request request;
  request.set_parent(parent);
  return request;
}

}  // namespace kam::common::testing
