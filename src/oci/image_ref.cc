#include "oci/image_ref.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace rampart::oci {

namespace {

bool LooksLikeRegistry(std::string_view component) {
  return component.find('.') != std::string_view::npos ||
         component.find(':') != std::string_view::npos || component == "localhost";
}

bool ValidDigest(std::string_view digest) {
  const auto colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return false;
  }
  const std::string_view hex = digest.substr(colon + 1);
  if (hex.size() < 32) {
    return false;
  }
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

struct Version {
  bool v_prefix = false;
  std::vector<long> parts;
  std::string suffix;
};

std::optional<Version> ParseVersion(std::string_view tag) {
  Version version;
  if (!tag.empty() && (tag.front() == 'v' || tag.front() == 'V')) {
    version.v_prefix = true;
    tag.remove_prefix(1);
  }
  while (!tag.empty() && version.parts.size() < 3) {
    long part = 0;
    const auto parsed = std::from_chars(tag.data(), tag.data() + tag.size(), part);
    if (parsed.ec != std::errc() || part < 0) {
      break;
    }
    version.parts.push_back(part);
    tag.remove_prefix(static_cast<std::size_t>(parsed.ptr - tag.data()));
    if (tag.empty() || tag.front() != '.') {
      break;
    }
    tag.remove_prefix(1);
  }
  if (version.parts.empty() ||
      (!tag.empty() && tag.front() != '-' && tag.front() != '_' && tag.front() != '+')) {
    return std::nullopt;
  }
  version.suffix = std::string(tag);
  return version;
}

bool SameShape(const Version& a, const Version& b) {
  return a.v_prefix == b.v_prefix && a.parts.size() == b.parts.size() && a.suffix == b.suffix;
}

// True when `candidate` keeps the version parts that `constraint` fixes.
bool Within(const Version& base, const Version& candidate, TagConstraint constraint) {
  const std::size_t fixed = constraint == TagConstraint::kPatch   ? 2
                            : constraint == TagConstraint::kMinor ? 1
                                                                  : 0;
  for (std::size_t i = 0; i < fixed && i < base.parts.size(); ++i) {
    if (candidate.parts[i] != base.parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || tag.front() == '.' || tag.front() == '-') {
    return false;
  }
  for (char c : tag) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string ImageRef::Registry() const {
  const auto slash = name.find('/');
  if (slash != std::string::npos && LooksLikeRegistry(std::string_view(name).substr(0, slash))) {
    return name.substr(0, slash);
  }
  return "docker.io";
}

std::string ImageRef::Repository() const {
  const auto slash = name.find('/');
  if (slash != std::string::npos && LooksLikeRegistry(std::string_view(name).substr(0, slash))) {
    return name.substr(slash + 1);
  }
  return slash == std::string::npos ? "library/" + name : name;
}

std::string ImageRef::Canonical() const {
  std::string registry = Registry();
  if (registry == "index.docker.io" || registry == "registry-1.docker.io") {
    registry = "docker.io";
  }
  std::string repository = Repository();
  if (registry == "docker.io" && repository.find('/') == std::string::npos) {
    repository = "library/" + repository;
  }
  return registry + "/" + repository;
}

std::string ImageRef::ToString() const {
  std::string text = name;
  if (!tag.empty()) {
    text += ":" + tag;
  }
  if (!digest.empty()) {
    text += "@" + digest;
  }
  return text;
}

Result<ImageRef> ParseImageRef(std::string_view text) {
  if (text.empty() || text.size() > 1024) {
    return InvalidArgument("image reference is empty or longer than 1024 bytes");
  }
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) < 0x20) {
      return InvalidArgument(fmt::format("image reference '{}' contains whitespace", text));
    }
  }
  ImageRef ref;
  std::string_view rest = text;
  const auto at = rest.find('@');
  if (at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!ValidDigest(ref.digest)) {
      return InvalidArgument(fmt::format(
          "image reference '{}' has an invalid digest; expected sha256:<64 hex digits>", text));
    }
  }
  const auto last_slash = rest.rfind('/');
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!IsValidTag(ref.tag)) {
      return InvalidArgument(
          fmt::format("image reference '{}' has an invalid tag '{}'", text, ref.tag));
    }
  }
  if (rest.empty()) {
    return InvalidArgument(fmt::format("image reference '{}' has no repository name", text));
  }
  ref.name = std::string(rest);
  for (char c : ref.Repository()) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      return InvalidArgument(
          fmt::format("image reference '{}': repository names must be lower case", text));
    }
  }
  return ref;
}

std::optional<TagConstraint> ParseTagConstraint(std::string_view text) {
  if (text == "patch" || text == "same-major-minor-newer-patch") {
    return TagConstraint::kPatch;
  }
  if (text == "minor" || text == "same-major-newer") {
    return TagConstraint::kMinor;
  }
  if (text == "major" || text == "newest") {
    return TagConstraint::kMajor;
  }
  return std::nullopt;
}

std::optional<int> CompareTags(std::string_view a, std::string_view b) {
  const auto left = ParseVersion(a);
  const auto right = ParseVersion(b);
  if (!left || !right || !SameShape(*left, *right)) {
    return std::nullopt;
  }
  if (left->parts == right->parts) {
    return 0;
  }
  return left->parts < right->parts ? -1 : 1;
}

Result<std::optional<std::string>> SelectNewerTag(std::string_view current,
                                                  const std::vector<std::string>& tags,
                                                  TagConstraint constraint) {
  const auto base = ParseVersion(current);
  if (!base) {
    return InvalidArgument(fmt::format(
        "current tag '{}' is not a version such as 1.2.3 or v1.2.3-alpine; give the new tag in "
        "the rule's 'tag' parameter",
        current));
  }
  std::optional<std::string> best;
  std::optional<Version> best_version;
  for (const std::string& tag : tags) {
    const auto candidate = ParseVersion(tag);
    if (!candidate || !SameShape(*base, *candidate) || candidate->parts <= base->parts) {
      continue;
    }
    if (Within(*base, *candidate, constraint) &&
        (!best_version || candidate->parts > best_version->parts)) {
      best = tag;
      best_version = candidate;
    }
  }
  return best;
}

Result<std::vector<std::string>> NewerTags(std::string_view current,
                                           const std::vector<std::string>& tags,
                                           TagConstraint constraint) {
  const auto base = ParseVersion(current);
  if (!base) {
    return InvalidArgument(fmt::format(
        "tag '{}' is not a version such as 1.2.3 or v1.2.3-alpine, so no tag can be ordered "
        "after it",
        current));
  }
  std::vector<std::pair<std::vector<long>, std::string>> newer;
  for (const std::string& tag : tags) {
    const auto candidate = ParseVersion(tag);
    if (candidate && SameShape(*base, *candidate) && candidate->parts > base->parts &&
        Within(*base, *candidate, constraint)) {
      newer.emplace_back(candidate->parts, tag);
    }
  }
  std::stable_sort(newer.begin(), newer.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> ordered;
  for (auto& [parts, tag] : newer) {
    ordered.push_back(std::move(tag));
  }
  return ordered;
}

}  // namespace rampart::oci
