#include "vuln/installed_db.h"

#include <fmt/format.h>

namespace rampart::vuln {
namespace {

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Calls `visit(first_line, fields)` for each paragraph (paragraphs end at blank lines)
// with its "Key: value" fields. Continuation lines, which start with a space, are skipped.
template <typename Visit>
void ForEachParagraph(std::string_view text, char separator, Visit visit) {
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  int line_number = 0;
  int first_line = 0;
  const auto flush = [&] {
    if (!fields.empty()) {
      visit(first_line, fields);
      fields.clear();
    }
  };

  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (TrimSpace(line).empty()) {
      flush();
      continue;
    }
    const std::size_t colon = line.find(separator);
    if (line.front() == ' ' || line.front() == '\t' || colon == std::string_view::npos) {
      continue;
    }
    if (fields.empty()) {
      first_line = line_number;
    }
    fields.emplace_back(line.substr(0, colon), TrimSpace(line.substr(colon + 1)));
  }
  flush();
}

std::string_view Field(const std::vector<std::pair<std::string_view, std::string_view>>& fields,
                       std::string_view key) {
  for (const auto& [name, value] : fields) {
    if (name == key) {
      return value;
    }
  }
  return {};
}

Package NewPackage(const DatabaseContext& context, int line) {
  Package package;
  package.ecosystem = context.ecosystem;
  package.release = context.release;
  package.location = fmt::format("{}:{}", context.location, line);
  return package;
}

}  // namespace

void ParseDpkgStatus(std::string_view text, const DatabaseContext& context, Inventory& inventory) {
  ForEachParagraph(text, ':', [&](int line, const auto& fields) {
    const std::string_view status = Field(fields, "Status");
    if (!status.empty() && status.substr(status.rfind(' ') + 1) != "installed") {
      return;
    }
    Package package = NewPackage(context, line);
    package.name = std::string(Field(fields, "Package"));
    package.version = std::string(Field(fields, "Version"));
    if (package.name.empty() || package.version.empty()) {
      inventory.skipped.push_back({package.location, "the paragraph has no Package or Version"});
      return;
    }
    // "Source: name" or "Source: name (version)" when the source differs.
    const std::string_view source = Field(fields, "Source");
    const std::size_t paren = source.find(" (");
    if (!source.empty()) {
      package.source_name = std::string(TrimSpace(source.substr(0, paren)));
    }
    if (paren != std::string_view::npos && source.back() == ')') {
      package.source_version =
          std::string(TrimSpace(source.substr(paren + 2, source.size() - paren - 3)));
    }
    if (package.source_name == package.name) {
      package.source_name.clear();
    }
    if (package.source_version == package.version) {
      package.source_version.clear();
    }
    const std::string_view arch = Field(fields, "Architecture");
    package.purl = fmt::format("pkg:deb/{}/{}@{}{}",
                               context.ecosystem == "Ubuntu" ? "ubuntu" : "debian", package.name,
                               package.version, arch.empty() ? "" : fmt::format("?arch={}", arch));
    inventory.packages.push_back(std::move(package));
  });
}

void ParseApkInstalled(std::string_view text, const DatabaseContext& context,
                       Inventory& inventory) {
  ForEachParagraph(text, ':', [&](int line, const auto& fields) {
    Package package = NewPackage(context, line);
    package.name = std::string(Field(fields, "P"));
    package.version = std::string(Field(fields, "V"));
    if (package.name.empty() || package.version.empty()) {
      inventory.skipped.push_back({package.location, "the record has no P: or V: line"});
      return;
    }
    package.source_name = std::string(Field(fields, "o"));
    if (package.source_name == package.name) {
      package.source_name.clear();
    }
    const std::string_view arch = Field(fields, "A");
    package.purl = fmt::format("pkg:apk/alpine/{}@{}{}", package.name, package.version,
                               arch.empty() ? "" : fmt::format("?arch={}", arch));
    inventory.packages.push_back(std::move(package));
  });
}

}  // namespace rampart::vuln
