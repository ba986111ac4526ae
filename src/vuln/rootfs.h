// Inventory of a root file system folder, such as an unpacked container image.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/status.h"
#include "vuln/package.h"

namespace rampart::vuln {

struct RootFsLimits {
  std::size_t max_entries = 2'000'000;     // files and folders visited while walking
  std::size_t max_file_bytes = 256 << 20;  // largest database or lock file read
};

// Reads the distribution (etc/os-release, etc/alpine-release, etc/debian_version), the
// dpkg status file and status.d, the apk installed database, and every lock file in the
// tree. Symbolic links are resolved inside `root` (an absolute target counts from `root`),
// so nothing outside it is read; linked folders are not walked. Folders named proc, sys,
// dev and node_modules are skipped. Fails when `root` is not a folder.
Result<Inventory> ReadRootFs(const std::string& root, const RootFsLimits& limits = {});

// Resolves `relative` inside `root` as a chroot would: ".." stops at `root` and symbolic
// link targets are read relative to `root`. Returns nothing when a component is missing
// or links loop.
std::optional<std::filesystem::path> ResolveInRoot(const std::filesystem::path& root,
                                                   const std::filesystem::path& relative);

}  // namespace rampart::vuln
