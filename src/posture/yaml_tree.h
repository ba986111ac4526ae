// A YAML document as a tree of mappings, sequences and scalars that keeps where each node
// starts, read with yaml-cpp's event parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::posture {

// A 1-based position in the text.
struct YamlMark {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// One node. Scalars keep their text; whether a plain scalar means a bool, a number or null
// is decided by the accessors, the way Kubernetes decodes YAML 1.1 into typed fields.
struct YamlNode {
  enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMapping };

  Kind kind = Kind::kNull;
  bool quoted = false;     // a quoted or block scalar, or one tagged !!str: always a string
  bool flow = false;       // a mapping written {...} or a sequence written [...]
  std::uint32_t line = 0;  // 1-based
  std::uint32_t column = 0;
  std::string value;                // the text of a scalar
  std::vector<std::string> keys;    // mapping keys, parallel to `children`
  std::vector<YamlMark> key_marks;  // where each mapping key starts, parallel to `keys`
  std::vector<YamlNode> children;   // sequence items, or mapping values

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMapping() const { return kind == Kind::kMapping; }

  // Returns the value under `key` of a mapping, or nullptr (also for other kinds).
  const YamlNode* Find(std::string_view key) const;
  YamlNode* Find(std::string_view key);

  // Follows mapping keys in order; nullptr as soon as one is missing.
  const YamlNode* FindPath(std::initializer_list<std::string_view> keys) const;
};

// True when both trees have the same kinds, keys and scalar values, wherever they are written.
bool SameContent(const YamlNode& a, const YamlNode& b);

// Returns the text of a scalar, or nullopt for null, a mapping, a sequence or a missing node.
std::optional<std::string_view> ScalarText(const YamlNode* node);

// Returns the string of a scalar, or "" when it is anything else.
std::string_view StringOr(const YamlNode* node, std::string_view fallback = "");

// Reads a bool as Kubernetes does (YAML 1.1): true, yes, on, y and their capitalised forms, and
// the false words. Quoted text is read the same way. Returns nullopt for null, a missing node or
// other text.
std::optional<bool> ScalarBool(const YamlNode* node);

// Reads an integer written in decimal, 0x hex, 0o or leading-zero octal, or 0b binary, with an
// optional sign and underscores, as YAML 1.1 resolves plain integers. Returns nullopt otherwise.
std::optional<std::int64_t> ScalarInt(const YamlNode* node);

// Limits on one document, against alias bombs and runaway nesting.
struct YamlLimits {
  std::size_t max_depth = 128;
  std::size_t max_nodes = 1'000'000;  // nodes after aliases are expanded
};

// Parses every document of a chunk from SplitYamlDocuments. A chunk has one YAML document, or
// a JSON stream: several JSON objects or arrays one after another, as kubectl reads them. Other
// content after the first document is an error. Positions and errors are as for
// ParseYamlDocument. Returns no documents when the text contains only comments or blank lines.
Result<std::vector<YamlNode>> ParseYamlDocuments(std::string_view text, std::uint32_t first_line,
                                                 const YamlLimits& limits = {},
                                                 std::uint32_t* error_line = nullptr);

// Parses one YAML document. `first_line` is the 1-based line in the file where `text` starts,
// so positions in the tree and in errors are lines of the file. Returns a null node when the
// text contains no document (only comments or blank lines). Errors give "line L, column C: what",
// for syntax errors, duplicate mapping keys (which Kubernetes rejects), keys that are not
// scalars, unknown aliases and the limits above; `error_line` receives that line. A second
// document in the text is an error too.
Result<YamlNode> ParseYamlDocument(std::string_view text, std::uint32_t first_line,
                                   const YamlLimits& limits = {},
                                   std::uint32_t* error_line = nullptr);

// One document of a multi-document stream: its text and the 1-based line where it starts.
struct YamlChunk {
  std::string_view text;
  std::uint32_t first_line = 1;
};

// Splits a stream at document markers: a line that is "---" or "...", or starts with one of
// them followed by a space or tab. YAML forbids such lines inside content, so the split never
// cuts a scalar. The "---" line starts the next chunk.
std::vector<YamlChunk> SplitYamlDocuments(std::string_view text);

}  // namespace rampart::posture
