#include "store/testing/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <pqxx/pqxx>

extern char** environ;

namespace rampart::store::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kBinaryFolder = "/usr/lib/postgresql/15/bin";
constexpr const char* kRunuser = "/usr/sbin/runuser";
constexpr int kStartAttempts = 3;

// Returns the `postgres` user when this process is root, because initdb, pg_ctl and postgres
// reject root, and nullptr otherwise, when the binaries run as the current user.
const passwd* ServerUser() { return geteuid() == 0 ? getpwnam("postgres") : nullptr; }

std::string LogTail(const fs::path& log) {
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  constexpr std::size_t kTail = 2000;
  return all.size() > kTail ? all.substr(all.size() - kTail) : all;
}

// Runs `program` with `arguments` (as the server user when root), with its output appended
// to `log`, and waits for it. No shell is involved.
Status Run(const fs::path& program, const std::vector<std::string>& arguments,
           const fs::path& log) {
  std::vector<std::string> argv;
  if (ServerUser() != nullptr) {
    argv = {kRunuser, "-u", "postgres", "--"};
  }
  argv.push_back(program.string());
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::vector<char*> pointers;
  for (std::string& argument : argv) {
    pointers.push_back(argument.data());
  }
  pointers.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return Internal(fmt::format("cannot start {}: {}", argv[0], std::strerror(error)));
  }
  int wait_status = 0;
  if (waitpid(pid, &wait_status, 0) != pid) {
    return Internal(
        fmt::format("waiting for {} failed: {}", program.string(), std::strerror(errno)));
  }
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return Internal(
        fmt::format("{} failed; its output ends with:\n{}", program.string(), LogTail(log)));
  }
  return Status::Ok();
}

// Returns a TCP port on 127.0.0.1 that was free a moment ago. Another process may take it
// before the server binds it, so the caller retries the start with a new port.
Result<int> FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return Internal(fmt::format("socket: {}", std::strerror(errno)));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    close(fd);
    return Internal(fmt::format("cannot find a free port on 127.0.0.1: {}", std::strerror(error)));
  }
  close(fd);
  return static_cast<int>(ntohs(address.sin_port));
}

// Creates a fresh folder under /tmp that the server user owns, so it can create the data
// folder and the socket there.
Result<fs::path> MakeFolder() {
  std::string pattern = (fs::temp_directory_path() / "rampart-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Internal(fmt::format("mkdtemp {}: {}", pattern, std::strerror(errno)));
  }
  const passwd* user = ServerUser();
  if (user != nullptr && chown(pattern.c_str(), user->pw_uid, user->pw_gid) != 0) {
    return Internal(fmt::format("chown {} to postgres: {}", pattern, std::strerror(errno)));
  }
  return fs::path(pattern);
}

Status CheckBinaries() {
  for (const char* name : {"initdb", "pg_ctl", "postgres"}) {
    if (access((kBinaryFolder / name).c_str(), X_OK) != 0) {
      return FailedPrecondition(
          fmt::format("{} is missing, so the PostgreSQL tests cannot start a server; run "
                      "scripts/install-deps to install postgresql-15",
                      (kBinaryFolder / name).string()));
    }
  }
  if (geteuid() == 0 && ServerUser() == nullptr) {
    return FailedPrecondition(
        "the postgres user is missing; run scripts/install-deps to install postgresql-15");
  }
  return Status::Ok();
}

Status StartOnPort(const fs::path& folder, int port, Durability durability) {
  std::string options =
      fmt::format("-c listen_addresses=127.0.0.1 -p {} -k {}", port, folder.string());
  if (durability == Durability::kFast) {
    options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off";
  }
  return Run(kBinaryFolder / "pg_ctl",
             {"-D", (folder / "data").string(), "-l", (folder / "server.log").string(), "-w", "-t",
              "60", "-o", options, "start"},
             folder / "pg_ctl.log");
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::Start(Durability durability) {
  RAMPART_RETURN_IF_ERROR(CheckBinaries());
  auto folder = MakeFolder();
  if (!folder) {
    return folder.status();
  }
  // Owned from here on, so the folder is removed on every error below.
  std::unique_ptr<PostgresServer> server(new PostgresServer(*folder, 0));
  RAMPART_RETURN_IF_ERROR(Run(kBinaryFolder / "initdb",
                              {"-D", (*folder / "data").string(), "-U", "postgres", "--auth=trust",
                               "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"},
                              *folder / "initdb.log"));
  Status started;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    auto port = FreePort();
    if (!port) {
      return port.status();
    }
    started = StartOnPort(*folder, *port, durability);
    if (started.ok()) {
      server->port_ = *port;
      return server;
    }
  }
  return started.WithContext(fmt::format("server log {}:\n{}\n", (*folder / "server.log").string(),
                                         LogTail(*folder / "server.log")));
}

PostgresServer::~PostgresServer() {
  if (port_ != 0) {
    const Status stopped = Run(kBinaryFolder / "pg_ctl",
                               {"-D", (folder_ / "data").string(), "-m", "immediate", "-w", "stop"},
                               folder_ / "pg_ctl.log");
    if (!stopped.ok()) {
      std::fprintf(stderr, "stopping the test PostgreSQL server failed: %s\n",
                   stopped.ToString().c_str());
    }
  }
  std::error_code error;
  fs::remove_all(folder_, error);
}

Status PostgresServer::Restart() {
  return Run(kBinaryFolder / "pg_ctl",
             {"-D", (folder_ / "data").string(), "-m", "immediate", "-w", "-t", "60", "restart"},
             folder_ / "pg_ctl.log");
}

Result<std::string> PostgresServer::CreateDatabase() {
  const std::string name = fmt::format("rampart_test_{}", ++databases_);
  try {
    pqxx::connection connection(
        fmt::format("host=127.0.0.1 port={} user=postgres dbname=postgres", port_));
    pqxx::nontransaction work(connection);
    work.exec0(fmt::format("CREATE DATABASE {}", name));
  } catch (const std::exception& error) {
    return Internal(
        fmt::format("CREATE DATABASE {} on 127.0.0.1:{} failed: {}", name, port_, error.what()));
  }
  return fmt::format("postgresql://postgres@127.0.0.1:{}/{}", port_, name);
}

Result<PostgresServer*> SharedPostgresServer() {
  static Result<std::unique_ptr<PostgresServer>> server = PostgresServer::Start();
  if (!server) {
    return server.status();
  }
  return server->get();
}

}  // namespace rampart::store::testing
