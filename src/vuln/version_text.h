// Character and digit-string helpers shared by the version schemes.
#pragma once

#include <string>
#include <string_view>

namespace rampart::vuln::detail {

// ASCII-only classification, so that bytes of UTF-8 sequences are never letters or digits
// in any C locale.
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsAlpha(char c) { return IsLower(c) || IsUpper(c); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
inline char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool AllDigits(std::string_view text);
std::string Lowercase(std::string_view text);

// Compares two non-empty strings of decimal digits by value, of any length, so that
// "007" equals "7" and a 30-digit number compares correctly. Returns -1, 0 or 1.
int CompareDigits(std::string_view a, std::string_view b);

// Returns -1, 0 or 1 for a byte-wise comparison.
int CompareBytes(std::string_view a, std::string_view b);

// Returns -1, 0 or 1 for the sign of `value`.
inline int Sign(int value) { return (value > 0) - (value < 0); }

// Returns the reason when `text` is empty or contains a byte outside printable ASCII
// (space, control characters, non-ASCII), or an empty string when it is printable.
std::string CheckPrintable(std::string_view text);

}  // namespace rampart::vuln::detail
