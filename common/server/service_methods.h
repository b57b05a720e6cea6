// Serving a handler class's methods, named by member function:
//
//   v1::BillingService::Service service_;  // the generated service
//   ...
//   common::ServeMethods(server, &service_, this,  //
//                        &BillingService::CreateOrder, &BillingService::GetOrder);
//
// A unary handler is
//   absl::Status Method(const CallContext&, const Request&, Response*)
// and runs on the server's worker threads (GrpcServer::AddUnary). A
// server-streaming handler is
//   absl::Status Method(const CallContext&, const Request&, ResponseWriter<Response>&)
// and runs on one of gRPC's own threads, which it holds while the caller
// reads, so streams never take a worker thread from unary calls. A method of
// the service that is not named answers UNIMPLEMENTED.
//
// Which proto method a handler serves is found from its request and response
// types in the service's descriptor, so its name ("/kam.x.v1.S/Method", in
// the request log) is never spelled by hand; start-up stops if no method or
// several methods of the request's .proto file take those types.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/method_handler.h"

namespace kam::common {

// Where a server-streaming handler writes its responses.
template <typename Response>
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  // False when the caller has gone away or the server's shutdown grace
  // period is over: the handler should stop writing and return (the caller
  // gets UNAVAILABLE in the second case, whatever the handler returns).
  virtual bool Write(const Response& response) = 0;
  // Tells the caller the stream is established before the first response
  // (a watch that may wait long for it).
  virtual void SendInitialMetadata() {}
  // True once the caller has cancelled the call (or its deadline passed), or
  // the server's shutdown grace period is over.
  virtual bool Cancelled() const { return false; }
};

namespace internal {

// The method of `request`'s .proto file that takes `request` and returns
// `response`: its index in its service, and its names.
struct MethodInfo {
  int index = 0;
  std::string full_name;     // "/kam.account.v1.AccountService/GetAccount"
  std::string service_name;  // "kam.account.v1.AccountService"
};
MethodInfo FindMethod(const google::protobuf::Descriptor* request,
                      const google::protobuf::Descriptor* response);

template <typename Request, typename Response>
class SplitStreamWriter final : public ResponseWriter<Response> {
 public:
  SplitStreamWriter(const GrpcServer& server, grpc::ServerContext* context,
                    grpc::ServerSplitStreamer<Request, Response>* stream,
                    metrics::RpcMetrics& metrics)
      : server_(server), context_(context), stream_(stream), metrics_(metrics) {}
  bool Write(const Response& response) override {
    if (server_.past_grace() || !stream_->Write(response)) return false;
    metrics_.Sent();
    return true;
  }
  void SendInitialMetadata() override { stream_->SendInitialMetadata(); }
  bool Cancelled() const override { return server_.past_grace() || context_->IsCancelled(); }

 private:
  const GrpcServer& server_;
  grpc::ServerContext* context_;
  grpc::ServerSplitStreamer<Request, Response>* stream_;
  metrics::RpcMetrics& metrics_;
};

template <typename Handler, typename Request, typename Response>
void ServeMethod(GrpcServer& server, grpc::Service* service, Handler* handler,
                 absl::Status (Handler::*method)(const CallContext&, const Request&, Response*)) {
  MethodInfo info = FindMethod(Request::descriptor(), Response::descriptor());
  server.RegisterService(service, info.service_name);
  ServiceAccess::MarkAsync(service, info.index);
  server.AddUnary<Request, Response>(
      service, info.index, std::move(info.full_name),
      [handler, method](const CallContext& context, const Request& request, Response* response) {
        return (handler->*method)(context, request, response);
      });
}

template <typename Handler, typename Request, typename Response>
void ServeMethod(GrpcServer& server, grpc::Service* service, Handler* handler,
                 absl::Status (Handler::*method)(const CallContext&, const Request&,
                                                 ResponseWriter<Response>&)) {
  MethodInfo info = FindMethod(Request::descriptor(), Response::descriptor());
  server.RegisterService(service, info.service_name);
  metrics::RpcMetrics* metrics =
      &metrics::ServerRpc(info.full_name, metrics::RpcType::kServerStream);
  // A "split" server stream (as the generated WithSplitStreamingMethod_X
  // does): the same wire protocol, served by a handler we choose.
  ServiceAccess::MarkStreamed(
      service, info.index,
      new grpc::internal::SplitServerStreamingHandler<Request, Response>(
          [&server, handler, method, metrics, name = std::move(info.full_name)](
              grpc::ServerContext* context, grpc::ServerSplitStreamer<Request, Response>* stream) {
            Request request;
            if (!stream->Read(&request)) {
              return grpc::Status(grpc::StatusCode::CANCELLED, "the request did not arrive");
            }
            SplitStreamWriter<Request, Response> writer(server, context, stream, *metrics);
            return server.RunSync(name, *metrics, context, request, [&](const CallContext& call) {
              return (handler->*method)(call, request, writer);
            });
          }));
}

}  // namespace internal

// Registers `service` with `server` and serves each of `methods` (member
// functions of `handler`) for it; see the top of this file.
template <typename Handler, typename... Methods>
void ServeMethods(GrpcServer& server, grpc::Service* service, Handler* handler,
                  Methods... methods) {
  (internal::ServeMethod(server, service, handler, methods), ...);
}

}  // namespace kam::common
