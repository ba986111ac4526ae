#include "posture/manifest.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <set>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "core/file.h"

namespace rampart::posture {
namespace {

namespace fs = std::filesystem;

// Pod Security admission also checks PodTemplate objects, whose pod template is at "template".
constexpr std::array<std::string_view, 9> kWorkloadKinds = {
    "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
    "Job", "CronJob",    "PodTemplate"};
constexpr std::array<std::string_view, 10> kOtherKinds = {
    "ServiceAccount", "Role",      "ClusterRole", "RoleBinding", "ClusterRoleBinding",
    "NetworkPolicy",  "Namespace", "ConfigMap",   "Secret",      "Service"};
constexpr std::string_view kNoKind = "(no kind)";

// Returns the path of the Helm template that produced a document: Helm writes
// "# Source: CHART/templates/FILE" at the top of each rendered document.
std::string HelmSource(std::string_view chunk) {
  constexpr std::string_view kPrefix = "# Source: ";
  std::size_t position = 0;
  while (position < chunk.size()) {
    const std::size_t newline = chunk.find('\n', position);
    const std::size_t end = newline == std::string_view::npos ? chunk.size() : newline;
    std::string_view line = chunk.substr(position, end - position);
    if (line.substr(0, kPrefix.size()) == kPrefix) {
      line.remove_prefix(kPrefix.size());
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
        line.remove_suffix(1);
      }
      return std::string(line);
    }
    const bool comment_or_marker =
        line.empty() || line[0] == '#' || line.substr(0, 3) == "---" || line == "\r";
    if (!comment_or_marker) {
      break;
    }
    position = end + 1;
  }
  return "";
}

struct DocumentContext {
  const std::string& file;
  std::uint32_t document;
  std::string helm_source;
  std::shared_ptr<const YamlNode> root;
};

void AddObject(const YamlNode& node, const std::string& list_path, const DocumentContext& context,
               ManifestSet& set) {
  const std::string kind(StringOr(node.Find("kind")));
  if (kind.empty()) {
    ++set.ignored_kinds[std::string(kNoKind)];
    return;
  }
  if (!IsWorkloadKind(kind) && !IsLoadedKind(kind)) {
    ++set.ignored_kinds[kind];
    return;
  }
  const YamlNode* metadata = node.Find("metadata");
  std::string name(StringOr(metadata ? metadata->Find("name") : nullptr));
  if (name.empty()) {
    name = StringOr(metadata ? metadata->Find("generateName") : nullptr);
  }
  const std::string where = list_path.empty() ? "" : " (" + list_path + ")";
  if (name.empty()) {
    set.errors.push_back({context.file, node.line,
                          fmt::format("{}{} has no metadata.name; add a name so the object can be "
                                      "applied and reported",
                                      kind, where)});
    return;
  }
  ManifestObject object;
  object.api_version = StringOr(node.Find("apiVersion"));
  object.kind = kind;
  object.name = std::move(name);
  object.namespace_name = StringOr(metadata ? metadata->Find("namespace") : nullptr);
  object.file = context.file;
  object.line = node.line;
  object.document = context.document;
  object.list_path = list_path;
  object.helm_source = context.helm_source;
  object.document_root = context.root;
  object.root = &node;
  if (object.api_version.empty()) {
    set.errors.push_back({context.file, node.line,
                          fmt::format("{} \"{}\"{} has no apiVersion; Kubernetes rejects it", kind,
                                      object.name, where)});
    return;
  }
  set.objects.push_back(std::move(object));
}

void AddDocument(const YamlNode& root, const DocumentContext& context, ManifestSet& set) {
  const std::string_view kind = StringOr(root.Find("kind"));
  const YamlNode* items = root.Find("items");
  const bool is_list = kind.size() >= 4 && kind.substr(kind.size() - 4) == "List";
  if (!is_list || items == nullptr) {
    AddObject(root, "", context, set);
    return;
  }
  if (!items->IsSequence()) {
    set.errors.push_back(
        {context.file, items->line, fmt::format("{} has items that are not a sequence", kind)});
    return;
  }
  for (std::size_t i = 0; i < items->children.size(); ++i) {
    const YamlNode& item = items->children[i];
    if (!item.IsMapping()) {
      set.errors.push_back({context.file, item.line,
                            fmt::format("{} items[{}] is not a Kubernetes object", kind, i)});
      continue;
    }
    AddObject(item, fmt::format("items[{}]", i), context, set);
  }
}

// Adds the objects of one parsed document that is not empty.
void AddRoot(YamlNode root, DocumentContext context, ManifestSet& set) {
  ++set.documents;
  if (!root.IsMapping()) {
    ++set.ignored_kinds[std::string(kNoKind)];
    return;
  }
  context.root = std::make_shared<const YamlNode>(std::move(root));
  AddDocument(*context.root, context, set);
}

bool HasManifestExtension(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

bool IsInside(const fs::path& path, const fs::path& root) {
  const auto mismatch = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return mismatch.first == root.end();
}

void LoadFile(const fs::path& path, const std::string& display, ManifestSet& set,
              const LoadOptions& options) {
  auto text = ReadFile(path.string(), options.max_file_bytes);
  if (!text) {
    set.errors.push_back({display, 0, text.status().message()});
    return;
  }
  ++set.files;
  LoadManifestText(*text, display, set, options);
}

// Reads the manifest files under `folder` in name order, real entries before symbolic links,
// so a link to something already read is skipped. `root` is the canonical scanned folder;
// `visited` contains the canonical paths already read, which also ends link cycles.
void LoadFolder(const fs::path& folder, const fs::path& root, std::set<fs::path>& visited,
                ManifestSet& set, const LoadOptions& options) {
  std::error_code error;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    entries.push_back(*it);
  }
  if (error) {
    set.errors.push_back(
        {folder.lexically_relative(root).string(), 0, "cannot list folder: " + error.message()});
    return;
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const bool a_link = a.is_symlink();
    const bool b_link = b.is_symlink();
    return a_link != b_link ? b_link : a.path().filename() < b.path().filename();
  });
  for (const fs::directory_entry& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.') {
      continue;
    }
    const std::string display = entry.path().lexically_relative(root).string();
    const fs::path target = fs::canonical(entry.path(), error);
    if (error) {
      set.errors.push_back({display, 0, "cannot resolve path: " + error.message()});
      error.clear();
      continue;
    }
    if (!IsInside(target, root)) {
      set.warnings.push_back(
          {display, 0,
           "skipped: symbolic link to " + target.string() + ", outside the scanned folder"});
      continue;
    }
    const bool is_folder = fs::is_directory(target, error);
    const bool is_manifest =
        !is_folder && fs::is_regular_file(target, error) && HasManifestExtension(entry.path());
    error.clear();
    if ((!is_folder && !is_manifest) || !visited.insert(target).second) {
      continue;
    }
    if (is_folder) {
      LoadFolder(entry.path(), root, visited, set, options);
    } else {
      LoadFile(target, display, set, options);
    }
  }
}

