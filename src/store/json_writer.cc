#include "store/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace rampart::store {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendEscape(unsigned char c, std::string& out) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
  }
}

// Returns nonzero when one of the eight bytes in `word` needs more than a copy: a control
// character, '"', '\\' or a byte of a multi-byte UTF-8 sequence. It may also return nonzero
// for a word without such a byte, but never zero for one with it. The bytes are tested at
// once: (x - 0x01..) & ~x & 0x80.. is nonzero when a byte of x is zero, and
// (x - 0x20..) & ~x & 0x80.. when a byte of x is below 0x20.
std::uint64_t SpecialBytes(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  const std::uint64_t quote = word ^ (kOnes * '"');
  const std::uint64_t backslash = word ^ (kOnes * '\\');
  const std::uint64_t control = word - kOnes * 0x20;
  const std::uint64_t flags =
      ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | (control & ~word) | word;
  return flags & kHigh;
}

bool WriteString(const std::string& text, std::string& out) {
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  const auto* run = p;
  while (p < end) {
    if (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if (SpecialBytes(word) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++p;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t length = Utf8SequenceLength(p, end);
      if (length == 0) {
        return false;
      }
      p += length;
      continue;
    }
    out.append(reinterpret_cast<const char*>(run), p - run);
    AppendEscape(c, out);
    run = ++p;
  }
  out.append(reinterpret_cast<const char*>(run), p - run);
  out += '"';
  return true;
}

void WriteFloat(double number, std::string& out) {
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  const std::string_view text(buffer, result.ptr - buffer);
  out += text;
  // Json::dump keeps a float recognizable as one: 40.0 rather than 40.
  if (text.find_first_of(".e") == std::string_view::npos) {
    out += ".0";
  }
}

template <typename Integer>
void WriteInteger(Integer number, std::string& out) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  out.append(buffer, result.ptr);
}

bool Write(const Json& value, std::string& out) {
  switch (value.type()) {
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) {
          out += ',';
        }
        first = false;
        if (!WriteString(it.key(), out)) {
          return false;
        }
        out += ':';
        if (!Write(*it, out)) {
          return false;
        }
      }
      out += '}';
      return true;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& element : value) {
        if (!first) {
          out += ',';
        }
        first = false;
        if (!Write(element, out)) {
          return false;
        }
      }
      out += ']';
      return true;
    }
    case Json::value_t::string:
      return WriteString(value.get_ref<const std::string&>(), out);
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return true;
    case Json::value_t::number_integer:
      WriteInteger(value.get<std::int64_t>(), out);
      return true;
    case Json::value_t::number_unsigned:
      WriteInteger(value.get<std::uint64_t>(), out);
      return true;
    case Json::value_t::number_float:
      WriteFloat(value.get<double>(), out);
      return true;
    case Json::value_t::null:
    case Json::value_t::binary:
    case Json::value_t::discarded:
      out += "null";
      return true;
  }
  return true;
}

}  // namespace

bool WriteJson(const Json& value, std::string& out) {
  out.clear();
  return Write(value, out);
}

bool EscapesNul(std::string_view text) {
  for (auto position = text.find("u0000"); position != std::string_view::npos;
       position = text.find("u0000", position + 1)) {
    std::size_t backslashes = 0;
    while (backslashes < position && text[position - backslashes - 1] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 1) {
      return true;
    }
  }
  return false;
}

}  // namespace rampart::store
