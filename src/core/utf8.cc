#include "core/utf8.h"

#include <algorithm>

namespace rampart {

std::size_t Utf8SequenceLength(const unsigned char* p, const unsigned char* end) {
  const unsigned char lead = p[0];
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    low = lead == 0xe0 ? 0xa0 : 0x80;
    high = lead == 0xed ? 0x9f : 0xbf;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    low = lead == 0xf0 ? 0x90 : 0x80;
    high = lead == 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < length || p[1] < low || p[1] > high) {
    return 0;
  }
  for (std::size_t i = 2; i < length; ++i) {
    if (p[i] < 0x80 || p[i] > 0xbf) {
      return 0;
    }
  }
  return length;
}

std::size_t FindInvalidUtf8(std::string_view text) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = begin + text.size();
  for (const unsigned char* p = begin; p < end;) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::size_t length = Utf8SequenceLength(p, end);
    if (length == 0) {
      return static_cast<std::size_t>(p - begin);
    }
    p += length;
  }
  return std::string_view::npos;
}

std::size_t CountCharacters(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return count;
}

std::string ToValidUtf8(std::string_view text) {
  std::size_t invalid = FindInvalidUtf8(text);
  if (invalid == std::string_view::npos) {
    return std::string(text);
  }
  const auto* end = reinterpret_cast<const unsigned char*>(text.data()) + text.size();
  std::string out(text.substr(0, invalid));
  for (std::size_t i = invalid; i < text.size();) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + i;
    const std::size_t length = *p < 0x80 ? 1 : Utf8SequenceLength(p, end);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string CutCharacters(const std::string& text, std::size_t max_characters) {
  if (CountCharacters(text) <= max_characters) {
    return text;
  }
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = begin + text.size();
  const auto* position = begin;
  for (std::size_t kept = 0; kept + 3 < max_characters && position < end; ++kept) {
    // The text is valid UTF-8, so only an ASCII byte has no multi-byte sequence.
    const std::size_t length = *position < 0x80 ? 1 : Utf8SequenceLength(position, end);
    position += length == 0 ? 1 : length;
  }
  return text.substr(0, static_cast<std::size_t>(position - begin)) + "...";
}

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace rampart