// A parsed document, or why it could not be parsed.
struct ParsedChunk {
  Result<std::vector<YamlNode>> roots = std::vector<YamlNode>{};
  std::uint32_t error_line = 0;
};

// Parses the documents of one stream. Large streams are parsed on several threads, since
// documents are independent and yaml-cpp parsing dominates loading time.
std::vector<ParsedChunk> ParseChunks(const std::vector<YamlChunk>& chunks, std::size_t bytes,
                                     const LoadOptions& options) {
  std::vector<ParsedChunk> parsed(chunks.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < chunks.size(); i = next++) {
      parsed[i].error_line = chunks[i].first_line;
      parsed[i].roots = ParseYamlDocuments(chunks[i].text, chunks[i].first_line, options.yaml,
                                           &parsed[i].error_line);
    }
  };
  const std::size_t threads =
      bytes < options.parallel_bytes ? 1 : std::min<std::size_t>(options.threads, chunks.size());
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < threads; ++i) {
    workers.emplace_back(work);
  }
  work();
  for (std::thread& worker : workers) {
    worker.join();
  }
  return parsed;
}

}  // namespace

bool ManifestObject::IsClusterScoped() const {
  return kind == "Namespace" || kind == "ClusterRole" || kind == "ClusterRoleBinding";
}

bool IsWorkloadKind(std::string_view kind) {
  return std::find(kWorkloadKinds.begin(), kWorkloadKinds.end(), kind) != kWorkloadKinds.end();
}

bool IsLoadedKind(std::string_view kind) {
  return std::find(kOtherKinds.begin(), kOtherKinds.end(), kind) != kOtherKinds.end();
}

void LoadManifestText(std::string_view text, const std::string& file, ManifestSet& set,
                      const LoadOptions& options) {
  const std::vector<YamlChunk> chunks = SplitYamlDocuments(text);
  std::vector<ParsedChunk> parsed = ParseChunks(chunks, text.size(), options);
  std::uint32_t document = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const YamlChunk& chunk = chunks[i];
    Result<std::vector<YamlNode>>& roots = parsed[i].roots;
    if (!roots) {
      std::string message = roots.status().message();
      if (chunk.text.find("{{") != std::string_view::npos) {
        message +=
            "; the document looks like an unrendered Helm template, so render it with "
            "`helm template` and scan the output";
      }
      set.errors.push_back({file, parsed[i].error_line, std::move(message)});
      ++document;
      continue;
    }
    const std::string helm_source = HelmSource(chunk.text);
    for (YamlNode& root : *roots) {
      if (root.IsNull()) {
        continue;
      }
      AddRoot(std::move(root), DocumentContext{file, document++, helm_source, nullptr}, set);
    }
  }
}

Result<ManifestSet> LoadManifests(const std::string& path, const LoadOptions& options) {
  ManifestSet set;
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (text.size() > options.max_file_bytes) {
      return ResourceExhausted(
          fmt::format("standard input is larger than {} bytes", options.max_file_bytes));
    }
    ++set.files;
    LoadManifestText(text, "<stdin>", set, options);
    return set;
  }
  std::error_code error;
  const fs::path root = fs::canonical(path, error);
  if (error) {
    return NotFound(fmt::format("cannot read manifests at {}: {}", path, error.message()));
  }
  if (fs::is_directory(root, error)) {
    std::set<fs::path> visited{root};
    LoadFolder(root, root, visited, set, options);
    return set;
  }
  if (!fs::is_regular_file(root, error)) {
    return InvalidArgument(fmt::format("{} is neither a file nor a folder", path));
  }
  LoadFile(root, path, set, options);
  return set;
}

}  // namespace rampart::posture
