#include "remediate/manifest_images.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "remediate/params.h"

namespace rampart::remediate {

namespace {

YAML::Node Child(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) {
    return YAML::Node(YAML::NodeType::Undefined);
  }
  const YAML::Node& const_node = node;
  YAML::Node child = const_node[key];
  // A missing key yields an invalid node whose type queries throw; return an undefined one.
  return child.IsDefined() ? child : YAML::Node(YAML::NodeType::Undefined);
}

std::string ScalarOr(const YAML::Node& node, std::string fallback = "") {
  return node.IsDefined() && node.IsScalar() ? node.Scalar() : fallback;
}

// True when the reference's tag or digest is the one the finding is about.
bool VersionMatches(const ImageRef& ref, const ImageMatch& match) {
  if (!match.from_digest.empty() && ref.digest == match.from_digest) {
    return true;
  }
  if (!match.from_tag.empty()) {
    return ref.tag == match.from_tag;
  }
  return match.from_digest.empty();
}

bool Matches(const ImageRef& ref, const ImageMatch& match) {
  return ref.Canonical() == match.image.Canonical() && VersionMatches(ref, match);
}

bool WouldDowngrade(const ImageRef& ref, const ImageVersion& version) {
  if (version.tag.empty() || ref.tag.empty()) {
    return false;
  }
  const auto order = CompareTags(ref.tag, version.tag);
  return order.has_value() && *order > 0;
}

ImageRef Moved(const ImageRef& ref, const ImageVersion& version) {
  ImageRef moved = ref;
  if (!version.tag.empty()) {
    moved.tag = version.tag;
  } else if (!version.digest.empty()) {
    moved.tag.clear();
  }
  // A reference that pinned no digest keeps to a tag, unless the new version has no tag.
  moved.digest = !ref.digest.empty() || version.tag.empty() ? version.digest : "";
  return moved;
}

class Scanner {
 public:
  Scanner(std::string_view text, const ImageMatch& match, const ImageVersion& version,
          std::vector<std::string>& skipped)
      : text_(text), match_(match), version_(version), skipped_(skipped) {}

  void ScanDocument(const YAML::Node& document, std::string_view path) {
    const std::string kind = ScalarOr(Child(document, "kind"));
    const std::string name = ScalarOr(Child(Child(document, "metadata"), "name"), "?");
    const std::string label = kind + "/" + name;
    if (kind == "Pod") {
      ScanPodSpec(Child(document, "spec"), label);
    } else if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
               kind == "ReplicaSet" || kind == "Job" || kind == "ReplicationController") {
      ScanPodSpec(Child(Child(Child(document, "spec"), "template"), "spec"), label);
    } else if (kind == "CronJob") {
      const YAML::Node job = Child(Child(document, "spec"), "jobTemplate");
      ScanPodSpec(Child(Child(Child(job, "spec"), "template"), "spec"), label);
    } else if (kind == "Kustomization" || (kind.empty() && IsKustomizationFile(path))) {
      ScanKustomization(document);
    } else if (kind.empty()) {
      ScanValues(document, "");
    }
  }

  std::vector<ImageUse> uses;

 private:
  static bool IsKustomizationFile(std::string_view path) {
    const auto slash = path.rfind('/');
    const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return base == "kustomization.yaml" || base == "kustomization.yml" || base == "Kustomization";
  }

  void ScanPodSpec(const YAML::Node& spec, const std::string& label) {
    for (const char* list : {"initContainers", "containers", "ephemeralContainers"}) {
      const YAML::Node containers = Child(spec, list);
      if (!containers.IsSequence()) {
        continue;
      }
      for (const YAML::Node& container : containers) {
        const YAML::Node image = Child(container, "image");
        if (!image.IsScalar()) {
          continue;
        }
        const std::string where =
            fmt::format("{} container {}", label, ScalarOr(Child(container, "name"), "?"));
        ReplaceImage(image, container.Style() == YAML::EmitterStyle::Flow, where);
      }
    }
  }

  void ReplaceImage(const YAML::Node& node, bool in_flow, const std::string& where) {
    auto ref = ParseImageRef(node.Scalar());
    if (!ref || !Matches(*ref, match_) || WouldDowngrade(*ref, version_)) {
      return;
    }
    ImageUse use;
    use.where = where;
    use.before = ref->ToString();
    use.needs_digest = !ref->digest.empty() && version_.digest.empty();
    use.after = Moved(*ref, version_).ToString();
    if (use.after == use.before) {
      return;
    }
    if (!AddScalarEdit(node, in_flow, use.after, use)) {
      return;
    }
    uses.push_back(std::move(use));
  }

