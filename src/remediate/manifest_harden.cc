#include "remediate/manifest_harden.h"

#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "remediate/action.h"
#include "remediate/yaml_text.h"

namespace rampart::remediate {

namespace {

constexpr int kMaxEdits = 2000;

// A field a fix needs: `keys` from the container (or pod spec) down to the value, and the
// value as YAML text. With `list_item` the value must be an item of the list at `keys`.
struct Requirement {
  bool pod_level = false;
  std::vector<std::string> keys;
  std::string value;
  bool list_item = false;
};

Requirement RequirementFor(HardenFix fix) {
  switch (fix) {
    case HardenFix::kRunAsNonRoot:
      return {false, {"securityContext", "runAsNonRoot"}, "true", false};
    case HardenFix::kDisallowPrivilegeEscalation:
      return {false, {"securityContext", "allowPrivilegeEscalation"}, "false", false};
    case HardenFix::kDropAllCapabilities:
      return {false, {"securityContext", "capabilities", "drop"}, "ALL", true};
    case HardenFix::kReadOnlyRootFilesystem:
      return {false, {"securityContext", "readOnlyRootFilesystem"}, "true", false};
    case HardenFix::kSeccompRuntimeDefault:
      return {false, {"securityContext", "seccompProfile", "type"}, "RuntimeDefault", false};
    case HardenFix::kNoServiceAccountToken:
      return {true, {"automountServiceAccountToken"}, "false", false};
  }
  return {};
}

YAML::Node Child(const YAML::Node& node, const std::string& key) {
  if (!node.IsMap()) {
    return YAML::Node(YAML::NodeType::Undefined);
  }
  const YAML::Node& const_node = node;
  YAML::Node child = const_node[key];
  return child.IsDefined() ? child : YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node ChildPath(YAML::Node node, const std::vector<std::string>& keys) {
  // YAML::Node's operator= writes into the referenced node, so rebinding uses reset().
  for (const std::string& key : keys) {
    node.reset(Child(node, key));
  }
  return node;
}

bool ScalarIs(const YAML::Node& node, std::string_view value) {
  if (!node.IsScalar()) {
    return false;
  }
  const std::string& text = node.Scalar();
  if (value == "true") {
    return text == "true" || text == "True" || text == "TRUE";
  }
  if (value == "false") {
    return text == "false" || text == "False" || text == "FALSE";
  }
  return text == value;
}

bool Satisfied(const YAML::Node& target, const YAML::Node& pod_spec, HardenFix fix,
               const Requirement& requirement) {
  const YAML::Node node = ChildPath(target, requirement.keys);
  if (requirement.list_item) {
    // Matched exactly: Pod Security admission's restricted profile looks for "ALL", so a
    // lower-case "all" does not count.
    if (!node.IsSequence()) {
      return false;
    }
    for (const YAML::Node& item : node) {
      if (ScalarIs(item, requirement.value)) {
        return true;
      }
    }
    return false;
  }
  if (fix == HardenFix::kSeccompRuntimeDefault && ScalarIs(node, "Localhost")) {
    return true;
  }
  if (node.IsDefined()) {
    return ScalarIs(node, requirement.value);
  }
  // A container without the field inherits the pod-level setting for these two.
  if (fix == HardenFix::kRunAsNonRoot) {
    return ScalarIs(ChildPath(pod_spec, {"securityContext", "runAsNonRoot"}), "true");
  }
  if (fix == HardenFix::kSeccompRuntimeDefault) {
    const YAML::Node type = ChildPath(pod_spec, {"securityContext", "seccompProfile", "type"});
    return ScalarIs(type, "RuntimeDefault") || ScalarIs(type, "Localhost");
  }
  return false;
}

// Layout of the file: the indentation step and where a block list's "-" goes relative to
// its key (0 when "- " sits under the key, 2 when it is indented).
struct Layout {
  std::size_t step = 2;
  std::size_t list_offset = 0;
};

Layout DetectLayout(const YAML::Node& document, const YAML::Node& pod_spec) {
  Layout layout;
  layout.step = IndentStep(document);
  for (const auto& entry : pod_spec) {
    if (entry.first.Scalar() == "containers" && entry.second.IsSequence() &&
        entry.second.Style() != YAML::EmitterStyle::Flow &&
        entry.second.Mark().line > entry.first.Mark().line) {
      layout.list_offset =
          static_cast<std::size_t>(entry.second.Mark().column - entry.first.Mark().column);
    }
  }
  return layout;
}

std::string FlowText(const Requirement& requirement, std::size_t from) {
  const std::string& key = requirement.keys[from];
  if (from + 1 == requirement.keys.size()) {
    return key + ": " + (requirement.list_item ? "[" + requirement.value + "]" : requirement.value);
  }
  return key + ": {" + FlowText(requirement, from + 1) + "}";
}

std::string BlockText(const Requirement& requirement, std::size_t from, std::size_t indent,
                      const Layout& layout) {
  std::string text = std::string(indent, ' ') + requirement.keys[from] + ":";
  if (from + 1 < requirement.keys.size()) {
    return text + "\n" + BlockText(requirement, from + 1, indent + layout.step, layout);
  }
  if (requirement.list_item) {
    return text + "\n" + std::string(indent + layout.list_offset, ' ') + "- " + requirement.value +
           "\n";
  }
  return text + " " + requirement.value + "\n";
}

// Returns the edit that adds keys[from..] to mapping `parent`.
TextEdit InsertInto(std::string_view text, const YAML::Node& parent, const Requirement& requirement,
                    std::size_t from, const Layout& layout) {
  const auto start = static_cast<std::size_t>(parent.Mark().pos);
  if (parent.Style() == YAML::EmitterStyle::Flow) {
    const std::size_t close = FlowEnd(text, start);
    const std::string separator = parent.size() > 0 ? ", " : "";
    return TextEdit{close, 0, separator + FlowText(requirement, from)};
  }
  const std::size_t at = BlockEnd(text, parent);
  const std::string prefix = at > 0 && text[at - 1] != '\n' ? "\n" : "";
  return TextEdit{at, 0, prefix + BlockText(requirement, from, KeyColumn(parent), layout)};
}

Result<TextEdit> ComputeEdit(std::string_view text, const YAML::Node& target,
                             const Requirement& requirement, const Layout& layout) {
  YAML::Node parent = target;
  for (std::size_t i = 0; i < requirement.keys.size(); ++i) {
    const YAML::Node child = Child(parent, requirement.keys[i]);
    if (!child.IsDefined()) {
      return InsertInto(text, parent, requirement, i, layout);
    }
    const bool last = i + 1 == requirement.keys.size();
    if (last && requirement.list_item && child.IsSequence()) {
      const auto start = static_cast<std::size_t>(child.Mark().pos);
      if (child.Style() == YAML::EmitterStyle::Flow) {
        const std::string separator = child.size() > 0 ? ", " : "";
        return TextEdit{FlowEnd(text, start), 0, separator + requirement.value};
      }
      const auto column = static_cast<std::size_t>(child.Mark().column);
      return TextEdit{BlockEnd(text, child), 0,
                      std::string(column, ' ') + "- " + requirement.value + "\n"};
    }
    if (last && !requirement.list_item && child.IsScalar()) {
      auto span = LocateScalar(text, child, parent.Style() == YAML::EmitterStyle::Flow);
      if (!span) {
        return span.status();
      }
      return TextEdit{span->offset, span->length, requirement.value};
    }
    if (last || !child.IsMap()) {
      return InvalidArgument(fmt::format("'{}' at line {} has an unexpected form; edit it by hand",
                                         requirement.keys[i], child.Mark().line + 1));
    }
    parent.reset(child);
  }
  return Internal("requirement has no keys");
}

struct Workload {
  std::string label;
  YAML::Node pod_spec;
  std::string namespace_name;
};

std::optional<Workload> SelectWorkload(const YAML::Node& document,
                                       const WorkloadSelector& selector) {
  if (!document.IsMap()) {
    return std::nullopt;
  }
  const YAML::Node kind_node = Child(document, "kind");
  const std::string kind = kind_node.IsScalar() ? kind_node.Scalar() : "";
  const YAML::Node metadata = Child(document, "metadata");
  const YAML::Node name = Child(metadata, "name");
  const YAML::Node namespace_node = Child(metadata, "namespace");
  YAML::Node spec = Child(document, "spec");
  if (kind == "CronJob") {
    spec.reset(ChildPath(spec, {"jobTemplate", "spec", "template", "spec"}));
  } else if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
             kind == "ReplicaSet" || kind == "Job" || kind == "ReplicationController") {
    spec.reset(ChildPath(spec, {"template", "spec"}));
  } else if (kind != "Pod") {
    return std::nullopt;
  }
  const std::string name_text = name.IsScalar() ? name.Scalar() : "";
  if (!spec.IsMap() || (!selector.kind.empty() && selector.kind != kind) ||
      (!selector.name.empty() && selector.name != name_text) ||
      (!selector.namespace_name.empty() && namespace_node.IsScalar() &&
       namespace_node.Scalar() != selector.namespace_name)) {
    return std::nullopt;
  }
  std::string namespace_name = namespace_node.IsScalar()         ? namespace_node.Scalar()
                               : selector.namespace_name.empty() ? "default"
                                                                 : selector.namespace_name;
  if (selector.allowed_namespaces && !AllowListed(*selector.allowed_namespaces, namespace_name)) {
    return std::nullopt;
  }
  return Workload{kind + "/" + name_text, spec, std::move(namespace_name)};
}

// One place a fix applies to: the pod spec, or one container.
struct Target {
  std::string label;
  YAML::Node node;
};

std::vector<Target> TargetsOf(const Workload& workload, bool pod_level) {
  if (pod_level) {
    return {Target{workload.label, workload.pod_spec}};
  }
  std::vector<Target> targets;
  for (const char* list : {"initContainers", "containers"}) {
    const YAML::Node containers = Child(workload.pod_spec, list);
    if (!containers.IsSequence()) {
      continue;
    }
    for (const YAML::Node& container : containers) {
      const YAML::Node name = Child(container, "name");
      targets.push_back(Target{
          fmt::format("{} container {}", workload.label, name.IsScalar() ? name.Scalar() : "?"),
          container});
    }
  }
  return targets;
}

// Finds the first field that still needs a fix and applies it to `text`. Returns false when
// nothing is left to do.
bool ApplyNextFix(std::string& text, const std::vector<YAML::Node>& documents,
                  const WorkloadSelector& selector, const std::vector<HardenFix>& fixes,
                  std::set<std::string>& given_up, HardenOutcome& outcome) {
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const auto workload = SelectWorkload(documents[d], selector);
    if (!workload) {
      continue;
    }
    const Layout layout = DetectLayout(documents[d], workload->pod_spec);
    for (HardenFix fix : fixes) {
      const Requirement requirement = RequirementFor(fix);
      const auto targets = TargetsOf(*workload, requirement.pod_level);
      for (std::size_t t = 0; t < targets.size(); ++t) {
        const std::string id = fmt::format("{}/{}/{}", d, t, static_cast<int>(fix));
        if (given_up.count(id) != 0 ||
            Satisfied(targets[t].node, workload->pod_spec, fix, requirement)) {
          continue;
        }
        const std::string field =
            fmt::format("{} = {}", fmt::join(requirement.keys, "."),
                        requirement.list_item ? "[" + requirement.value + "]" : requirement.value);
        auto edit = ComputeEdit(text, targets[t].node, requirement, layout);
        auto edited = edit ? ApplyEdits(text, {*edit}) : Result<std::string>(edit.status());
        if (!edited) {
          given_up.insert(id);
          outcome.skipped.push_back(
              fmt::format("{}: {}: {}", targets[t].label, field, edited.status().message()));
          continue;
        }
        text = std::move(*edited);
        outcome.applied.push_back(fmt::format("{}: {}", targets[t].label, field));
        return true;
      }
    }
  }
  return false;
}

Result<std::vector<YAML::Node>> LoadDocuments(const std::string& text, std::string_view path) {
  try {
    return YAML::LoadAll(text);
  } catch (const YAML::Exception& error) {
    return InvalidArgument(
        fmt::format("{}: not valid YAML at line {}: {}", path, error.mark.line + 1, error.msg));
  }
}

}  // namespace

