#include "store/sqlite_functions.h"

#include <arpa/inet.h>
#include <sqlite3.h>

#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace rampart::store::sqlite {
namespace {

std::string_view TextArgument(sqlite3_value* value) {
  if (sqlite3_value_type(value) != SQLITE_TEXT) {
    return {};
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
  return {text, static_cast<std::size_t>(sqlite3_value_bytes(value))};
}

void Micros(sqlite3_context* context, int, sqlite3_value** arguments) {
  const std::string_view text = TextArgument(arguments[0]);
  if (text.empty()) {
    sqlite3_result_null(context);
    return;
  }
  auto time = ParseTimestamp(text);
  if (!time) {
    sqlite3_result_null(context);
    return;
  }
  sqlite3_result_int64(context, ToUnixMicros(*time));
}

// An address in network byte order: 4 bytes for IPv4, 16 for IPv6; size 0 when invalid.
struct Address {
  unsigned char bytes[16] = {};
  int size = 0;
};

Address ParseAddress(std::string_view text) {
  Address address;
  const std::string copy(text);
  if (inet_pton(AF_INET, copy.c_str(), address.bytes) == 1) {
    address.size = 4;
  } else if (inet_pton(AF_INET6, copy.c_str(), address.bytes) == 1) {
    address.size = 16;
  }
  return address;
}

bool CidrContains(std::string_view cidr, std::string_view text) {
  const auto slash = cidr.find('/');
  const Address network = ParseAddress(cidr.substr(0, slash));
  const Address address = ParseAddress(text);
  if (network.size == 0 || network.size != address.size) {
    return false;
  }
  int prefix = network.size * 8;
  if (slash != std::string_view::npos) {
    const std::string_view digits = cidr.substr(slash + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (error != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > network.size * 8) {
      return false;
    }
  }
  const int whole_bytes = prefix / 8;
  if (std::memcmp(network.bytes, address.bytes, whole_bytes) != 0) {
    return false;
  }
  const int rest = prefix % 8;
  if (rest == 0) {
    return true;
  }
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (network.bytes[whole_bytes] & mask) == (address.bytes[whole_bytes] & mask);
}

void CidrContainsFunction(sqlite3_context* context, int, sqlite3_value** arguments) {
  sqlite3_result_int(context,
                     CidrContains(TextArgument(arguments[0]), TextArgument(arguments[1])) ? 1 : 0);
}

}  // namespace

Status RegisterFunctions(sqlite3* db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  if (sqlite3_create_function_v2(db, "rampart_micros", 1, kFlags, nullptr, Micros, nullptr, nullptr,
                                 nullptr) != SQLITE_OK ||
      sqlite3_create_function_v2(db, "rampart_cidr_contains", 2, kFlags, nullptr,
                                 CidrContainsFunction, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Internal(std::string("cannot register SQL functions: ") + sqlite3_errmsg(db));
  }
  return Status::Ok();
}

}  // namespace rampart::store::sqlite
