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

// The fix that a posture finding requests: the failed check, the manifest file (relative to
// the folder that was scanned) and the object inside it.
struct PostureFix {
  std::string check_id;
  std::string file;
  std::string namespace_name;  // as the finding states it
  posture::ObjectLocation location;
};

// Reads the check from ProductFields and the object's place from Resources[0].Details.Other
// (File, Document, ListPath, Namespace). Returns nullopt when the finding carries no
// ProductFields "rampart/posture/FieldPatches", that is, no automatic fix, and an error
// naming the field when they cannot be read.
Result<std::optional<PostureFix>> PostureFixFromFinding(const Json& finding);

// The posture check run again on the object that a finding names, in the manifest as it is
// now: its namespace and, for a failure, the check's own patches.
struct RecheckedFix {
  std::string namespace_name;  // metadata.namespace, else the finding's, else "default"
  bool passed = false;
  std::vector<posture::FieldPatch> patches;
};

// Runs the check `fix.check_id` on the object at `fix.location` of `text`. The patches come
// from the check, never from the finding, so a forged finding cannot make the action write
// anything but the fix of a check that really fails. `file` names the manifest in errors.
Result<RecheckedFix> RecheckPostureFix(const PostureFix& fix, const std::string& text,
                                       const std::string& file);

// Applies `patches` to the object of `fix` in the file's text. Returns the new text and one
// line per patch for the action's output.
Result<std::pair<std::string, std::vector<std::string>>> ApplyPostureFix(
    const PostureFix& fix, const std::vector<posture::FieldPatch>& patches,
    const std::string& text);

}  // namespace rampart::remediate
