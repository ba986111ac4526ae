// Feeds registry responses and image references to the OCI parsers and checks their
// promises: every descriptor digest of a parsed manifest is a valid sha256 digest, a parsed
// image reference prints back to one that parses to the same parts, and a repository name
// that passes the check never contains a path step such as "..".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "oci/image_ref.h"
#include "oci/registry_client.h"

namespace {

void CheckManifest(std::string_view text) {
  auto manifest = rampart::oci::ParseManifest(text, "application/octet-stream", "fuzz");
  if (!manifest) {
    return;
  }
  for (const auto* list : {&manifest->layers, &manifest->manifests}) {
    for (const rampart::oci::Descriptor& descriptor : *list) {
      if (!rampart::oci::IsSha256Digest(descriptor.digest)) {
        std::abort();
      }
    }
  }
}

void CheckImageRef(std::string_view text) {
  auto ref = rampart::oci::ParseImageRef(text);
  if (!ref) {
    return;
  }
  auto again = rampart::oci::ParseImageRef(ref->ToString());
  if (!again || again->name != ref->name || again->tag != ref->tag ||
      again->digest != ref->digest) {
    std::abort();
  }
}

void CheckRepository(std::string_view text) {
  if (rampart::oci::CheckRepositoryName(text).ok() &&
      (text.find("..") != std::string_view::npos || text.find("//") != std::string_view::npos ||
       text.front() == '/' || text.back() == '/')) {
    std::abort();
  }
}

void CheckTags(std::string_view text) {
  std::vector<std::string> tags;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    tags.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto newer = rampart::oci::NewerTags(tags.front(), tags, rampart::oci::TagConstraint::kMajor);
  if (!newer) {
    return;
  }
  for (std::size_t i = 0; i < newer->size(); ++i) {
    if (rampart::oci::CompareTags((*newer)[i], tags.front()) != 1 ||
        (i > 0 && rampart::oci::CompareTags((*newer)[i - 1], (*newer)[i]) == 1)) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckManifest(text);
  CheckImageRef(text);
  CheckRepository(text);
  CheckTags(text);
  (void)rampart::oci::NextLink(text);
  return 0;
}