  bool AddScalarEdit(const YAML::Node& node, bool in_flow, const std::string& value,
                     ImageUse& use) {
    auto span = LocateScalar(text_, node, in_flow);
    if (!span) {
      skipped_.push_back(fmt::format("{}: {}", use.where, span.status().message()));
      return false;
    }
    if (use.line == 0) {
      use.line = LineNumber(text_, span->offset);
    }
    use.edits.push_back(TextEdit{span->offset, span->length, FormatScalar(value, span->quote)});
    return true;
  }

  // Adds "key: value" as a new last entry of block mapping `entry`.
  void AddKeyEdit(const YAML::Node& entry, const std::string& key, const std::string& value,
                  ImageUse& use) {
    const std::size_t at = BlockEnd(text_, entry);
    std::string line = std::string(KeyColumn(entry), ' ') + key + ": " + FormatScalar(value, 0);
    std::string prefix = at > 0 && text_[at - 1] != '\n' ? "\n" : "";
    use.edits.push_back(TextEdit{at, 0, prefix + line + "\n"});
  }

  void ScanKustomization(const YAML::Node& document) {
    const YAML::Node images = Child(document, "images");
    if (!images.IsSequence()) {
      return;
    }
    for (const YAML::Node& entry : images) {
      const std::string name = ScalarOr(Child(entry, "name"));
      const std::string new_name = ScalarOr(Child(entry, "newName"), name);
      auto ref = ParseImageRef(new_name);
      auto original = ParseImageRef(name);
      if (!ref || !original) {
        continue;
      }
      ref->tag = ScalarOr(Child(entry, "newTag"));
      ref->digest = ScalarOr(Child(entry, "digest"));
      const bool pinned = !ref->tag.empty() || !ref->digest.empty();
      const bool same_image = ref->Canonical() == match_.image.Canonical() ||
                              original->Canonical() == match_.image.Canonical();
      // An entry without newTag or digest keeps the tag of the manifests it applies to.
      if (!same_image || (pinned && !VersionMatches(*ref, match_)) ||
          WouldDowngrade(*ref, version_)) {
        continue;
      }
      ScanKustomizeEntry(entry, *ref, name);
    }
  }

  void ScanKustomizeEntry(const YAML::Node& entry, const ImageRef& ref, const std::string& name) {
    ImageUse use;
    use.where = fmt::format("kustomization images[{}]", name);
    use.before = ref.ToString();
    const ImageRef moved = Moved(ref, version_);
    use.after = moved.ToString();
    use.needs_digest = !ref.digest.empty() && version_.digest.empty();
    use.line = LineNumber(text_, static_cast<std::size_t>(entry.Mark().pos));
    if (use.after == use.before) {
      return;
    }
    if (entry.Style() == YAML::EmitterStyle::Flow) {
      skipped_.push_back(use.where + ": flow-style entry; edit it by hand");
      return;
    }
    const std::vector<std::pair<const char*, std::string>> fields = {{"newTag", moved.tag},
                                                                     {"digest", moved.digest}};
    for (const auto& [key, value] : fields) {
      if (value.empty()) {
        continue;
      }
      const YAML::Node node = Child(entry, key);
      if (node.IsScalar()) {
        if (node.Scalar() != value && !AddScalarEdit(node, false, value, use)) {
          return;
        }
      } else {
        AddKeyEdit(entry, key, value, use);
      }
    }
    if (!use.edits.empty() || use.needs_digest) {
      uses.push_back(std::move(use));
    }
  }

  // Helm values: any mapping with `repository` and `tag` (and optionally `registry` and
  // `digest`), such as `image:` blocks at any depth.
  void ScanValues(const YAML::Node& node, const std::string& path) {
    if (node.IsSequence()) {
      std::size_t index = 0;
      for (const YAML::Node& item : node) {
        ScanValues(item, fmt::format("{}[{}]", path, index++));
      }
      return;
    }
    if (!node.IsMap()) {
      return;
    }
    const YAML::Node repository = Child(node, "repository");
    const YAML::Node tag = Child(node, "tag");
    if (repository.IsScalar() && tag.IsScalar()) {
      ScanValuesImage(node, path);
    }
    for (const auto& entry : node) {
      if (entry.first.IsScalar()) {
        const std::string child =
            path.empty() ? entry.first.Scalar() : path + "." + entry.first.Scalar();
        ScanValues(entry.second, child);
      }
    }
  }

