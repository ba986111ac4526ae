#include "pattern/case_fold.h"

#include <cstdint>

namespace rampart::pattern {
namespace {

// Ranges of upper/lower pairs (Latin Extended, Cyrillic): each starts with an upper-case
// letter, so a code point at an even offset from `first` maps to the next one.
struct PairedRange {
  char32_t first;
  char32_t last;
};

constexpr PairedRange kPairedRanges[] = {
    {0x0100, 0x012F}, {0x0132, 0x0137}, {0x0139, 0x0148}, {0x014A, 0x0177},
    {0x0179, 0x017E}, {0x0460, 0x0481}, {0x048A, 0x04BF}, {0x04C1, 0x04CE},
    {0x04D0, 0x052F}, {0x1E00, 0x1E95}, {0x1EA0, 0x1EFF},
};

// Ranges of upper-case letters that map to lower case by adding `delta`.
struct ShiftedRange {
  char32_t first;
  char32_t last;
  int delta;
};

constexpr ShiftedRange kShiftedRanges[] = {
    {'A', 'Z', 32},     {0xC0, 0xD6, 32},   {0xD8, 0xDE, 32},     {0x178, 0x178, -121},
    {0x386, 0x386, 38}, {0x388, 0x38A, 37}, {0x38C, 0x38C, 64},   {0x38E, 0x38F, 63},
    {0x391, 0x3A1, 32}, {0x3A3, 0x3AB, 32}, {0x3C2, 0x3C2, 1},    {0x400, 0x40F, 80},
    {0x410, 0x42F, 32}, {0x531, 0x556, 48}, {0xFF21, 0xFF3A, 32},
};

// Returns the lower-case form of a letter, or `c` itself. Final sigma (U+03C2) folds to
// sigma, as in Unicode case folding.
char32_t FoldCodePoint(char32_t c) {
  for (const ShiftedRange& range : kShiftedRanges) {
    if (c >= range.first && c <= range.last) {
      return static_cast<char32_t>(static_cast<int>(c) + range.delta);
    }
  }
  for (const PairedRange& range : kPairedRanges) {
    if (c >= range.first && c <= range.last) {
      return (c - range.first) % 2 == 0 ? c + 1 : c;
    }
  }
  return c;
}

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when it is invalid.
std::size_t DecodeUtf8(std::string_view text, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
  } else {
    return 0;  // four-byte sequences hold no letters that FoldCodePoint maps
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      return 0;
    }
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  return length;
}

void EncodeUtf8(char32_t c, std::string& out) {
  if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  }
  out += static_cast<char>(0x80 | (c & 0x3F));
}

}  // namespace

void FoldCase(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      ++i;
      continue;
    }
    char32_t code_point = 0;
    const std::size_t length = DecodeUtf8(text, i, code_point);
    if (length == 0) {
      out += c;
      ++i;
      continue;
    }
    const char32_t folded = FoldCodePoint(code_point);
    if (folded == code_point) {
      out.append(text.substr(i, length));
    } else {
      EncodeUtf8(folded, out);
    }
    i += length;
  }
}

std::string FoldCase(std::string_view text) {
  std::string out;
  FoldCase(text, out);
  return out;
}

}  // namespace rampart::pattern
