#include "remediate/testing/test_util.h"

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
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/hash.h"
#include "remediate/http_client.h"
#include "remediate/subprocess.h"

namespace rampart::remediate::testing {

TempDir::TempDir() {
  std::random_device device;
  path_ = (std::filesystem::temp_directory_path() /
           fmt::format("rampart-test-{}-{:08x}", ::getpid(), device()))
              .string();
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Result<std::string> RunTool(const std::vector<std::string>& argv, const std::string& dir) {
  ProcessOptions options;
  auto program = FindExecutable(argv.at(0), "/usr/bin:/bin:/usr/sbin:/sbin");
  if (!program) {
    return program.status();
  }
  options.argv = argv;
  options.argv[0] = *program;
  options.working_dir = dir;
  options.environment = {"PATH=/usr/bin:/bin",
                         "HOME=/nonexistent",
                         "GIT_CONFIG_NOSYSTEM=1",
                         "GIT_AUTHOR_NAME=Test",
                         "GIT_AUTHOR_EMAIL=test@localhost",
                         "GIT_COMMITTER_NAME=Test",
                         "GIT_COMMITTER_EMAIL=test@localhost"};
  options.timeout = std::chrono::milliseconds(60000);
  options.max_output_bytes = 16 << 20;
  auto result = RunProcess(options);
  if (!result) {
    return result.status();
  }
  if (result->exit_code != 0) {
    return Internal(
        fmt::format("{} exited with {}: {}", argv[0], result->exit_code, result->stderr_text));
  }
  return result->stdout_text;
}

void WriteText(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int FreePort() {
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

Status InitGitRepository(const std::string& dir) {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"git", "init", "-q", "-b", "main"},
        std::vector<std::string>{"git", "add", "-A"},
        std::vector<std::string>{"git", "commit", "-q", "-m", "Add manifests"}}) {
    auto ran = RunTool(argv, dir);
    if (!ran) {
      return ran.status();
    }
  }
  return Status::Ok();
}

bool RegistryAvailable() { return ::access("/usr/bin/docker-registry", X_OK) == 0; }

RegistryServer::~RegistryServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

Status RegistryServer::Start() {
  port_ = FreePort();
  const std::string config = dir_.path() + "/config.yml";
  WriteText(config, fmt::format("version: 0.1\n"
                                "log: {{level: error}}\n"
                                "storage: {{filesystem: {{rootdirectory: {}/data}}, "
                                "delete: {{enabled: true}}}}\n"
                                "http: {{addr: 127.0.0.1:{}}}\n",
                                dir_.path(), port_));
  pid_ = ::fork();
  if (pid_ == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    ::execl("/usr/bin/docker-registry", "docker-registry", "serve", config.c_str(), nullptr);
    ::_exit(127);
  }
  for (int attempt = 0; attempt < 200; ++attempt) {
    HttpRequest request;
    request.url = url() + "/v2/";
    request.timeout = std::chrono::milliseconds(1000);
    auto response = SendHttp(request);
    if (response && response->status == 200) {
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Unavailable("docker-registry did not answer on " + url());
}

Result<std::string> RegistryServer::PushTag(const std::string& repository, const std::string& tag) {
  const std::string config = fmt::format(
      R"({{"architecture":"amd64","os":"linux","config":{{"Labels":{{"tag":"{}"}}}},"rootfs":{{"type":"layers","diff_ids":[]}}}})",
      tag);
  const std::string config_digest = "sha256:" + Sha256Hex(config);

  HttpRequest start;
  start.method = "POST";
  start.url = fmt::format("{}/v2/{}/blobs/uploads/", url(), repository);
  auto started = SendHttp(start);
  if (!started || started->status != 202) {
    return Internal("blob upload did not start");
  }
  std::string location = started->Header("location");
  if (!location.empty() && location.front() == '/') {
    location = url() + location;
  }
  HttpRequest put;
  put.method = "PUT";
  put.url =
      location + (location.find('?') == std::string::npos ? "?" : "&") + "digest=" + config_digest;
  put.body = config;
  put.headers = {{"Content-Type", "application/octet-stream"}};
  auto uploaded = SendHttp(put);
  if (!uploaded || uploaded->status != 201) {
    return Internal(fmt::format("blob upload failed: HTTP {}", uploaded ? uploaded->status : 0));
  }

  const std::string manifest = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[]}})",
      config_digest, config.size());
  HttpRequest put_manifest;
  put_manifest.method = "PUT";
  put_manifest.url = fmt::format("{}/v2/{}/manifests/{}", url(), repository, tag);
  put_manifest.body = manifest;
  put_manifest.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}};
  auto stored = SendHttp(put_manifest);
  if (!stored || stored->status != 201) {
    return Internal(fmt::format("manifest upload failed: HTTP {} {}", stored ? stored->status : 0,
                                stored ? stored->body : ""));
  }
  return "sha256:" + Sha256Hex(manifest);
}

}  // namespace rampart::remediate::testing
