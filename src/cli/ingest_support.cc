#include "cli/ingest_support.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "core/file.h"

namespace rampart::cli {
namespace {

constexpr std::size_t kMaxReportBytes = std::size_t{2} << 30;  // 2 GiB after gunzip

bool IsReportFile(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  for (const std::string_view suffix :
       {".json", ".jsonl", ".json.gz", ".jsonl.gz", ".sarif", ".ndjson"}) {
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> ExpandReportPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code error;
    if (!std::filesystem::is_directory(path, error)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = std::filesystem::recursive_directory_iterator(path, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
      if (it->is_regular_file() && IsReportFile(it->path())) {
        found.push_back(it->path().string());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

Result<std::vector<Json>> IngestReportFile(const std::string& path,
                                           const ingest::ReadOptions& options,
                                           store::FindingStore& store, IngestTotals& totals,
                                           std::ostream& out) {
  totals.files += 1;
  auto text = ReadFile(path, kMaxReportBytes);
  if (!text) {
    totals.failed_files += 1;
    return text.status();
  }
  ingest::ReadOptions read_options = options;
  read_options.source_name = path;
  auto report = ingest::ReadReport(*text, read_options);
  if (!report) {
    totals.failed_files += 1;
    return report.status();
  }
  for (const auto& rejected : report->rejected) {
    std::cerr << "error: " << path << ": " << rejected.path << ": " << rejected.message << '\n';
  }
  std::vector<Json> findings = report->findings;
  store::ImportOptions import_options;
  import_options.actor = fmt::format("rampart ingest ({})", report->format);
  auto summary = store.Import(std::move(report->findings), import_options);
  if (!summary) {
    totals.failed_files += 1;
    return summary.status().WithContext(
        fmt::format("{}: storing failed, nothing from this file was stored", path));
  }
  for (const auto& result : summary->results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      std::cerr << fmt::format("error: {}: finding \"{}\": {} {}\n", path, result.key.id,
                               result.error_code, result.message);
    }
  }
  const std::size_t rejected = summary->failed + report->rejected.size();
  totals.read += findings.size();
  totals.created += summary->created;
  totals.updated += summary->updated;
  totals.unchanged += summary->unchanged;
  totals.rejected += rejected;
  out << fmt::format(
      "{}: {} findings read ({}): {} created, {} updated, {} unchanged, {} rejected\n", path,
      findings.size(), report->format, summary->created, summary->updated, summary->unchanged,
      rejected);
  return findings;
}

}  // namespace rampart::cli
