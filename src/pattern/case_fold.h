// Case folding for equals-ignore-case and its prefix and suffix forms.
#pragma once

#include <string>
#include <string_view>

namespace rampart::pattern {

// Writes `text` to `out` with every letter mapped to its lower-case form, code point by code
// point, so two strings equal ignoring case fold to the same bytes.
// NOTE: the mapping covers ASCII, Latin-1, Latin Extended-A and Additional, Greek, Cyrillic,
// Armenian and fullwidth Latin letters. Other characters and invalid UTF-8 bytes are kept as
// they are, so letters of other scripts compare exactly.
void FoldCase(std::string_view text, std::string& out);

std::string FoldCase(std::string_view text);

}  // namespace rampart::pattern
