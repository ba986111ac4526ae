// CycloneDX JSON: components (nested ones too) with purls and Trivy's source properties.
#include <algorithm>

#include <fmt/format.h>

#include "vuln/sbom.h"

namespace rampart::vuln {
namespace {

constexpr std::string_view kTrivyPrefix = "aquasecurity:trivy:";

std::string Property(const Json& component, std::string_view name) {
  const auto properties = component.find("properties");
  if (properties == component.end() || !properties->is_array()) {
    return "";
  }
  for (const Json& property : *properties) {
    if (property.is_object() && StringOr(property, "name") == name) {
      return StringOr(property, "value");
    }
  }
  return "";
}

// Joins Trivy's SrcEpoch, SrcVersion and SrcRelease properties into an EVR or a Debian
// version, the form advisories use.
std::string TrivySourceVersion(const Json& component) {
  const std::string version = Property(component, std::string(kTrivyPrefix) + "SrcVersion");
  if (version.empty()) {
    return "";
  }
  const std::string epoch = Property(component, std::string(kTrivyPrefix) + "SrcEpoch");
  const std::string release = Property(component, std::string(kTrivyPrefix) + "SrcRelease");
  std::string joined = epoch.empty() || epoch == "0" ? "" : epoch + ":";
  joined += version;
  if (!release.empty()) {
    joined += "-" + release;
  }
  return joined;
}

class CycloneDxReader {
 public:
  explicit CycloneDxReader(Inventory& inventory) : inventory_(inventory) {}

  // Reads an array of components and their nested components. CycloneDX requires
  // "components" to be an array, so another type is an error, not an empty SBOM.
  Status ReadComponents(const Json& components, const std::string& path, std::string_view source) {
    if (!components.is_array()) {
      return InvalidArgument(
          fmt::format("{}: {} is of type {}, but CycloneDX requires an array of components", source,
                      path, components.type_name()));
    }
    for (std::size_t i = 0; i < components.size(); ++i) {
      const Json& component = components[i];
      const std::string component_path = JsonPathIndex(path, i);
      if (!component.is_object()) {
        inventory_.skipped.push_back({component_path, "the component is not an object"});
        continue;
      }
      ReadComponent(component, component_path);
      if (const auto nested = component.find("components"); nested != component.end()) {
        RAMPART_RETURN_IF_ERROR(
            ReadComponents(*nested, JsonPathMember(component_path, "components"), source));
      }
    }
    return Status::Ok();
  }

  // Fills in the operating system release for distribution packages without a "distro"
  // qualifier, from the SBOM's operating-system component.
  void ApplyOperatingSystem() {
    for (Package& package : inventory_.packages) {
      if (package.release.empty() && !os_release_.empty() && package.ecosystem == os_ecosystem_) {
        package.release = os_release_;
      }
    }
  }

 private:
  void ReadComponent(const Json& component, const std::string& path) {
    const std::string type = StringOr(component, "type");
    const std::string purl = StringOr(component, "purl");
    if (type == "operating-system") {
      RecordOperatingSystem(component);
      return;
    }
    if (purl.empty()) {
      if (type == "library" || type == "framework") {
        inventory_.skipped.push_back(
            {path, fmt::format("component \"{}\" has no package URL, so its ecosystem is unknown",
                               StringOr(component, "name"))});
      }
      return;
    }
    auto package = PackageFromUrl(purl);
    if (!package) {
      inventory_.skipped.push_back({path, package.status().message()});
      return;
    }

    if (package->version.empty()) {
      package->version = StringOr(component, "version");
    }
    if (package->version.empty()) {
      inventory_.skipped.push_back({path, "the component has no version"});
      return;
    }

    const std::string source_name = Property(component, std::string(kTrivyPrefix) + "SrcName");
    if (!source_name.empty() && source_name != package->name) {
      package->source_name = source_name;
    }
    const std::string source_version = TrivySourceVersion(component);
    if (!source_version.empty() && source_version != package->version) {
      package->source_version = source_version;
    }
    package->location = path;
    inventory_.packages.push_back(std::move(*package));
  }

