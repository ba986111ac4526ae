// A compact JSON writer for documents on the store's write path, about three times faster
// than Json::dump on real findings because it copies runs of plain characters at once.
#pragma once

#include <string>

#include "core/json.h"

namespace rampart::store {

// Writes `value` as compact JSON into `out`, replacing its contents but keeping its
// capacity. The text parses back to an equal value. Objects, arrays, strings and integers
// are written as Json::dump() writes them, but a float may take another valid form (1e-04
// for 0.0001). NaN and infinite numbers, which JSON cannot represent, become null. Returns
// false, leaving `out` undefined, when a string is not valid UTF-8.
bool WriteJson(const Json& value, std::string& out);

// Returns the length of the valid multi-byte UTF-8 sequence starting at `p` (before `end`), or
// 0. Rejects ASCII bytes, overlong forms, surrogates and code points above U+10FFFF, as RFC
// 3629 does.
std::size_t Utf8SequenceLength(const unsigned char* p, const unsigned char* end);

}  // namespace rampart::store