  void ScanValuesImage(const YAML::Node& node, const std::string& path) {
    const std::string registry = ScalarOr(Child(node, "registry"));
    const std::string repository = ScalarOr(Child(node, "repository"));
    auto ref = ParseImageRef(registry.empty() ? repository : registry + "/" + repository);
    if (!ref || !ref->tag.empty()) {
      return;
    }
    const YAML::Node tag = Child(node, "tag");
    const YAML::Node digest = Child(node, "digest");
    ref->tag = tag.Scalar();
    ref->digest = ScalarOr(digest);
    if (!Matches(*ref, match_) || WouldDowngrade(*ref, version_)) {
      return;
    }
    ImageUse use;
    use.where = fmt::format("values {}.tag", path.empty() ? "<root>" : path);
    use.before = ref->ToString();
    use.after = Moved(*ref, version_).ToString();
    use.needs_digest = !ref->digest.empty() && version_.digest.empty();
    const bool in_flow = node.Style() == YAML::EmitterStyle::Flow;
    if (use.after == use.before) {
      return;
    }
    if (!version_.tag.empty() && tag.Scalar() != version_.tag &&
        !AddScalarEdit(tag, in_flow, version_.tag, use)) {
      return;
    }
    if (!version_.digest.empty() && digest.IsScalar() && digest.Scalar() != version_.digest &&
        !AddScalarEdit(digest, in_flow, version_.digest, use)) {
      return;
    }
    uses.push_back(std::move(use));
  }

  std::string_view text_;
  const ImageMatch& match_;
  const ImageVersion& version_;
  std::vector<std::string>& skipped_;
};

// Appends every CVE id ("CVE-YYYY-NNNN...") that occurs in `text`.
void ExtractCves(std::string_view text, std::set<std::string>& cves) {
  std::size_t at = text.find("CVE-");
  while (at != std::string_view::npos) {
    std::size_t end = at + 4;
    std::size_t digits = 0;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) {
      ++end;
      ++digits;
    }
    if (digits == 4 && end < text.size() && text[end] == '-') {
      std::size_t tail = end + 1;
      while (tail < text.size() && std::isdigit(static_cast<unsigned char>(text[tail]))) {
        ++tail;
      }
      if (tail - end - 1 >= 4) {
        cves.insert(std::string(text.substr(at, tail - at)));
      }
    }
    at = text.find("CVE-", at + 4);
  }
}

}  // namespace

std::vector<ImageUse> FindImageUses(std::string_view text, std::string_view path,
                                    const ImageMatch& match, const ImageVersion& version,
                                    std::vector<std::string>& skipped) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& error) {
    skipped.push_back(
        fmt::format("{}: not valid YAML at line {}: {}", path, error.mark.line + 1, error.msg));
    return {};
  }
  Scanner scanner(text, match, version, skipped);
  for (const YAML::Node& document : documents) {
    try {
      scanner.ScanDocument(document, path);
    } catch (const YAML::Exception& error) {
      skipped.push_back(fmt::format("{}: unexpected YAML structure near line {}: {}", path,
                                    error.mark.line + 1, error.msg));
    }
  }
  return std::move(scanner.uses);
}

Result<ImageRef> ImageFromFinding(const Json& finding) {
  std::string name;
  if (const Json* container = FindResource(finding, "Container")) {
    const Json* image = LookupPath(*container, "Details.Container.ImageName");
    name = image != nullptr && image->is_string() ? image->get<std::string>()
                                                  : StringOr(*container, "Id");
  }
  if (name.empty()) {
    name = StringOr(finding, "ArtifactName");
  }
  if (name.empty()) {
    return InvalidArgument(
        "finding names no container image: expected a Resources[] entry of Type 'Container' "
        "(Details.Container.ImageName or Id) or a Trivy ArtifactName; set 'image' in the rule");
  }
  const auto os_note = name.find(" (");
  if (os_note != std::string::npos) {
    name.resize(os_note);
  }
  auto ref = ParseImageRef(name);
  if (!ref) {
    return ref.status().WithContext("finding's container image");
  }
  return ref;
}

std::vector<std::string> CvesFromFinding(const Json& finding) {
  std::set<std::string> cves;
  if (const Json* list = LookupPath(finding, "Vulnerabilities"); list && list->is_array()) {
    for (const Json& vulnerability : *list) {
      ExtractCves(StringOr(vulnerability, "Id"), cves);
    }
  }
  if (const Json* resources = LookupPath(finding, "Resources");
      resources && resources->is_array()) {
    for (const Json& resource : *resources) {
      if (const Json* id = LookupPath(resource, "Details.Other.CVE ID"); id && id->is_string()) {
        ExtractCves(id->get<std::string>(), cves);
      }
    }
  }
  ExtractCves(StringOr(finding, "GeneratorId"), cves);
  return {cves.begin(), cves.end()};
}

}  // namespace rampart::remediate
