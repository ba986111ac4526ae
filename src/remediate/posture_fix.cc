#include "remediate/posture_fix.h"

#include <charconv>

#include <fmt/format.h>

#include "posture/check.h"
#include "posture/manifest.h"
#include "posture/scanner.h"
#include "remediate/params.h"

namespace rampart::remediate {
namespace {

constexpr std::string_view kPatchesField = "rampart/posture/FieldPatches";

Result<std::uint32_t> ParseDocumentIndex(const std::string& text) {
  std::uint32_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) {
    return InvalidArgument(fmt::format(
        "gitops.harden: Resources[0].Details.Other.Document '{}' is not a document index; "
        "rescan the manifests to get a current finding",
        text));
  }
  return value;
}

Result<std::vector<posture::FieldPatch>> ParsePatches(const std::string& text) {
  Result<Json> json = ParseJson(text, std::string(kPatchesField));
  if (!json) {
    return json.status();
  }
  if (!json->is_array() || json->empty()) {
    return InvalidArgument(fmt::format(
        "gitops.harden: ProductFields.{} is not a non-empty JSON array of patches", kPatchesField));
  }
  std::vector<posture::FieldPatch> patches;
  for (const Json& item : *json) {
    Result<posture::FieldPatch> patch = posture::FieldPatch::FromJson(item);
    if (!patch) {
      return patch.status().WithContext(
          fmt::format("gitops.harden: ProductFields.{}", kPatchesField));
    }
    patches.push_back(std::move(*patch));
  }
  return patches;
}

// Returns the object at `location`, or nullptr.
const posture::ManifestObject* FindObject(const posture::ManifestSet& set,
                                          const posture::ObjectLocation& location) {
  for (const posture::ManifestObject& object : set.objects) {
    if (object.document == location.document && object.list_path == location.list_path) {
      return &object;
    }
  }
  return nullptr;
}

}  // namespace

Result<std::optional<PostureFix>> PostureFixFromFinding(const Json& finding) {
  const Json* fields = LookupPath(finding, "ProductFields");
  if (fields == nullptr || !fields->is_object() || !fields->contains(kPatchesField)) {
    return std::optional<PostureFix>();
  }
  const Json& patches = (*fields)[std::string(kPatchesField)];
  if (!patches.is_string()) {
    return InvalidArgument(
        fmt::format("gitops.harden: ProductFields.{} is not a string", kPatchesField));
  }
  const Json* other = LookupPath(finding, "Resources[0].Details.Other");
  if (other == nullptr || !other->is_object() || StringOr(*other, "File").empty()) {
    return InvalidArgument(
        "gitops.harden: the finding has field patches but Resources[0].Details.Other.File is "
        "missing, so the manifest to fix is unknown");
  }
  PostureFix fix;
  fix.check_id = StringOr(*fields, "rampart/posture/CheckId");
  fix.file = StringOr(*other, "File");
  fix.namespace_name = StringOr(*other, "Namespace");
  fix.location.list_path = StringOr(*other, "ListPath");
  REMEDIATE_ASSIGN_OR_RETURN(fix.location.document,
                             ParseDocumentIndex(StringOr(*other, "Document", "0")));
  if (auto parsed = ParsePatches(patches.get<std::string>()); !parsed) {
    return parsed.status();
  }
  return std::optional<PostureFix>(std::move(fix));
}

Result<RecheckedFix> RecheckPostureFix(const PostureFix& fix, const std::string& text,
                                       const std::string& file) {
  const posture::Check* check = posture::FindCheck(fix.check_id);
  if (check == nullptr) {
    return InvalidArgument(fmt::format(
        "gitops.harden: the finding names posture check '{}', which this version does not "
        "have; rescan the manifests with `rampart scan manifests`",
        fix.check_id));
  }
  posture::ManifestSet set;
  posture::LoadManifestText(text, file, set);
  const posture::ManifestObject* object = FindObject(set, fix.location);
  if (object == nullptr) {
    return NotFound(fmt::format(
        "gitops.harden: {} has no Kubernetes object at document {}{}; rescan the manifests to "
        "get a current finding",
        file, fix.location.document,
        fix.location.list_path.empty() ? "" : " " + fix.location.list_path));
  }
  posture::ScanOptions options;
  if (!fix.namespace_name.empty()) {
    options.default_namespace = fix.namespace_name;
  }
  const posture::ScanReport report = posture::ScanManifests(set, options);
  for (const posture::CheckResult& result : report.results) {
    if (result.check == check && result.subject->object == object) {
      return RecheckedFix{result.subject->namespace_name, result.outcome.passed,
                          result.outcome.patches};
    }
  }
  return InvalidArgument(
      fmt::format("gitops.harden: posture check '{}' does not apply to the {} at document {} of {}",
                  fix.check_id, object->kind, fix.location.document, file));
}

Result<std::pair<std::string, std::vector<std::string>>> ApplyPostureFix(
    const PostureFix& fix, const std::vector<posture::FieldPatch>& patches,
    const std::string& text) {
  Result<posture::PatchedText> patched = posture::ApplyPatchesToText(text, fix.location, patches);
  if (!patched) {
    return patched.status().WithContext(fmt::format("gitops.harden: {}", fix.file));
  }
  std::vector<std::string> applied;
  for (const posture::FieldPatch& patch : patches) {
    applied.push_back(fmt::format("{}: {}", fix.check_id, patch.ToString()));
  }
  return std::pair{std::move(patched->text), std::move(applied)};
}

}  // namespace rampart::remediate
