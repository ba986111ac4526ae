#include "vuln/advisory_database.h"

#include <algorithm>
#include <filesystem>
#include <numeric>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include "core/file.h"
#include "vuln/version.h"
#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

namespace fs = std::filesystem;

// The largest record or zip entry read, so that a corrupt or hostile file cannot exhaust
// memory. OSV records are usually a few kilobytes.
constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view EcosystemName(std::string_view ecosystem) {
  return ecosystem.substr(0, ecosystem.find(':'));
}

std::string PackageKey(std::string_view ecosystem_name, std::string_view package) {
  std::string key(ecosystem_name);
  key.push_back('\x1f');
  if (ecosystem_name == "PyPI") {
    key += NormalizePythonName(package);
  } else if (ecosystem_name == "NuGet" || ecosystem_name == "Packagist") {
    key += detail::Lowercase(package);
  } else {
    key += package;
  }
  return key;
}

// Union-find over advisory indexes, joining advisories that share an id or alias.
class Groups {
 public:
  explicit Groups(std::size_t size) : parent_(size) {
    std::iota(parent_.begin(), parent_.end(), 0u);
  }

  std::uint32_t Find(std::uint32_t index) {
    while (parent_[index] != index) {
      parent_[index] = parent_[parent_[index]];
      index = parent_[index];
    }
    return index;
  }

  void Join(std::uint32_t a, std::uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) {
      parent_[std::max(a, b)] = std::min(a, b);
    }
  }

 private:
  std::vector<std::uint32_t> parent_;
};

// Reads the data of the current zip entry, up to `limit` bytes.
Result<std::string> ReadEntry(archive* zip, std::string_view source, std::size_t limit) {
  std::string data;
  char buffer[64 * 1024];
  while (true) {
    const la_ssize_t read = archive_read_data(zip, buffer, sizeof(buffer));
    if (read < 0) {
      return IoError(fmt::format("{}: reading failed: {}", source, archive_error_string(zip)));
    }
    if (read == 0) {
      return data;
    }
    if (data.size() + static_cast<std::size_t>(read) > limit) {
      return ResourceExhausted(fmt::format("{}: the entry is larger than {} bytes", source, limit));
    }
    data.append(buffer, static_cast<std::size_t>(read));
  }
}

}  // namespace

std::string NormalizePythonName(std::string_view name) {
  std::string normal;
  normal.reserve(name.size());
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (normal.empty() || normal.back() != '-') {
        normal.push_back('-');
      }
    } else {
      normal.push_back(detail::ToLower(c));
    }
  }
  return normal;
}

Result<AdvisoryDatabase> AdvisoryDatabase::Load(const std::string& path) {
  AdvisoryDatabase database;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    return NotFound(
        fmt::format("OSV database \"{}\" not found; give a folder of OSV JSON "
                    "records, a .json record or an osv.dev all.zip export",
                    path));
  }

  if (fs::is_directory(status)) {
    std::vector<std::string> files;
    for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
         it.increment(error)) {
      const std::string file = it->path().string();
      if (it->is_regular_file() && (EndsWith(file, ".json") || EndsWith(file, ".zip"))) {
        files.push_back(file);
      }
    }
    if (error) {
      return IoError(
          fmt::format("listing the OSV folder \"{}\" failed: {}", path, error.message()));
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) {
      RAMPART_RETURN_IF_ERROR(EndsWith(file, ".zip") ? database.LoadZip(file)
                                                     : database.LoadFile(file));
    }
  } else if (EndsWith(path, ".zip")) {
    RAMPART_RETURN_IF_ERROR(database.LoadZip(path));
  } else {
    RAMPART_RETURN_IF_ERROR(database.LoadFile(path));
  }
  database.Finalize();
  return database;
}

Status AdvisoryDatabase::LoadFile(const std::string& path) {
  auto text = ReadFile(path, kMaxRecordBytes);
  if (!text) {
    problems_.push_back({path, text.status().message()});
    return Status::Ok();
  }
  AddRecord(*text, path);
  return Status::Ok();
}

