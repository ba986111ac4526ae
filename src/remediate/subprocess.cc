#include "remediate/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rampart::remediate {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read_end;
  Fd write_end;
};

Status MakePipe(Pipe& pipe) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return IoError(fmt::format("pipe failed: {}", std::strerror(errno)));
  }
  pipe.read_end.Reset(fds[0]);
  pipe.write_end.Reset(fds[1]);
  return Status::Ok();
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (const std::string& s : strings) {
    pointers.push_back(const_cast<char*>(s.c_str()));
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Runs in the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(const std::string& program, char* const* argv, char* const* envp,
                            const char* working_dir, int stdin_fd, int stdout_fd, int stderr_fd,
                            int error_fd) {
  ::setpgid(0, 0);
  ::signal(SIGPIPE, SIG_DFL);
  if (::dup2(stdin_fd, 0) < 0 || ::dup2(stdout_fd, 1) < 0 || ::dup2(stderr_fd, 2) < 0) {
    const int error = errno;
    (void)!::write(error_fd, &error, sizeof error);
    ::_exit(127);
  }
  if (working_dir != nullptr && ::chdir(working_dir) != 0) {
    const int error = errno;
    (void)!::write(error_fd, &error, sizeof error);
    ::_exit(127);
  }
  ::execve(program.c_str(), argv, envp);
  const int error = errno;
  (void)!::write(error_fd, &error, sizeof error);
  ::_exit(127);
}

// Writes to a pipe whose reader may be gone without letting SIGPIPE end this process: the
// signal is blocked in this thread for the call, and a pending one is consumed.
ssize_t WriteWithoutSigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  const ssize_t put = ::write(fd, data, size);
  const int write_errno = errno;
  if (put < 0 && write_errno == EPIPE) {
    const timespec no_wait{0, 0};
    sigtimedwait(&pipe_set, nullptr, &no_wait);
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  errno = write_errno;
  return put;
}

void AppendBounded(std::string& text, std::size_t& dropped, const char* data, std::size_t size,
                   std::size_t max_bytes) {
  const std::size_t room = text.size() < max_bytes ? max_bytes - text.size() : 0;
  const std::size_t kept = size < room ? size : room;
  text.append(data, kept);
  dropped += size - kept;
}

// Moves data between the parent and the child until both output pipes close or the
// deadline passes. Returns false on timeout.
bool PumpPipes(Fd& stdin_fd, Fd& stdout_fd, Fd& stderr_fd, const ProcessOptions& options,
               ProcessResult& result, SteadyClock::time_point deadline) {
  std::size_t written = 0;
  if (options.stdin_data.empty()) {
    stdin_fd.Close();
  }
  char buffer[16384];
  while (stdout_fd.get() >= 0 || stderr_fd.get() >= 0) {
    const auto now = SteadyClock::now();
    if (now >= deadline) {
      return false;
    }
    pollfd fds[3] = {
        {stdout_fd.get(), POLLIN, 0}, {stderr_fd.get(), POLLIN, 0}, {stdin_fd.get(), POLLOUT, 0}};
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    const int ready = ::poll(fds, 3, static_cast<int>(wait));
    if (ready < 0 && errno != EINTR) {
      return true;
    }
    for (int i = 0; i < 2; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      Fd& fd = i == 0 ? stdout_fd : stderr_fd;
      const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
      if (got <= 0) {
        if (got == 0 || errno != EINTR) {
          fd.Close();
        }
        continue;
      }
      std::string& text = i == 0 ? result.stdout_text : result.stderr_text;
      std::size_t& dropped = i == 0 ? result.stdout_dropped : result.stderr_dropped;
      AppendBounded(text, dropped, buffer, static_cast<std::size_t>(got), options.max_output_bytes);
    }
    if ((fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t put = WriteWithoutSigpipe(stdin_fd.get(), options.stdin_data.data() + written,
                                              options.stdin_data.size() - written);
      if (put < 0 && errno != EAGAIN && errno != EINTR) {
        stdin_fd.Close();  // the child closed its input; the rest of it is not wanted
      } else if (put > 0) {
        written += static_cast<std::size_t>(put);
        if (written == options.stdin_data.size()) {
          stdin_fd.Close();
        }
      }
    }
  }
  return true;
}

// Waits for the child until the deadline; on timeout kills its process group first.
void Reap(pid_t pid, bool timed_out, SteadyClock::time_point deadline, ProcessResult& result) {
  int wait_status = 0;
  while (!timed_out) {
    const pid_t done = ::waitpid(pid, &wait_status, WNOHANG);
    if (done == pid) {
      break;
    }
    if (SteadyClock::now() >= deadline) {
      timed_out = true;
      break;
    }
    ::usleep(2000);
  }
  if (timed_out) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &wait_status, 0);
    result.timed_out = true;
  }
  if (WIFEXITED(wait_status)) {
    result.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    result.term_signal = WTERMSIG(wait_status);
  }
  // Children that outlived the leader in its group would keep pipes or files busy.
  ::kill(-pid, SIGKILL);
}

}  // namespace

Result<std::string> FindExecutable(const std::string& name, const std::string& path_list) {
  if (name.empty()) {
    return InvalidArgument("program name is empty");
  }
  if (name.find('/') != std::string::npos) {
    return name;
  }
  std::size_t start = 0;
  while (start <= path_list.size()) {
    std::size_t end = path_list.find(':', start);
    if (end == std::string::npos) {
      end = path_list.size();
    }
    const std::string dir = path_list.substr(start, end - start);
    if (!dir.empty()) {
      const std::string candidate = dir + "/" + name;
      struct stat info {};
      if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
          ::access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    start = end + 1;
  }
  return NotFound(
      fmt::format("program '{}' not found in PATH '{}'; give an absolute path", name, path_list));
}

Result<ProcessResult> RunProcess(const ProcessOptions& options) {
  if (options.argv.empty()) {
    return InvalidArgument("argv is empty; give at least the program");
  }
  Pipe in, out, err, exec_error;
  for (Pipe* pipe : {&in, &out, &err, &exec_error}) {
    RAMPART_RETURN_IF_ERROR(MakePipe(*pipe));
  }
  auto argv = CStrings(options.argv);
  auto envp = CStrings(options.environment);
  const char* working_dir = options.working_dir.empty() ? nullptr : options.working_dir.c_str();

  const auto deadline = SteadyClock::now() + options.timeout;
  const pid_t pid = ::fork();
  if (pid < 0) {
    return IoError(fmt::format("fork failed: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ExecChild(options.argv[0], argv.data(), envp.data(), working_dir, in.read_end.get(),
              out.write_end.get(), err.write_end.get(), exec_error.write_end.get());
  }
  ::setpgid(pid, pid);  // also set here, so a kill right after fork reaches the group
  in.read_end.Close();
  out.write_end.Close();
  err.write_end.Close();
  exec_error.write_end.Close();

  int exec_errno = 0;
  if (::read(exec_error.read_end.get(), &exec_errno, sizeof exec_errno) ==
      static_cast<ssize_t>(sizeof exec_errno)) {
    ::waitpid(pid, nullptr, 0);
    return NotFound(fmt::format("cannot run '{}': {}", options.argv[0], std::strerror(exec_errno)));
  }

  ::fcntl(in.write_end.get(), F_SETFL, O_NONBLOCK);
  ProcessResult result;
  const bool finished =
      PumpPipes(in.write_end, out.read_end, err.read_end, options, result, deadline);
  Reap(pid, !finished, deadline, result);
  return result;
}

}  // namespace rampart::remediate