std::optional<HardenFix> ParseHardenFix(std::string_view name) {
  if (name == "runAsNonRoot") return HardenFix::kRunAsNonRoot;
  if (name == "allowPrivilegeEscalation") return HardenFix::kDisallowPrivilegeEscalation;
  if (name == "dropAllCapabilities" || name == "capabilities") {
    return HardenFix::kDropAllCapabilities;
  }
  if (name == "readOnlyRootFilesystem") return HardenFix::kReadOnlyRootFilesystem;
  if (name == "seccompProfile") return HardenFix::kSeccompRuntimeDefault;
  if (name == "automountServiceAccountToken") return HardenFix::kNoServiceAccountToken;
  return std::nullopt;
}

std::vector<HardenFix> AllHardenFixes() {
  return {HardenFix::kRunAsNonRoot,          HardenFix::kDisallowPrivilegeEscalation,
          HardenFix::kDropAllCapabilities,   HardenFix::kReadOnlyRootFilesystem,
          HardenFix::kSeccompRuntimeDefault, HardenFix::kNoServiceAccountToken};
}

Result<HardenOutcome> HardenManifest(std::string_view text, std::string_view path,
                                     const WorkloadSelector& selector,
                                     const std::vector<HardenFix>& fixes) {
  HardenOutcome outcome;
  outcome.text = std::string(text);
  auto documents = LoadDocuments(outcome.text, path);
  if (!documents) {
    return documents.status();
  }
  WorkloadSelector any_namespace = selector;
  any_namespace.allowed_namespaces.reset();
  for (const YAML::Node& document : *documents) {
    if (SelectWorkload(document, selector)) {
      ++outcome.workloads;
    } else if (const auto workload = SelectWorkload(document, any_namespace)) {
      ++outcome.denied;
      outcome.skipped.push_back(
          fmt::format("{}: namespace '{}' is not on the namespaces allow-list", workload->label,
                      workload->namespace_name));
    }
  }
  std::set<std::string> given_up;
  // Each pass applies one edit and parses the text again, so later edits see fresh marks.
  for (int pass = 0; pass < kMaxEdits; ++pass) {
    if (!ApplyNextFix(outcome.text, *documents, selector, fixes, given_up, outcome)) {
      return outcome;
    }
    documents = LoadDocuments(outcome.text, path);
    if (!documents) {
      return Internal(
          fmt::format("an edit made {} invalid: {}", path, documents.status().message()));
    }
  }
  return Internal(
      fmt::format("{}: more than {} edits; the fixes do not converge", path, kMaxEdits));
}

}  // namespace rampart::remediate
