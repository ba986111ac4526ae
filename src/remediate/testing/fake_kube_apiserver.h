// A fake Kubernetes API server for tests and the demo. It serves the endpoints the
// kubernetes.* actions use and checks requests as the real API server does: paths, methods,
// content types, bodies, the bearer token, and the 404, 409, 415 and 422 responses.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace rampart::remediate::testing {

struct FakeKubeOptions {
  std::string token;  // required bearer token; empty accepts any request
  // With a certificate and key the server speaks HTTPS; with a client CA as well it requires
  // a client certificate signed by that CA.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string client_ca_file;
};

struct RecordedRequest {
  std::string method;
  std::string path;
  std::string query;  // "a=1&b=2" as parsed, sorted by name
  std::string content_type;
  std::string body;
};

class FakeKubeApiServer {
 public:
  explicit FakeKubeApiServer(FakeKubeOptions options = {});
  ~FakeKubeApiServer();
  FakeKubeApiServer(const FakeKubeApiServer&) = delete;
  FakeKubeApiServer& operator=(const FakeKubeApiServer&) = delete;

  // Listens on 127.0.0.1:`port` (0 picks a free port) in a background thread.
  Status Start(int port = 0);
  void Stop();
  int port() const { return port_; }
  std::string url() const;

  // Stores an object as if it had been created; its kind must be in the kind table.
  Status Seed(Json object);

  // Returns the stored object at an API path such as "/api/v1/namespaces/a/pods/p", or null.
  Json Get(const std::string& path) const;
  std::vector<RecordedRequest> requests() const;

 private:
  void Handle(const httplib::Request& request, httplib::Response& response);

  FakeKubeOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, Json> objects_;  // by API path
  std::vector<RecordedRequest> requests_;
  long resource_version_ = 1000;
};

}  // namespace rampart::remediate::testing
