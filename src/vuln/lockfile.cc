#include "vuln/lockfile.h"

#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/json.h"
#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view BaseName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Calls `visit(line_number, line)` for each line, without the line break.
template <typename Visit>
void ForEachLine(std::string_view text, Visit visit) {
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    visit(++number, Trim(text.substr(start, end - start)));
    start = end + 1;
  }
}

Package NewPackage(std::string_view ecosystem, std::string name, std::string version,
                   std::string location) {
  Package package;
  package.ecosystem = std::string(ecosystem);
  package.name = std::move(name);
  package.version = std::move(version);
  package.location = std::move(location);
  return package;
}

// npm lockfileVersion 2 and 3: "packages" keyed by install path.
void ReadNpmPackages(const Json& packages, const std::string& location, Inventory& inventory) {
  constexpr std::string_view kModules = "node_modules/";
  for (const auto& [path, entry] : packages.items()) {
    const std::size_t at = path.rfind(kModules);
    if (at == std::string::npos || !entry.is_object()) {
      continue;
    }
    const auto link = entry.find("link");
    if (link != entry.end() && link->is_boolean() && link->get<bool>()) {
      continue;  // a symlink to a folder in the project, not an installed release
    }
    // An alias ("alias": "npm:lodash@4.17.11" in package.json) is installed under the
    // alias's path, and the entry's "name" names the package that was installed.
    std::string name = StringOr(entry, "name");
    if (name.empty()) {
      name = path.substr(at + kModules.size());
    }
    const std::string version = StringOr(entry, "version");
    const std::string where = location + ":" + JsonPathMember("$.packages", path);
    if (version.empty()) {
      inventory.skipped.push_back({where, "the entry has no version"});
      continue;
    }
    inventory.packages.push_back(NewPackage("npm", name, version, where));
  }
}

// Adds one lockfileVersion 1 dependency. An alias has the version "npm:NAME@VERSION", which
// names the installed package.
void AddNpmDependency(const std::string& key, std::string_view version, const std::string& where,
                      Inventory& inventory) {
  std::string name = key;
  constexpr std::string_view kAlias = "npm:";
  if (version.substr(0, kAlias.size()) == kAlias) {
    const std::string_view target = version.substr(kAlias.size());
    const std::size_t at = target.rfind('@');
    if (at == 0 || at == std::string_view::npos) {
      inventory.skipped.push_back(
          {where, fmt::format("alias \"{}\" has no version, expected npm:NAME@VERSION", version)});
      return;
    }
    name = std::string(target.substr(0, at));
    version = target.substr(at + 1);
  }
  if (version.empty()) {
    return;
  }
  inventory.packages.push_back(NewPackage("npm", std::move(name), std::string(version), where));
}

// npm lockfileVersion 1: nested "dependencies".
void ReadNpmDependencies(const Json& dependencies, const std::string& path,
                         const std::string& location, Inventory& inventory, int depth) {
  if (!dependencies.is_object() || depth > 64) {
    return;
  }
  for (const auto& [name, entry] : dependencies.items()) {
    if (!entry.is_object()) {
      continue;
    }
    const std::string entry_path = JsonPathMember(path, name);
    AddNpmDependency(name, StringOr(entry, "version"), location + ":" + entry_path, inventory);
    if (const auto nested = entry.find("dependencies"); nested != entry.end()) {
      ReadNpmDependencies(*nested, JsonPathMember(entry_path, "dependencies"), location, inventory,
                          depth + 1);
    }
  }
}

Status ParsePackageLock(std::string_view text, const std::string& location, Inventory& inventory) {
  auto document = ParseJson(text, location);
  if (!document) {
    return document.status();
  }
  if (!document->is_object()) {
    return InvalidArgument(location + ": $ is not an object");
  }
  if (const auto packages = document->find("packages");
      packages != document->end() && packages->is_object()) {
    ReadNpmPackages(*packages, location, inventory);
  } else if (const auto dependencies = document->find("dependencies");
             dependencies != document->end()) {
    ReadNpmDependencies(*dependencies, "$.dependencies", location, inventory, 0);
  }
  return Status::Ok();
}

// Reads the [[package]] tables of a TOML lock file (poetry.lock, Cargo.lock): their
// name, version and source string keys. Keys of sub-tables are not package keys.
struct TomlPackage {
  int line = 0;
  std::string name;
  std::string version;
  std::string source;
};

