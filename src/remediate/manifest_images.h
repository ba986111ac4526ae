// Finding the places in Kubernetes manifests, kustomizations and Helm values that run a given
// container image, and the byte edits that move them to a new tag or digest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "remediate/image_ref.h"
#include "remediate/yaml_text.h"

namespace rampart::remediate {

// The version to move to: a tag, a digest, or both.
struct ImageVersion {
  std::string tag;
  std::string digest;
};

// One reference to the image and its edit.
struct ImageUse {
  std::string where;     // such as "Deployment/frontend container server" or "values image.tag"
  std::size_t line = 0;  // 1-based
  std::string before;    // the reference as written
  std::string after;
  bool needs_digest = false;  // the reference pins a digest but no new digest is known
  std::vector<TextEdit> edits;
};

// The vulnerable image as references must match it: the same canonical repository, and
// that tag or digest when `from_tag` or `from_digest` is set.
struct ImageMatch {
  ImageRef image;
  std::string from_tag;
  std::string from_digest;
};

// Scans every YAML document in `text` (a file named `path`) and returns the uses of the
// matching image that differ from `version`. A document that does not parse is reported in
// `skipped` and left alone. References already at a newer version of the same shape are left
// alone too, so an edit never downgrades.
std::vector<ImageUse> FindImageUses(std::string_view text, std::string_view path,
                                    const ImageMatch& match, const ImageVersion& version,
                                    std::vector<std::string>& skipped);

// Returns the container image named by a finding: an ASFF resource of type Container
// (Details.Container.ImageName, else its Id), or a Trivy report's ArtifactName. A trailing
// " (os version)" that Trivy appends is removed.
Result<ImageRef> ImageFromFinding(const Json& finding);

// Returns the CVE ids of a finding (Vulnerabilities[].Id and the "CVE ID" detail), sorted
// and without repeats.
std::vector<std::string> CvesFromFinding(const Json& finding);

}  // namespace rampart::remediate
