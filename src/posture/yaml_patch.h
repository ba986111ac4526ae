// Field patches applied to YAML text with the fewest byte changes, so a hardened manifest keeps
// its comments, key order, quoting and indentation, and a review diff shows only the fix.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "posture/field_patch.h"

namespace rampart::posture {

// The object a patch applies to inside a file: its document index as ManifestObject::document
// counts it (documents that are empty are not counted), and its "items[N]" path inside a List.
struct ObjectLocation {
  std::uint32_t document = 0;
  std::string list_path;
};

// One change to the text: `removed` bytes at `offset` (in the text the edit was made on) were
// replaced by `inserted`.
struct TextEdit {
  std::size_t offset = 0;
  std::size_t removed = 0;
  std::string inserted;
};

// The patched text and the edits that produced it, in the order they were made.
struct PatchedText {
  std::string text;
  std::vector<TextEdit> edits;
};

// Applies `patches` in order to the object at `location` in `text`:
// - a scalar that exists is replaced in place, keeping its quote style;
// - a missing key is inserted after the last line of its mapping, at the mapping's own
//   indentation, with the nesting step the document uses elsewhere (2 when it has none);
// - an item appended to a sequence follows the sequence's style: a new "- item" line at the
//   dash column of a block sequence, or ", item" before the "]" of a flow sequence;
// - a flow mapping {...} gets ", key: value" before its "}".
// The file's line ending (LF or CRLF) is kept. Fails, leaving nothing changed, when the object
// is not found, a [name=...] step matches no item, a scalar to replace spans several lines, or
// a step meets a scalar where it needs a mapping or sequence.
Result<PatchedText> ApplyPatchesToText(std::string_view text, const ObjectLocation& location,
                                       const std::vector<FieldPatch>& patches);

}  // namespace rampart::posture
