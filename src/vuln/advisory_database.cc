#include "vuln/advisory_database.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <numeric>
#include <thread>

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

// Reads the data of the current zip entry into `data`, up to `limit` bytes, leaving spare
// capacity for kOsvRecordPadding.
Status ReadEntry(archive* zip, archive_entry* entry, std::string_view source, std::size_t limit,
                 std::string& data) {
  data.clear();
  if (archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > 0) {
    const auto size = static_cast<std::size_t>(archive_entry_size(entry));
    if (size > limit) {
      return ResourceExhausted(fmt::format("{}: the entry is larger than {} bytes", source, limit));
    }
    data.reserve(size + kOsvRecordPadding);
  }
  char chunk[64 * 1024];
  while (true) {
    const la_ssize_t read = archive_read_data(zip, chunk, sizeof(chunk));
    if (read < 0) {
      return IoError(fmt::format("{}: reading failed: {}", source, archive_error_string(zip)));
    }
    if (read == 0) {
      data.reserve(data.size() + kOsvRecordPadding);
      return Status::Ok();
    }
    if (data.size() + static_cast<std::size_t>(read) > limit) {
      return ResourceExhausted(fmt::format("{}: the entry is larger than {} bytes", source, limit));
    }
    data.append(chunk, static_cast<std::size_t>(read));
  }
}

std::vector<std::string> ListRecordFiles(const std::string& path, std::error_code& error) {
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    const std::string file = it->path().string();
    if (it->is_regular_file() && (EndsWith(file, ".json") || EndsWith(file, ".zip"))) {
      files.push_back(file);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Returns the one id a distribution record (DEBIAN-CVE-..., DLA-...) was derived from, or
// nullptr. Records derived from several, such as an advisory that fixes many CVEs, join
// none of them, so that distinct CVEs never merge into one finding.
const std::string* SoleUpstream(const Advisory& advisory) {
  return advisory.upstream.size() == 1 ? &advisory.upstream.front() : nullptr;
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

Result<AdvisoryDatabase> AdvisoryDatabase::Load(const std::string& path, unsigned threads) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    return NotFound(
        fmt::format("OSV database \"{}\" not found; give a folder of OSV JSON "
                    "records, a .json record or an osv.dev all.zip export",
                    path));
  }
  std::vector<std::string> files = {path};
  if (fs::is_directory(status)) {
    files = ListRecordFiles(path, error);
    if (error) {
      return IoError(
          fmt::format("listing the OSV folder \"{}\" failed: {}", path, error.message()));
    }
  }

  // Each file loads into its own part, and the parts join in file order. The advisory
  // order, and every id derived from it, are therefore the same for any number of threads.
  std::vector<AdvisoryDatabase> parts(files.size());
  std::vector<Status> statuses(files.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      statuses[i] =
          EndsWith(files[i], ".zip") ? parts[i].LoadZip(files[i]) : parts[i].LoadFile(files[i]);
    }
  };
  if (threads == 0) {
    threads = std::max(1u, std::thread::hardware_concurrency());
  }
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, files.size()));
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) {
    workers.emplace_back(work);
  }
  work();
  for (std::thread& worker : workers) {
    worker.join();
  }

  AdvisoryDatabase database;
  for (std::size_t i = 0; i < files.size(); ++i) {
    RAMPART_RETURN_IF_ERROR(statuses[i]);
    database.Append(std::move(parts[i]));
  }
  database.Finalize();
  return database;
}

void AdvisoryDatabase::Append(AdvisoryDatabase&& part) {
  if (advisories_.empty()) {
    advisories_ = std::move(part.advisories_);
  } else {
    advisories_.insert(advisories_.end(), std::make_move_iterator(part.advisories_.begin()),
                       std::make_move_iterator(part.advisories_.end()));
  }
  problems_.insert(problems_.end(), std::make_move_iterator(part.problems_.begin()),
                   std::make_move_iterator(part.problems_.end()));
  counts_.files += part.counts_.files;
  counts_.advisories += part.counts_.advisories;
  counts_.withdrawn += part.counts_.withdrawn;
  groups_.clear();
  index_.clear();
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
    const Status read = ReadEntry(zip.get(), entry, source, kMaxRecordBytes, buffer_);
    if (!read.ok()) {
      problems_.push_back({source, read.message()});
      continue;
    }
    AddBuffer(buffer_, source);
  }
}

void AdvisoryDatabase::AddBuffer(std::string_view json, const std::string& source) {
  ++counts_.files;
  auto advisory = ParseOsvRecordInPlace(json, source);
  if (!advisory) {
    problems_.push_back({source, advisory.status().message()});
    return;
  }
  AddAdvisory(std::move(*advisory));
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
  groups_.clear();
  index_.clear();
}

void AdvisoryDatabase::Finalize() {
  index_.clear();
  counts_.unsupported_affected = 0;
  const auto count = static_cast<std::uint32_t>(advisories_.size());
  Groups groups(count);
  std::unordered_map<std::string_view, std::uint32_t> owner;
  owner.reserve(advisories_.size() * 2);
  index_.reserve(advisories_.size());

  for (std::uint32_t i = 0; i < count; ++i) {
    const Advisory& advisory = advisories_[i];
    for (std::uint32_t j = 0; j < advisory.affected.size(); ++j) {
      const AffectedPackage& package = advisory.affected[j];
      if (package.name.empty()) {
        continue;
      }
      if (!SchemeOfEcosystem(package.ecosystem).has_value()) {
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
    if (const std::string* upstream = SoleUpstream(advisory)) {
      join(*upstream);
    }
  }

  // Sort (group root, id) pairs so that each group's ids are adjacent and in text order.
  std::vector<std::pair<std::uint32_t, std::string_view>> ids;
  ids.reserve(owner.size() + advisories_.size());
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t root = groups.Find(i);
    ids.emplace_back(root, advisories_[i].id);
    for (const std::string& alias : advisories_[i].aliases) {
      ids.emplace_back(root, alias);
    }
    if (const std::string* upstream = SoleUpstream(advisories_[i])) {
      ids.emplace_back(root, *upstream);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  groups_.clear();
  std::vector<std::uint32_t> slot_of_root(count, 0);
  for (std::size_t begin = 0; begin < ids.size();) {
    std::size_t end = begin;
    while (end < ids.size() && ids[end].first == ids[begin].first) {
      ++end;
    }
    Group group;
    group.id = ids[begin].second;
    for (std::size_t k = begin; k < end; ++k) {
      if (ids[k].second.rfind("CVE-", 0) == 0) {
        group.id = ids[k].second;
        break;
      }
    }
    for (std::size_t k = begin; k < end; ++k) {
      if (ids[k].second != group.id) {
        group.related.push_back(ids[k].second);
      }
    }
    slot_of_root[ids[begin].first] = static_cast<std::uint32_t>(groups_.size());
    groups_.push_back(std::move(group));
    begin = end;
  }
  group_of_.assign(count, 0);
  for (std::uint32_t i = 0; i < count; ++i) {
    group_of_[i] = slot_of_root[groups.Find(i)];
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

}  // namespace rampart::vuln
