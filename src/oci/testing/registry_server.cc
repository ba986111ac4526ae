#include "oci/testing/registry_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "core/hash.h"
#include "core/json.h"
#include "net/http_client.h"

namespace rampart::oci::testing {

namespace {

std::string HttpFailure(const Result<net::HttpResponse>& response) {
  if (!response) {
    return response.status().ToString();
  }
  return fmt::format("HTTP {} {}", response->status, response->body);
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

RegistryServer::RegistryServer() {
  std::random_device device;
  dir_ = (std::filesystem::temp_directory_path() /
          fmt::format("rampart-registry-{}-{:08x}", ::getpid(), device()))
             .string();
  std::filesystem::create_directories(dir_);
}

RegistryServer::~RegistryServer() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void RegistryServer::Stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

Status RegistryServer::Start() {
  port_ = FreeLoopbackPort();
  const std::string config = dir_ + "/config.yml";
  std::ofstream(config) << fmt::format(
      "version: 0.1\n"
      "log: {{level: error}}\n"
      "storage: {{filesystem: {{rootdirectory: {}/data}}, delete: {{enabled: true}}}}\n"
      "http: {{addr: 127.0.0.1:{}}}\n",
      dir_, port_);
  pid_ = ::fork();
  if (pid_ == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    ::execl("/usr/bin/docker-registry", "docker-registry", "serve", config.c_str(), nullptr);
    ::_exit(127);
  }
  for (int attempt = 0; attempt < 200; ++attempt) {
    net::HttpRequest request;
    request.url = url() + "/v2/";
    request.timeout = std::chrono::milliseconds(1000);
    auto response = net::SendHttp(request);
    if (response && response->status == 200) {
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Unavailable("docker-registry did not answer on " + url());
}

Result<PushedContent> RegistryServer::PushBlob(const std::string& repository,
                                               const std::string& content,
                                               const std::string& media_type) {
  const PushedContent blob{media_type, "sha256:" + Sha256Hex(content), content.size()};
  net::HttpRequest start;
  start.method = "POST";
  start.url = fmt::format("{}/v2/{}/blobs/uploads/", url(), repository);
  auto started = net::SendHttp(start);
  if (!started || started->status != 202) {
    return Internal("blob upload did not start: " + HttpFailure(started));
  }
  std::string location = started->Header("location");
  if (!location.empty() && location.front() == '/') {
    location = url() + location;
  }
  net::HttpRequest put;
  put.method = "PUT";
  put.url =
      location + (location.find('?') == std::string::npos ? "?" : "&") + "digest=" + blob.digest;
  put.body = content;
  put.headers = {{"Content-Type", "application/octet-stream"}};
  auto uploaded = net::SendHttp(put);
  if (!uploaded || uploaded->status != 201) {
    return Internal("blob upload failed: " + HttpFailure(uploaded));
  }
  return blob;
}

Result<PushedContent> RegistryServer::PushManifest(const std::string& repository,
                                                   const std::string& reference,
                                                   const std::string& body,
                                                   const std::string& media_type) {
  net::HttpRequest put;
  put.method = "PUT";
  put.url = fmt::format("{}/v2/{}/manifests/{}", url(), repository, reference);
  put.body = body;
  put.headers = {{"Content-Type", media_type}};
  auto stored = net::SendHttp(put);
  if (!stored || stored->status != 201) {
    return Internal("manifest upload failed: " + HttpFailure(stored));
  }
  return PushedContent{media_type, "sha256:" + Sha256Hex(body), body.size()};
}

Result<PushedContent> RegistryServer::PushImage(const std::string& repository,
                                                const std::string& tag) {
  const std::string config = fmt::format(
      R"({{"architecture":"amd64","os":"linux","config":{{"Labels":{{"tag":"{}"}}}},"rootfs":{{"type":"layers","diff_ids":[]}}}})",
      tag);
  auto blob = PushBlob(repository, config, "application/vnd.oci.image.config.v1+json");
  if (!blob) {
    return blob.status();
  }
  const std::string manifest = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"{}","config":{{"mediaType":"{}","digest":"{}","size":{}}},"layers":[]}})",
      kOciManifest, blob->media_type, blob->digest, blob->size);
  return PushManifest(repository, tag, manifest, kOciManifest);
}

Result<std::string> RegistryServer::PushTag(const std::string& repository, const std::string& tag) {
  auto image = PushImage(repository, tag);
  if (!image) {
    return image.status();
  }
  return image->digest;
}

Status RegistryServer::AttachReferrerSbom(const std::string& repository,
                                          const PushedContent& subject, const std::string& sbom,
                                          const std::string& media_type) {
  auto empty = PushBlob(repository, "{}", "application/vnd.oci.empty.v1+json");
  auto layer = PushBlob(repository, sbom, media_type);
  if (!empty || !layer) {
    return !empty ? empty.status() : layer.status();
  }
  const auto descriptor = [](const PushedContent& content) {
    return Json{
        {"mediaType", content.media_type}, {"digest", content.digest}, {"size", content.size}};
  };
  const Json artifact = {{"schemaVersion", 2},
                         {"mediaType", kOciManifest},
                         {"artifactType", media_type},
                         {"config", descriptor(*empty)},
                         {"layers", Json::array({descriptor(*layer)})},
                         {"subject", descriptor(subject)}};
  const std::string artifact_body = artifact.dump();
  auto pushed =
      PushManifest(repository, "sha256:" + Sha256Hex(artifact_body), artifact_body, kOciManifest);
  if (!pushed) {
    return pushed.status();
  }
  Json listed = descriptor(*pushed);
  listed["artifactType"] = media_type;
  const Json index = {
      {"schemaVersion", 2}, {"mediaType", kOciIndex}, {"manifests", Json::array({listed})}};
  const std::string tag = "sha256-" + subject.digest.substr(7);
  auto stored = PushManifest(repository, tag, index.dump(), kOciIndex);
  return stored ? Status::Ok() : stored.status();
}

Status RegistryServer::AttachCosignSbom(const std::string& repository,
                                        const std::string& subject_digest, const std::string& sbom,
                                        const std::string& media_type) {
  auto config = PushBlob(repository, R"({"architecture":"","os":"","config":{}})",
                         "application/vnd.oci.image.config.v1+json");
  auto layer = PushBlob(repository, sbom, media_type);
  if (!config || !layer) {
    return !config ? config.status() : layer.status();
  }
  const std::string manifest = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"{}","config":{{"mediaType":"{}","digest":"{}","size":{}}},"layers":[{{"mediaType":"{}","digest":"{}","size":{}}}]}})",
      kOciManifest, config->media_type, config->digest, config->size, layer->media_type,
      layer->digest, layer->size);
  const std::string tag = "sha256-" + subject_digest.substr(7) + ".sbom";
  auto stored = PushManifest(repository, tag, manifest, kOciManifest);
  return stored ? Status::Ok() : stored.status();
}

bool RegistryAvailable() { return ::access("/usr/bin/docker-registry", X_OK) == 0; }

}  // namespace rampart::oci::testing