std::vector<TomlPackage> ReadTomlPackages(std::string_view text) {
  std::vector<TomlPackage> packages;
  bool in_package = false;
  ForEachLine(text, [&](int number, std::string_view line) {
    if (line.empty() || line.front() == '#') {
      return;
    }
    if (line.front() == '[') {
      in_package = line == "[[package]]";
      if (in_package) {
        packages.push_back({number, "", "", ""});
      }
      return;
    }
    const std::size_t equals = line.find('=');
    if (!in_package || equals == std::string_view::npos) {
      return;
    }
    const std::string_view key = Trim(line.substr(0, equals));
    const std::string_view value = Trim(line.substr(equals + 1));
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
      return;
    }
    const std::string unquoted(value.substr(1, value.size() - 2));
    if (key == "name") {
      packages.back().name = unquoted;
    } else if (key == "version") {
      packages.back().version = unquoted;
    } else if (key == "source") {
      packages.back().source = unquoted;
    }
  });
  return packages;
}

void ParsePoetryLock(std::string_view text, const std::string& location, Inventory& inventory) {
  for (TomlPackage& entry : ReadTomlPackages(text)) {
    const std::string where = fmt::format("{}:{}", location, entry.line);
    if (entry.name.empty() || entry.version.empty()) {
      inventory.skipped.push_back({where, "the [[package]] table has no name or version"});
      continue;
    }
    inventory.packages.push_back(
        NewPackage("PyPI", std::move(entry.name), std::move(entry.version), where));
  }
}

void ParseCargoLock(std::string_view text, const std::string& location, Inventory& inventory) {
  for (TomlPackage& entry : ReadTomlPackages(text)) {
    const std::string where = fmt::format("{}:{}", location, entry.line);
    if (entry.name.empty() || entry.version.empty()) {
      inventory.skipped.push_back({where, "the [[package]] table has no name or version"});
      continue;
    }
    if (entry.source.rfind("registry+", 0) != 0) {
      // Workspace members and git or path dependencies are not crates.io releases.
      continue;
    }
    inventory.packages.push_back(
        NewPackage("crates.io", std::move(entry.name), std::move(entry.version), where));
  }
}

void ParseRequirements(std::string_view text, const std::string& location, Inventory& inventory) {
  ForEachLine(text, [&](int number, std::string_view line) {
    line = Trim(line.substr(0, line.find('#')));
    if (line.empty() || line.front() == '-') {
      return;
    }
    const std::string where = fmt::format("{}:{}", location, number);
    line = Trim(line.substr(0, line.find(';')));
    const std::size_t pin = line.find("==");
    if (pin == std::string_view::npos) {
      inventory.skipped.push_back(
          {where, fmt::format("\"{}\" is not pinned with ==, so its version is unknown", line)});
      return;
    }
    std::string_view name = Trim(line.substr(0, pin));
    name = name.substr(0, name.find('['));
    std::string_view version = line.substr(pin + 2);
    if (!version.empty() && version.front() == '=') {
      version.remove_prefix(1);
    }
    // PEP 508 allows spaces around the operator, and a hash option may follow the version.
    version = Trim(version);
    version = version.substr(0, version.find_first_of(" \t"));
    if (name.empty() || version.empty()) {
      inventory.skipped.push_back({where, fmt::format("\"{}\" has no name or version", line)});
      return;
    }
    inventory.packages.push_back(
        NewPackage("PyPI", std::string(Trim(name)), std::string(version), where));
  });
}

void ParseGoSum(std::string_view text, const std::string& location, Inventory& inventory) {
  std::set<std::pair<std::string, std::string>> seen;
  ForEachLine(text, [&](int number, std::string_view line) {
    const std::size_t first = line.find(' ');
    const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos) {
      return;
    }
    const std::string module(line.substr(0, first));
    const std::string version(line.substr(first + 1, second - first - 1));
    // A "/go.mod" line only records the module's go.mod, which version selection reads.
    // The module's code is in the build only when its zip hash is listed too.
    if (version.size() > 7 && version.substr(version.size() - 7) == "/go.mod") {
      return;
    }
    if (seen.emplace(module, version).second) {
      inventory.packages.push_back(
          NewPackage("Go", module, version, fmt::format("{}:{}", location, number)));
    }
  });
}

}  // namespace

bool IsLockFile(std::string_view file_name) {
  const std::string_view base = BaseName(file_name);
  return base == "package-lock.json" || base == "poetry.lock" || base == "requirements.txt" ||
         base == "go.sum" || base == "Cargo.lock";
}

Status ParseLockFile(std::string_view file_name, std::string_view text, const std::string& location,
                     Inventory& inventory) {
  const std::string_view base = BaseName(file_name);
  if (base == "package-lock.json") {
    return ParsePackageLock(text, location, inventory);
  }
  if (base == "poetry.lock") {
    ParsePoetryLock(text, location, inventory);
  } else if (base == "requirements.txt") {
    ParseRequirements(text, location, inventory);
  } else if (base == "go.sum") {
    ParseGoSum(text, location, inventory);
  } else if (base == "Cargo.lock") {
    ParseCargoLock(text, location, inventory);
  } else {
    return InvalidArgument(fmt::format("{}: not a lock file this reader knows", location));
  }
  return Status::Ok();
}

}  // namespace rampart::vuln
