#include "vuln/rootfs.h"

#include <deque>

#include <fmt/format.h>

#include "core/file.h"
#include "vuln/installed_db.h"
#include "vuln/lockfile.h"
#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

namespace fs = std::filesystem;

// The maximum number of symbolic links followed while resolving one path, as in Linux.
constexpr int kMaxLinkHops = 40;

std::deque<std::string> Components(const fs::path& path) {
  std::deque<std::string> parts;
  for (const fs::path& part : path.relative_path()) {
    const std::string text = part.string();
    if (!text.empty() && text != ".") {
      parts.push_back(text);
    }
  }
  return parts;
}

struct OperatingSystem {
  std::string ecosystem;
  std::string release;
};

std::string Unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

std::optional<std::string> ReadInRoot(const fs::path& root, const fs::path& relative,
                                      std::size_t max_bytes) {
  const auto path = ResolveInRoot(root, relative);
  if (!path.has_value() || !fs::is_regular_file(*path)) {
    return std::nullopt;
  }
  auto text = ReadFile(path->string(), max_bytes);
  if (!text) {
    return std::nullopt;
  }
  return std::move(*text);
}

OperatingSystem DetectOperatingSystem(const fs::path& root, std::size_t max_bytes) {
  OperatingSystem os;
  auto os_release = ReadInRoot(root, "etc/os-release", max_bytes);
  if (!os_release.has_value()) {
    os_release = ReadInRoot(root, "usr/lib/os-release", max_bytes);
  }
  std::string id;
  if (os_release.has_value()) {
    std::string_view text = *os_release;
    while (!text.empty()) {
      const std::size_t end = std::min(text.find('\n'), text.size());
      const std::string_view line = text.substr(0, end);
      text.remove_prefix(std::min(end + 1, text.size()));
      if (line.rfind("ID=", 0) == 0) {
        id = Unquote(line.substr(3));
      } else if (line.rfind("VERSION_ID=", 0) == 0) {
        os.release = Unquote(line.substr(11));
      }
    }
  }
  if (id == "debian") {
    os.ecosystem = "Debian";
  } else if (id == "ubuntu") {
    os.ecosystem = "Ubuntu";
  } else if (id == "alpine") {
    os.ecosystem = "Alpine";
  } else if (id == "rocky") {
    os.ecosystem = "Rocky Linux";
  } else if (id == "almalinux") {
    os.ecosystem = "AlmaLinux";
  } else if (id == "rhel" || id == "centos") {
    os.ecosystem = "Red Hat";
  }
  // The release files are more precise than VERSION_ID, which Debian testing lacks.
  if (const auto alpine = ReadInRoot(root, "etc/alpine-release", max_bytes); alpine.has_value()) {
    os.ecosystem = "Alpine";
    os.release = std::string(alpine->substr(0, alpine->find('\n')));
  }
  if (os.ecosystem == "Debian") {
    if (const auto debian = ReadInRoot(root, "etc/debian_version", max_bytes);
        debian.has_value() && !debian->empty() && detail::IsDigit((*debian)[0])) {
      os.release = std::string(debian->substr(0, debian->find('\n')));
    }
  }
  return os;
}

void ReadDistributionPackages(const fs::path& root, const OperatingSystem& os,
                              const RootFsLimits& limits, Inventory& inventory) {
  const std::string dpkg_ecosystem = os.ecosystem == "Ubuntu" ? "Ubuntu" : "Debian";
  if (const auto status = ReadInRoot(root, "var/lib/dpkg/status", limits.max_file_bytes)) {
    ParseDpkgStatus(*status, {dpkg_ecosystem, os.release, "var/lib/dpkg/status"}, inventory);
  }
  if (const auto status_d = ResolveInRoot(root, "var/lib/dpkg/status.d");
      status_d.has_value() && fs::is_directory(*status_d)) {
    std::vector<fs::path> files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(*status_d, error)) {
      if (entry.is_regular_file() && !entry.is_symlink() &&
          entry.path().extension() != ".md5sums") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      const std::string location = "var/lib/dpkg/status.d/" + file.filename().string();
      if (auto text = ReadFile(file.string(), limits.max_file_bytes)) {
        ParseDpkgStatus(*text, {dpkg_ecosystem, os.release, location}, inventory);
      } else {
        inventory.skipped.push_back({location, text.status().message()});
      }
    }
  }
  if (const auto installed = ReadInRoot(root, "lib/apk/db/installed", limits.max_file_bytes)) {
    ParseApkInstalled(*installed, {"Alpine", os.release, "lib/apk/db/installed"}, inventory);
  }
  for (const char* rpm_db :
       {"var/lib/rpm/Packages", "var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"}) {
    if (ResolveInRoot(root, rpm_db).has_value()) {
      inventory.skipped.push_back(
          {rpm_db, "the RPM database is not read; scan an SBOM of this image to cover its RPMs"});
      break;
    }
  }
}

