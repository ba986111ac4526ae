// Field patches: the structured description of a fix, such as
// spec.template.spec.containers[name=web].securityContext.runAsNonRoot = true, that
// gitops.harden applies to the manifest text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "posture/yaml_tree.h"

namespace rampart::posture {

// One step of a field path: a mapping key ("securityContext", or ["a.b/c"] for keys with
// dots), a sequence index ([2]), or the sequence item whose field equals a value
// ([name=web]).
struct PathSegment {
  enum class Kind { kKey, kIndex, kMatch };
  Kind kind = Kind::kKey;
  std::string key;  // the key, or the field compared for kMatch
  std::size_t index = 0;
  std::string match;  // the value compared for kMatch
};

// Parses a path such as spec.containers[name=web].securityContext or
// metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"].
Result<std::vector<PathSegment>> ParseFieldPath(std::string_view path);

// Formats segments back into the path syntax above.
std::string FormatFieldPath(const std::vector<PathSegment>& segments);

// A scalar written by a patch.
struct PatchValue {
  enum class Type { kBool, kInteger, kString };
  Type type = Type::kString;
  std::string text;  // "true", "1000" or the string itself

  static PatchValue Bool(bool value) { return {Type::kBool, value ? "true" : "false"}; }
  static PatchValue String(std::string value) { return {Type::kString, std::move(value)}; }

  // Returns the value as YAML text: true, 1000, or a string quoted when YAML would read it
  // as something else.
  std::string ToYaml() const;
};

// A change to one field of one object. Paths start at the object root (the item itself for
// an object inside a List).
struct FieldPatch {
  enum class Op {
    kSet,     // set the scalar at `path`, creating missing mappings on the way
    kAppend,  // add `value` to the sequence at `path` unless present, creating the sequence
  };
  Op op = Op::kSet;
  std::string path;
  PatchValue value;

  static FieldPatch Set(std::string path, PatchValue value) {
    return {Op::kSet, std::move(path), std::move(value)};
  }
  static FieldPatch Append(std::string path, PatchValue value) {
    return {Op::kAppend, std::move(path), std::move(value)};
  }

  // Returns "PATH = VALUE" or "PATH += VALUE".
  std::string ToString() const;

  // Returns {"op": "set"|"append", "path": ..., "value": true|1000|"text"}.
  Json ToJson() const;
  static Result<FieldPatch> FromJson(const Json& json);
};

// Applies `patch` to the tree of one object. Fails when a [name=...] or [N] step finds no
// item, or when a step meets a scalar where it needs a mapping or sequence.
Status ApplyPatch(YamlNode& object, const FieldPatch& patch);

}  // namespace rampart::posture
