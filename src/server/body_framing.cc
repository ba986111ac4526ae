#include "server/body_framing.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace rampart::server {
namespace {

constexpr std::string_view kSpaces = " \t";

std::string_view Trim(std::string_view text) {
  const std::size_t start = text.find_first_not_of(kSpaces);
  if (start == std::string_view::npos) {
    return {};
  }
  return text.substr(start, text.find_last_not_of(kSpaces) - start + 1);
}

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Transfer-coding names are case-insensitive (RFC 9112, section 7).
bool IsChunked(std::string_view coding) {
  constexpr std::string_view kChunked = "chunked";
  return coding.size() == kChunked.size() &&
         std::equal(coding.begin(), coding.end(), kChunked.begin(), [](char got, char expected) {
           return std::tolower(static_cast<unsigned char>(got)) == expected;
         });
}

// Returns the codings of every Transfer-Encoding line in order. Empty list elements are
// skipped, as RFC 9110 (section 5.6.1) requires of recipients.
std::vector<std::string> TransferCodings(const httplib::Request& request) {
  std::vector<std::string> codings;
  const std::size_t lines = request.get_header_value_count("Transfer-Encoding");
  for (std::size_t i = 0; i < lines; ++i) {
    const std::string value = request.get_header_value("Transfer-Encoding", i);
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view coding = Trim(rest.substr(0, comma));
      if (!coding.empty()) {
        codings.emplace_back(coding);
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return codings;
}

std::optional<FramingError> CheckContentLength(const httplib::Request& request) {
  const std::size_t lengths = request.get_header_value_count("Content-Length");
  for (std::size_t i = 0; i < lengths; ++i) {
    const std::string value = request.get_header_value("Content-Length", i);
    if (!IsDigits(Trim(value))) {
      return FramingError{400, fmt::format("Content-Length \"{}\" is not a number of bytes; send "
                                           "the body's size as digits, such as Content-Length: 42",
                                           value)};
    }
  }
  for (std::size_t i = 1; i < lengths; ++i) {
    if (Trim(request.get_header_value("Content-Length", i)) !=
        Trim(request.get_header_value("Content-Length", 0))) {
      return FramingError{400,
                          "the request has Content-Length headers with different values; send one"};
    }
  }
  return std::nullopt;
}

std::optional<FramingError> CheckTransferEncoding(const httplib::Request& request) {
  const std::vector<std::string> codings = TransferCodings(request);
  if (codings.empty()) {
    return FramingError{400,
                        "Transfer-Encoding names no transfer coding; send Transfer-Encoding: "
                        "chunked, or the body's size in Content-Length"};
  }
  // A server should respond 501 to a transfer coding it does not understand (RFC 9112, section
  // 6.1). This one decodes chunked only, so it cannot read the body of any other coding.
  for (const std::string& coding : codings) {
    if (!IsChunked(coding)) {
      return FramingError{
          501, fmt::format("Transfer-Encoding \"{}\" is not supported; the server reads chunked "
                           "bodies only, so send the body uncompressed with Transfer-Encoding: "
                           "chunked or with Content-Length",
                           coding)};
    }
  }
  if (codings.size() > 1) {
    return FramingError{400,
                        "Transfer-Encoding applies chunked more than once, which RFC 9112 "
                        "forbids; send Transfer-Encoding: chunked"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<FramingError> CheckBodyFraming(const httplib::Request& request) {
  if (auto error = CheckContentLength(request)) {
    return error;
  }
  // Both headers together let a request be smuggled past a proxy that reads the other one
  // (RFC 9112, section 6.3).
  const bool has_length = request.has_header("Content-Length");
  const bool has_coding = request.has_header("Transfer-Encoding");
  if (has_length && has_coding) {
    return FramingError{
        400, "the request has both Content-Length and Transfer-Encoding; send one of them"};
  }
  return has_coding ? CheckTransferEncoding(request) : std::nullopt;
}

std::optional<FramingError> CheckBodyMediaType(const httplib::Request& request) {
  std::string type(Trim(request.get_header_value("Content-Type")));
  type = type.substr(0, type.find(';'));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!type.starts_with("multipart/")) {
    return std::nullopt;
  }
  return FramingError{
      415, fmt::format("Content-Type {} is not supported: send the body itself as "
                       "application/json, or text/csv to a model (with curl, --data-binary @FILE "
                       "and -H 'Content-Type: ...' instead of -F)",
                       type)};
}

}  // namespace rampart::server
