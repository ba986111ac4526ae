#include "vuln/test_util.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <stdexcept>

namespace rampart::vuln::testing_util {

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("rampart-vuln-" + std::to_string(getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    throw std::runtime_error("writing " + path.string() + " failed");
  }
}

void WriteZip(const std::filesystem::path& path,
              const std::vector<std::pair<std::string, std::string>>& entries) {
  std::filesystem::create_directories(path.parent_path());
  archive* zip = archive_write_new();
  archive_write_set_format_zip(zip);
  if (archive_write_open_filename(zip, path.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error("creating " + path.string() + " failed");
  }
  for (const auto& [name, content] : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_write_header(zip, entry);
    archive_write_data(zip, content.data(), content.size());
    archive_entry_free(entry);
  }
  archive_write_close(zip);
  archive_write_free(zip);
}

std::filesystem::path SharedVulnData() {
  const std::filesystem::path path = std::filesystem::path(RAMPART_SHARED_DATA) / "vuln";
  return std::filesystem::exists(path) ? path : std::filesystem::path();
}

}  // namespace rampart::vuln::testing_util
