// Checks of how a request frames its body (RFC 9112, section 6): its Content-Length and
// Transfer-Encoding headers, before any of the body is read.
#pragma once

#include <optional>
#include <string>

namespace httplib {
struct Request;
}  // namespace httplib

namespace rampart::server {

// The reason that the server must not read a request's body, and the status to respond with.
struct FramingError {
  int status = 400;     // 400, 415 for a media type, or 501 for a transfer coding
  std::string message;  // names the header, its value and the fix
};

// Returns the framing error of `request`, or nullopt when its body can be read. A transfer
// coding other than chunked, which the server cannot decode, gets 501. These get 400: a
// Content-Length that is not a number of bytes (1*DIGIT), differing Content-Length values,
// Content-Length together with Transfer-Encoding, and a Transfer-Encoding that names no coding
// or chunked more than once.
std::optional<FramingError> CheckBodyFraming(const httplib::Request& request);

// Returns a 415 error for a multipart body, such as curl -F sends, and nullopt otherwise. No
// endpoint takes one, and the HTTP library would try to parse it into form fields.
std::optional<FramingError> CheckBodyMediaType(const httplib::Request& request);

}  // namespace rampart::server
