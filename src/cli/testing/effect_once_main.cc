// Test helper for scripts/scale-test: the effect of an `exec` target that honours idempotency
// keys, made cheap enough for 100,000 calls. Every call appends its key to DIR/runs.log. The
// first call with a key (from RAMPART_IDEMPOTENCY_KEY) also appends "FINDING-ID KEY" to
// DIR/effects.log and creates the marker DIR/keys/KEY; later calls with that key change
// nothing else. Both happen under an exclusive lock on DIR/lock, and the line is synced
// before the marker is made. The finding Id is the first "Id" member in the event on
// standard input, which is the first finding's Id in an event that Rampart writes with
// sorted keys.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>

namespace {

bool SafeKey(const std::string& key) {
  if (key.empty() || key.size() > 200) {
    return false;
  }
  for (const char c : key) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == ':';
    if (!plain) {
      return false;
    }
  }
  return key != "." && key != "..";
}

std::string FindingId(const std::string& event) {
  const std::string marker = "\"Id\":\"";
  const std::size_t start = event.find(marker);
  if (start == std::string::npos) {
    return "";
  }
  const std::size_t begin = start + marker.size();
  const std::size_t end = event.find('"', begin);
  return end == std::string::npos ? "" : event.substr(begin, end - begin);
}

bool AppendLine(const std::string& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) {
    return false;
  }
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return written && synced;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr,
                 "usage: effect-once DIR   (key in RAMPART_IDEMPOTENCY_KEY, event on stdin)\n");
    return 2;
  }
  const std::string dir = argv[1];
  const char* key_value = std::getenv("RAMPART_IDEMPOTENCY_KEY");
  const std::string key = key_value == nullptr ? "" : key_value;
  if (!SafeKey(key)) {
    std::fprintf(stderr,
                 "effect-once: RAMPART_IDEMPOTENCY_KEY \"%s\" is missing or not a plain name\n",
                 key.c_str());
    return 2;
  }
  const std::string event(std::istreambuf_iterator<char>(std::cin), {});
  const std::string finding_id = FindingId(event);
  if (finding_id.empty()) {
    std::fprintf(stderr, "effect-once: the event on stdin has no finding Id\n");
    return 2;
  }

  const int lock = ::open((dir + "/lock").c_str(), O_RDWR | O_CREAT, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
    std::perror("effect-once: lock");
    return 75;  // EX_TEMPFAIL: the engine retries
  }
  ::mkdir((dir + "/keys").c_str(), 0755);
  const std::string marker = dir + "/keys/" + key;
  bool ok = AppendLine(dir + "/runs.log", key + "\n");
  struct stat info {};
  if (ok && ::stat(marker.c_str(), &info) != 0) {
    ok = AppendLine(dir + "/effects.log", finding_id + " " + key + "\n");
    const int marker_fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    ok = ok && marker_fd >= 0;
    if (marker_fd >= 0) {
      ::close(marker_fd);
    }
  }
  ::close(lock);
  if (!ok) {
    std::perror("effect-once");
    return 75;
  }
  return 0;
}
