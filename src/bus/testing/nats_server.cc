#include "bus/testing/nats_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

extern char** environ;

namespace rampart::bus::testing {
namespace {

// Binds port 0 on 127.0.0.1 and returns the port the kernel chose, or 0 on failure.
int PickFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

bool AcceptsConnections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

std::string ReadLog(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<pid_t> SpawnWithLog(std::vector<std::string> args, const std::string& log_path) {
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return IoError(fmt::format("cannot start {}: {}", args[0], std::strerror(spawned)));
  }
  return pid;
}

NatsServer::NatsServer(std::string binary) : binary_(std::move(binary)) {
  std::random_device device;
  dir_ = (std::filesystem::temp_directory_path() /
          fmt::format("rampart-nats-{}-{:08x}", ::getpid(), device()))
             .string();
  store_dir_ = dir_ + "/jetstream";
  log_path_ = dir_ + "/nats-server.log";
  std::filesystem::create_directories(store_dir_);
}

NatsServer::~NatsServer() {
  Kill();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void NatsServer::Kill() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string NatsServer::url() const { return fmt::format("nats://127.0.0.1:{}", port_); }

Status NatsServer::Start() {
  if (pid_ > 0) {
    return FailedPrecondition("nats-server is already running on " + url());
  }
  if (::access(binary_.c_str(), X_OK) != 0) {
    return NotFound(fmt::format(
        "{} is missing; run scripts/install-deps as root, which installs the nats-server package",
        binary_));
  }
  if (port_ == 0) {
    port_ = PickFreePort();
    if (port_ == 0) {
      return Unavailable("no free TCP port on 127.0.0.1 for nats-server");
    }
  }
  auto pid = SpawnWithLog(
      {binary_, "-js", "-a", "127.0.0.1", "-p", std::to_string(port_), "-sd", store_dir_},
      log_path_);
  if (!pid) {
    return pid.status();
  }
  pid_ = *pid;
  return WaitUntilAccepting();
}

Status NatsServer::WaitUntilAccepting() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int wait_status = 0;
    if (::waitpid(pid_, &wait_status, WNOHANG) == pid_) {
      pid_ = -1;
      return Unavailable(fmt::format("nats-server exited at start on port {}; its log: {}", port_,
                                     ReadLog(log_path_)));
    }
    if (AcceptsConnections(port_)) {
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return Unavailable(
      fmt::format("nats-server did not accept connections on {} within 20 s; its log: {}", url(),
                  ReadLog(log_path_)));
}

}  // namespace rampart::bus::testing