  void RecordOperatingSystem(const Json& component) {
    const std::string name = StringOr(component, "name");
    const std::string version = StringOr(component, "version");
    if (name == "debian") {
      os_ecosystem_ = "Debian";
    } else if (name == "ubuntu") {
      os_ecosystem_ = "Ubuntu";
    } else if (name == "alpine") {
      os_ecosystem_ = "Alpine";
    } else if (name == "rocky") {
      os_ecosystem_ = "Rocky Linux";
    } else if (name == "almalinux") {
      os_ecosystem_ = "AlmaLinux";
    } else if (name == "centos" || name == "redhat" || name == "rhel") {
      os_ecosystem_ = "Red Hat";
    } else {
      return;
    }
    os_release_ = NormalizeRelease(version);
  }

  Inventory& inventory_;
  std::string os_ecosystem_;
  std::string os_release_;
};

// Returns the name of an SBOM format that is not JSON, from the start of `text`: CycloneDX
// XML (or other XML) and SPDX tag-value. Returns "" for anything else.
std::string_view NonJsonSbomFormat(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);  // UTF-8 byte order mark
  }
  const std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return "";
  }
  text.remove_prefix(start);
  if (text.front() == '<') {
    return text.find("cyclonedx.org") != std::string_view::npos ? "CycloneDX XML" : "XML";
  }
  // A tag-value file is "Tag: value" lines and "#" comments, and its first tag is SPDXVersion.
  while (!text.empty() && text.front() == '#') {
    const std::size_t next = text.find('\n');
    text = next == std::string_view::npos ? "" : text.substr(next + 1);
    text.remove_prefix(std::min(text.size(), text.find_first_not_of(" \t\r\n")));
  }
  return text.substr(0, 12) == "SPDXVersion:" ? "SPDX tag-value" : "";
}

// True for an SPDX 3 document, which is JSON-LD with an spdx.org "@context".
bool IsSpdx3(const Json& document) {
  if (!document.is_object()) {
    return false;
  }
  const auto context = document.find("@context");
  return context != document.end() && context->dump().find("spdx.org/rdf/3") != std::string::npos;
}

}  // namespace

Result<Inventory> ReadCycloneDx(const Json& document, std::string_view source) {
  if (!document.is_object() || StringOr(document, "bomFormat") != "CycloneDX") {
    return InvalidArgument(fmt::format("{}: $.bomFormat is not \"CycloneDX\"", source));
  }
  const std::string spec = StringOr(document, "specVersion");
  if (spec.rfind("1.", 0) != 0) {
    return InvalidArgument(fmt::format(
        "{}: $.specVersion \"{}\" is not a CycloneDX 1.x version; export the SBOM as CycloneDX "
        "JSON 1.4 to 1.6",
        source, spec));
  }

  Inventory inventory;
  inventory.format = "CycloneDX " + spec;
  if (const Json* component = FindPath(document, "metadata.component");
      component != nullptr && component->is_object()) {
    inventory.artifact = StringOr(*component, "name");
    const std::string version = StringOr(*component, "version");
    if (!inventory.artifact.empty() && !version.empty()) {
      inventory.artifact += ":" + version;
    }
  }
  if (inventory.artifact.empty()) {
    inventory.artifact = StringOr(document, "serialNumber", source);
  }

  CycloneDxReader reader(inventory);
  if (const auto components = document.find("components"); components != document.end()) {
    RAMPART_RETURN_IF_ERROR(reader.ReadComponents(*components, "$.components", source));
  }
  reader.ApplyOperatingSystem();
  return inventory;
}

Result<Inventory> ReadSbom(std::string_view text, std::string_view source) {
  constexpr std::string_view kExport =
      "so export the SBOM as JSON: CycloneDX JSON or SPDX 2.x JSON";
  if (const std::string_view format = NonJsonSbomFormat(text); !format.empty()) {
    return InvalidArgument(fmt::format("{}: {} is not read, {}", source, format, kExport));
  }
  auto document = ParseJson(text, source);
  if (!document) {
    return document.status();
  }
  if (document->is_object() && document->contains("bomFormat")) {
    return ReadCycloneDx(*document, source);
  }
  if (document->is_object() && document->contains("spdxVersion")) {
    return ReadSpdx(*document, source);
  }
  if (IsSpdx3(*document)) {
    return InvalidArgument(
        fmt::format("{}: SPDX 3 JSON-LD (\"@context\") is not supported, {}", source, kExport));
  }
  return InvalidArgument(fmt::format(
      "{}: not an SBOM this reader knows: expected CycloneDX JSON (\"bomFormat\") or SPDX JSON "
      "(\"spdxVersion\")",
      source));
}

}  // namespace rampart::vuln