Status WalkLockFiles(const fs::path& root, const RootFsLimits& limits, Inventory& inventory) {
  std::error_code error;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
  if (error) {
    return IoError(fmt::format("listing \"{}\" failed: {}", root.string(), error.message()));
  }
  std::size_t visited = 0;
  for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
    if (error) {
      return IoError(fmt::format("listing \"{}\" failed: {}", root.string(), error.message()));
    }
    if (++visited > limits.max_entries) {
      inventory.skipped.push_back(
          {root.string(), fmt::format("stopped after {} entries; lock files past them were not "
                                      "read",
                                      limits.max_entries)});
      return Status::Ok();
    }
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    if (entry.is_symlink()) {
      continue;
    }
    if (entry.is_directory()) {
      const bool system = it.depth() == 0 && (name == "proc" || name == "sys" || name == "dev");
      if (system || name == "node_modules" || name == ".git") {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!entry.is_regular_file() || !IsLockFile(name)) {
      continue;
    }
    const std::string location = fs::relative(entry.path(), root).generic_string();
    auto text = ReadFile(entry.path().string(), limits.max_file_bytes);
    if (!text) {
      inventory.skipped.push_back({location, text.status().message()});
      continue;
    }
    const Status parsed = ParseLockFile(name, *text, location, inventory);
    if (!parsed.ok()) {
      inventory.skipped.push_back({location, parsed.message()});
    }
  }
  return Status::Ok();
}

}  // namespace

std::optional<fs::path> ResolveInRoot(const fs::path& root, const fs::path& relative) {
  std::vector<std::string> resolved;
  std::deque<std::string> pending = Components(relative);
  int hops = 0;
  while (!pending.empty()) {
    const std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == "..") {
      if (!resolved.empty()) {
        resolved.pop_back();
      }
      continue;
    }
    fs::path candidate = root;
    for (const std::string& done : resolved) {
      candidate /= done;
    }
    candidate /= part;
    std::error_code error;
    const fs::file_status status = fs::symlink_status(candidate, error);
    if (error || !fs::exists(status)) {
      return std::nullopt;
    }
    if (!fs::is_symlink(status)) {
      resolved.push_back(part);
      continue;
    }
    if (++hops > kMaxLinkHops) {
      return std::nullopt;
    }
    const fs::path target = fs::read_symlink(candidate, error);
    if (error) {
      return std::nullopt;
    }
    if (target.is_absolute()) {
      resolved.clear();
    }
    std::deque<std::string> target_parts = Components(target);
    pending.insert(pending.begin(), target_parts.begin(), target_parts.end());
  }
  fs::path path = root;
  for (const std::string& part : resolved) {
    path /= part;
  }
  return path;
}

Result<Inventory> ReadRootFs(const std::string& root, const RootFsLimits& limits) {
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return NotFound(
        fmt::format("root file system \"{}\" is not a folder; unpack the image (for example with "
                    "`docker export` and tar) and give the folder",
                    root));
  }
  Inventory inventory;
  inventory.artifact = root;
  inventory.format = "root file system";

  const OperatingSystem os = DetectOperatingSystem(root, limits.max_file_bytes);
  ReadDistributionPackages(root, os, limits, inventory);
  RAMPART_RETURN_IF_ERROR(WalkLockFiles(root, limits, inventory));
  return inventory;
}

}  // namespace rampart::vuln