Status AdvisoryDatabase::LoadZip(const std::string& path) {
  std::unique_ptr<archive, decltype(&archive_read_free)> zip(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(zip.get());
  if (archive_read_open_filename(zip.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return IoError(
        fmt::format("opening the zip \"{}\" failed: {}", path, archive_error_string(zip.get())));
  }
  archive_entry* entry = nullptr;
  while (true) {
    const int result = archive_read_next_header(zip.get(), &entry);
    if (result == ARCHIVE_EOF) {
      return Status::Ok();
    }
    if (result != ARCHIVE_OK && result != ARCHIVE_WARN) {
      problems_.push_back({path, fmt::format("reading the zip failed after {} entries: {}",
                                             counts_.files, archive_error_string(zip.get()))});
      return Status::Ok();
    }
    const char* name = archive_entry_pathname(entry);
    const std::string source = path + "!" + (name != nullptr ? name : "");
    if (archive_entry_filetype(entry) != AE_IFREG || !EndsWith(source, ".json")) {
      continue;
    }
    auto data = ReadEntry(zip.get(), source, kMaxRecordBytes);
    if (!data) {
      problems_.push_back({source, data.status().message()});
      continue;
    }
    AddRecord(*data, source);
  }
}

void AdvisoryDatabase::AddRecord(std::string_view json, const std::string& source) {
  ++counts_.files;
  auto advisory = ParseOsvRecord(json, source);
  if (!advisory) {
    problems_.push_back({source, advisory.status().message()});
    return;
  }
  AddAdvisory(std::move(*advisory));
}

void AdvisoryDatabase::AddAdvisory(Advisory advisory) {
  if (!advisory.withdrawn.empty()) {
    ++counts_.withdrawn;
    return;
  }
  ++counts_.advisories;
  advisories_.push_back(std::move(advisory));
}

void AdvisoryDatabase::Finalize() {
  index_.clear();
  const auto count = static_cast<std::uint32_t>(advisories_.size());
  Groups groups(count);
  std::unordered_map<std::string_view, std::uint32_t> owner;
  owner.reserve(advisories_.size() * 3);

  for (std::uint32_t i = 0; i < count; ++i) {
    const Advisory& advisory = advisories_[i];
    for (std::uint32_t j = 0; j < advisory.affected.size(); ++j) {
      const AffectedPackage& package = advisory.affected[j];
      if (package.name.empty()) {
        continue;
      }
      if (!ParseEcosystem(package.ecosystem)) {
        ++counts_.unsupported_affected;
        continue;
      }
      index_[PackageKey(EcosystemName(package.ecosystem), package.name)].push_back({i, j});
    }
    const auto join = [&](const std::string& id) {
      const auto [it, inserted] = owner.emplace(id, i);
      if (!inserted) {
        groups.Join(it->second, i);
      }
    };
    join(advisory.id);
    for (const std::string& alias : advisory.aliases) {
      join(alias);
    }
  }

  // Collect each group's ids, then pick the group id and the related ids.
  std::unordered_map<std::uint32_t, std::vector<std::string>> members;
  group_of_.assign(count, 0);
  for (std::uint32_t i = 0; i < count; ++i) {
    group_of_[i] = groups.Find(i);
    auto& ids = members[group_of_[i]];
    ids.push_back(advisories_[i].id);
    ids.insert(ids.end(), advisories_[i].aliases.begin(), advisories_[i].aliases.end());
  }
  std::unordered_map<std::uint32_t, std::uint32_t> slot;
  group_related_.clear();
  std::vector<std::string> group_id_by_slot;
  for (auto& [root, ids] : members) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const auto cve = std::find_if(ids.begin(), ids.end(),
                                  [](const std::string& id) { return id.rfind("CVE-", 0) == 0; });
    const std::string chosen = cve != ids.end() ? *cve : ids.front();
    ids.erase(std::find(ids.begin(), ids.end(), chosen));
    slot[root] = static_cast<std::uint32_t>(group_related_.size());
    group_related_.push_back(std::move(ids));
    group_id_by_slot.push_back(chosen);
  }
  group_ids_.assign(count, "");
  for (std::uint32_t i = 0; i < count; ++i) {
    group_of_[i] = slot[group_of_[i]];
    group_ids_[i] = group_id_by_slot[group_of_[i]];
  }
}

std::span<const Candidate> AdvisoryDatabase::Candidates(std::string_view ecosystem_name,
                                                        std::string_view package) const {
  const auto it = index_.find(PackageKey(ecosystem_name, package));
  if (it == index_.end()) {
    return {};
  }
  return it->second;
}

const std::vector<std::string>& AdvisoryDatabase::RelatedIds(std::size_t index) const {
  return group_related_[group_of_[index]];
}

}  // namespace rampart::vuln
