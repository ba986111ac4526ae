// SHA-256 digests, used for stable finding ids, the audit chain and token storage.
#pragma once

#include <string>
#include <string_view>

namespace rampart {

// Returns the SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

// Returns a stable id from several parts: the SHA-256 of the parts joined by a separator
// byte that cannot occur in text, cut to `hex_digits` hex digits (at most 64).
std::string StableId(std::initializer_list<std::string_view> parts, std::size_t hex_digits = 32);

}  // namespace rampart
