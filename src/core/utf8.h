// UTF-8 validation, as RFC 3629 defines the encoding.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rampart {

// Returns the length of the valid multi-byte UTF-8 sequence starting at `p` (before `end`), or
// 0. Rejects ASCII bytes, overlong forms, surrogates and code points above U+10FFFF, as RFC
// 3629 does.
std::size_t Utf8SequenceLength(const unsigned char* p, const unsigned char* end);

// Returns the offset of the first byte of `text` that does not start a valid UTF-8 sequence,
// or std::string_view::npos when all of `text` is valid UTF-8.
std::size_t FindInvalidUtf8(std::string_view text);

// Returns the number of characters (code points) of UTF-8 text, as the limits of ASFF
// fields count them: the bytes that do not continue a multi-byte sequence.
std::size_t CountCharacters(std::string_view text);

// Returns true when `text` contains an ASCII control character (below 0x20, or 0x7F), such as
// the escape that starts a terminal escape sequence.
bool HasControlCharacter(std::string_view text);

// Returns `text` with each byte that does not start a valid UTF-8 sequence replaced by U+FFFD,
// the replacement character.
std::string ToValidUtf8(std::string_view text);

// Returns valid UTF-8 `text` cut to at most `max_characters` characters, the last three of
// them "..." when it was cut.
std::string CutCharacters(const std::string& text, std::size_t max_characters);

}  // namespace rampart
