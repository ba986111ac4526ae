#include "vuln/tag_sbom_source.h"

#include <algorithm>
#include <array>
#include <filesystem>

#include <fmt/format.h>

#include "core/file.h"
#include "oci/image_ref.h"
#include "oci/sbom_artifact.h"

namespace rampart::vuln {

namespace {

constexpr std::array<std::string_view, 3> kSuffixes = {".cdx.json", ".spdx.json", ".json"};

}  // namespace

Result<std::optional<TagSbom>> SbomFolderSource::Fetch(const std::string& tag) {
  if (!oci::IsValidTag(tag)) {
    return std::optional<TagSbom>();
  }
  for (std::string_view suffix : kSuffixes) {
    const std::filesystem::path path = std::filesystem::path(folder_) / (tag + std::string(suffix));
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
      continue;
    }
    auto text = ReadFile(path.string());
    if (!text) {
      return text.status();
    }
    return TagSbom{std::move(*text), path.string(), ""};
  }
  return std::optional<TagSbom>();
}

Result<std::vector<std::string>> SbomFolderSource::Tags() const {
  std::error_code error;
  std::filesystem::directory_iterator entries(folder_, error);
  if (error) {
    return IoError(
        fmt::format("cannot read SBOM folder '{}': {}; give a folder of files named "
                    "TAG.cdx.json, TAG.spdx.json or TAG.json",
                    folder_, error.message()));
  }
  std::vector<std::string> tags;
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    for (std::string_view suffix : kSuffixes) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        const std::string tag = name.substr(0, name.size() - suffix.size());
        if (oci::IsValidTag(tag) && std::find(tags.begin(), tags.end(), tag) == tags.end()) {
          tags.push_back(tag);
        }
        break;
      }
    }
  }
  std::sort(tags.begin(), tags.end());
  return tags;
}

Result<std::optional<TagSbom>> RegistrySbomSource::Fetch(const std::string& tag) {
  auto sbom = oci::FetchAttachedSbom(options_, repository_, tag, max_bytes_);
  if (!sbom) {
    if (sbom.status().code() == StatusCode::kNotFound) {
      return std::optional<TagSbom>();  // the tag was deleted after the tag list was read
    }
    return sbom.status().WithContext(fmt::format("SBOM of {}/{}:{}", registry_, repository_, tag));
  }
  if (!sbom->has_value()) {
    return std::optional<TagSbom>();
  }
  std::string base_url = options_.base_url;
  while (!base_url.empty() && base_url.back() == '/') {
    base_url.pop_back();
  }
  return TagSbom{std::move((*sbom)->text),
                 fmt::format("{}/{}:{} {}", registry_, repository_, tag, (*sbom)->origin),
                 fmt::format("{}/v2/{}/manifests/{}", base_url, repository_, tag)};
}

}  // namespace rampart::vuln
