// Plain-socket HTTP/1.1 helpers for tests that misbehave on purpose: partial requests, bodies
// sent byte by byte, false Content-Length, many connections at once.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace rampart::server::testing {

// A connected TCP socket to 127.0.0.1:port, closed on destruction; fd() is -1 on failure.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  int fd() const { return fd_; }
  bool Send(std::string_view data);
  // Reads until the server closes the connection or `timeout` passes; returns what arrived.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout);
  // Whether the server closed the connection (end of stream or reset) within `timeout`; bytes
  // the server sends before closing are read and dropped.
  bool ClosedWithin(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

// A POST request with `Connection: close`, a bearer token when `token` is not empty, and
// `headers` (each ending in \r\n) added as they are.
std::string PostRequest(const std::string& path, const std::string& token, const std::string& body,
                        const std::string& headers = "");

// The status code of a raw response, 0 when it does not start with an HTTP status line.
int StatusOf(const std::string& response);
// The body of a raw response (after the blank line), as sent.
std::string BodyOf(const std::string& response);

}  // namespace rampart::server::testing
