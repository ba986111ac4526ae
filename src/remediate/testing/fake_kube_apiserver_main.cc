// fake-kube-apiserver: the test fake of the Kubernetes API as a program, for the demo.
#include <csignal>
#include <cstdio>
#include <thread>

#include <CLI/CLI.hpp>

#include "core/file.h"
#include "remediate/job_template.h"
#include "remediate/testing/fake_kube_apiserver.h"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void RequestStop(int) { stop_requested = 1; }

// Loads a JSON or YAML file holding one object, a list, or an object with "items".
rampart::Status SeedFromFile(rampart::remediate::testing::FakeKubeApiServer& server,
                             const std::string& path) {
  auto text = rampart::ReadFile(path, 64 << 20);
  if (!text) {
    return text.status();
  }
  auto document = rampart::remediate::YamlToJson(*text, path, 256);
  if (!document) {
    return document.status();
  }
  rampart::Json items = document->is_array()          ? *document
                        : document->contains("items") ? (*document)["items"]
                                                      : rampart::Json::array({*document});
  for (rampart::Json& item : items) {
    RAMPART_RETURN_IF_ERROR(server.Seed(item).WithContext(path));
  }
  return rampart::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fake Kubernetes API server on 127.0.0.1 for tests and the demo"};
  int port = 0;
  rampart::remediate::testing::FakeKubeOptions options;
  std::vector<std::string> seeds;
  app.add_option("--port", port, "TCP port on 127.0.0.1 to listen on; 0 picks a free one");
  app.add_option("--token", options.token,
                 "bearer token every request must carry; empty accepts any request");
  app.add_option("--seed", seeds,
                 "JSON or YAML file of objects (a list or a List) to serve from the start");
  app.add_option("--tls-cert", options.tls_cert_file, "PEM server certificate; enables HTTPS");
  app.add_option("--tls-key", options.tls_key_file, "PEM private key of --tls-cert");
  app.add_option("--client-ca", options.client_ca_file,
                 "PEM CA that client certificates must chain to; requires --tls-cert");
  CLI11_PARSE(app, argc, argv);

  rampart::remediate::testing::FakeKubeApiServer server(options);
  for (const std::string& seed : seeds) {
    const rampart::Status status = SeedFromFile(server, seed);
    if (!status.ok()) {
      std::fprintf(stderr, "fake-kube-apiserver: %s\n", status.ToString().c_str());
      return 2;
    }
  }
  const rampart::Status started = server.Start(port);
  if (!started.ok()) {
    std::fprintf(stderr, "fake-kube-apiserver: %s\n", started.ToString().c_str());
    return 1;
  }
  std::signal(SIGINT, RequestStop);
  std::signal(SIGTERM, RequestStop);
  std::printf("fake-kube-apiserver listening on %s\n", server.url().c_str());
  std::fflush(stdout);
  while (stop_requested == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  server.Stop();
  return 0;
}
