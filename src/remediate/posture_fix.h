// The field patches that a posture finding carries, applied to the manifest file it names.
// This is how `gitops.harden` fixes exactly the check that produced the finding.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "posture/field_patch.h"
#include "posture/yaml_patch.h"

namespace rampart::remediate {

// The fix that a posture finding carries: the manifest file (relative to the folder that
// was scanned), the object inside it, and the patches of the failed check.
struct PostureFix {
  std::string check_id;
  std::string file;
  std::string namespace_name;
  posture::ObjectLocation location;
  std::vector<posture::FieldPatch> patches;
};

// Reads ProductFields "rampart/posture/FieldPatches" and the object's place from
// Resources[0].Details.Other (File, Document, ListPath). Returns nullopt when the finding
// carries no patches, and an error naming the field when they cannot be read.
Result<std::optional<PostureFix>> PostureFixFromFinding(const Json& finding);

// Applies the fix to the file's text. Returns the new text and one line per patch for the
// action's output.
Result<std::pair<std::string, std::vector<std::string>>> ApplyPostureFix(const PostureFix& fix,
                                                                         const std::string& text);

}  // namespace rampart::remediate
