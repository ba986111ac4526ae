// A real nats-server with JetStream for tests: Debian's /usr/sbin/nats-server on 127.0.0.1,
// a free port and a temporary store folder. It can be killed with SIGKILL and started again
// on the same port and folder, so tests can check what survives a crash.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.h"

namespace rampart::bus::testing {

inline constexpr const char* kNatsServerPath = "/usr/sbin/nats-server";

// Starts `args` (args[0] an absolute path, no shell) with standard output and standard error
// appended to `log_path`, and returns its process id.
Result<pid_t> SpawnWithLog(std::vector<std::string> args, const std::string& log_path);

// Not thread-safe: one test thread starts and stops the server.
class NatsServer {
 public:
  explicit NatsServer(std::string binary = kNatsServerPath);
  ~NatsServer();  // kills the server and removes the store folder
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  // Starts the server and waits until it accepts connections. The first call picks a free
  // port, and later calls reuse that port and the store folder. Fails with a message naming
  // scripts/install-deps when the binary is missing.
  Status Start();

  // Kills the server with SIGKILL, as a crash would, and waits for it to exit.
  void Kill();

  // Returns "nats://127.0.0.1:PORT".
  std::string url() const;
  int port() const { return port_; }
  const std::string& store_dir() const { return store_dir_; }

 private:
  Status WaitUntilAccepting();

  std::string binary_;
  std::string dir_;        // removed on destruction
  std::string store_dir_;  // JetStream's -sd folder, inside dir_
  std::string log_path_;   // the server's output, quoted in start errors
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace rampart::bus::testing
