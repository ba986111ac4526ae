// Container image references ("registry/repository:tag@digest") and the version order of tags.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart::oci {

struct ImageRef {
  std::string name;  // as written, without tag or digest: "redis", "ghcr.io/org/app"
  std::string tag;
  std::string digest;  // "sha256:<hex>"

  // Returns the registry host, "docker.io" when the name has none.
  std::string Registry() const;
  // Returns the repository path in the registry, "library/redis" for "redis".
  std::string Repository() const;
  // Returns Registry() + "/" + Repository(), the same for every spelling of one image.
  std::string Canonical() const;
  // Returns name[:tag][@digest].
  std::string ToString() const;
};

// Parses an image reference as Kubernetes and the distribution reference grammar read it.
// Fails on empty text, spaces, upper-case repository paths and malformed digests.
Result<ImageRef> ParseImageRef(std::string_view text);

// True for a tag of the Distribution grammar: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}.
bool IsValidTag(std::string_view tag);

// How far a new tag may move from the current one.
enum class TagConstraint {
  kPatch,  // same major and minor version, newer patch
  kMinor,  // same major version, newer minor or patch
  kMajor,  // any newer version
};

// Parses "patch", "minor" or "major" (also "same-major-minor-newer-patch" and
// "same-major-newer").
std::optional<TagConstraint> ParseTagConstraint(std::string_view text);

// Returns the newest tag in `tags` that is newer than `current` within `constraint` and has
// the same shape: the same "v" prefix, number of version parts and suffix (such as
// "-alpine"). Returns nullopt when none is newer; fails when `current` is not a version.
Result<std::optional<std::string>> SelectNewerTag(std::string_view current,
                                                  const std::vector<std::string>& tags,
                                                  TagConstraint constraint);

// Returns the tags in `tags` that are newer than `current` within `constraint` and have its
// shape (as SelectNewerTag), smallest version first. Non-version tags such as "latest" and
// tags of another shape are left out. Fails when `current` is not a version.
Result<std::vector<std::string>> NewerTags(std::string_view current,
                                           const std::vector<std::string>& tags,
                                           TagConstraint constraint);

// Returns -1, 0 or 1 comparing two tags of the same shape, or nullopt when either is not a
// version or their shapes differ.
std::optional<int> CompareTags(std::string_view a, std::string_view b);

}  // namespace rampart::oci
