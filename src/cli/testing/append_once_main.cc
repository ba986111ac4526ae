// Test helper for the crash test of `rampart run`: appends the remediation's idempotency key
// (from RAMPART_IDEMPOTENCY_KEY) as one line to FILE unless the file already has that line,
// under an exclusive lock. This is how a target honours idempotency keys, so that a
// remediation re-run after a crash does not repeat its effect.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: append-once FILE\n");
    return 2;
  }
  const char* key = std::getenv("RAMPART_IDEMPOTENCY_KEY");
  if (key == nullptr || *key == '\0') {
    std::fprintf(stderr, "append-once: RAMPART_IDEMPOTENCY_KEY is not set\n");
    return 2;
  }
  const int fd = ::open(argv[1], O_RDWR | O_CREAT | O_APPEND, 0644);
  if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
    std::perror("append-once");
    return 2;
  }
  std::string content;
  char buffer[65536];
  ssize_t n = 0;
  ::lseek(fd, 0, SEEK_SET);
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) {
    content.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string line = std::string(key) + "\n";
  if (content.find(line) == std::string::npos) {
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      std::perror("append-once");
      return 2;
    }
    ::fsync(fd);
  }
  ::close(fd);
  return 0;
}
