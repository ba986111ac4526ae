// Test helpers: run one check on manifests written inline.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "posture/scanner.h"

namespace rampart::posture::testing {

// Loads `yaml`, scans it and returns the outcome of `check_id` on the object named `name`
// (the first object when empty), or nullopt when the check produced no result for it.
std::optional<Outcome> RunCheck(std::string_view check_id, const std::string& yaml,
                                std::string_view name = "");

// Applies the patches of the failed outcome to the manifest and scans again; returns the new
// outcome. Fails the test when the first outcome passed or carried no patches.
std::optional<Outcome> RunCheckAfterPatches(std::string_view check_id, const std::string& yaml,
                                            std::string_view name = "");

// Returns a Pod manifest named "pod" with `spec` indented under spec:. `spec` is written with
// two-space indentation starting at column 0.
std::string PodWithSpec(std::string_view spec, std::string_view metadata_extra = "");

}  // namespace rampart::posture::testing
