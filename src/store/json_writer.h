// A compact JSON writer for documents on the store's write path, about three times faster
// than Json::dump on real findings because it copies runs of plain characters at once.
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/utf8.h"

namespace rampart::store {

// Writes `value` as compact JSON into `out`, replacing its contents but keeping its
// capacity. The text parses back to an equal value. Objects, arrays, strings and integers
// are written as Json::dump() writes them, but a float may take another valid form (1e-04
// for 0.0001). NaN and infinite numbers, which JSON cannot represent, become null. Returns
// false, leaving `out` undefined, when a string is not valid UTF-8.
bool WriteJson(const Json& value, std::string& out);

// Returns true when JSON text escapes U+0000 (a "\u0000" whose backslash is not itself
// escaped). PostgreSQL can store that character neither in JSONB nor in text, and SQLite's
// JSON functions end a string at it, so filters would see only the text before it.
bool EscapesNul(std::string_view json_text);

}  // namespace rampart::store
