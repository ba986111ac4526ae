#include "cli/ingest_support.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "cli/archive_stale.h"
#include "cli/table.h"
#include "core/clock.h"
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

namespace {

// The clock of readers whose format carries no time (kube-bench, SARIF without invocation
// times): the time the report file was last written. Reading the same file again then gives
// the same UpdatedAt, which changes nothing, and a new scan writes a new time.
class FileTimeClock final : public Clock {
 public:
  explicit FileTimeClock(TimePoint time) : time_(time) {}
  TimePoint Now() const override { return time_; }

 private:
  TimePoint time_;
};

std::optional<TimePoint> LastWritten(const std::string& path) {
  std::error_code error;
  const auto written = std::filesystem::last_write_time(path, error);
  if (error) {
    return std::nullopt;
  }
  return std::chrono::time_point_cast<std::chrono::microseconds>(
      std::chrono::file_clock::to_sys(written));
}

// Archives what the report's coverage selects and the report no longer contains.
Status ArchiveUncovered(const std::string& path, const ingest::ReadResult& report,
                        const std::vector<Json>& findings, store::FindingStore& store,
                        IngestTotals& totals, std::ostream& out) {
  std::set<std::string> current;
  for (const Json& finding : findings) {
    current.insert(StringOr(finding, "Id"));
  }
  store::ImportOptions import_options;
  import_options.actor = fmt::format("rampart ingest ({})", report.format);
  std::size_t archived = 0;
  for (const ingest::Coverage& coverage : report.coverage) {
    auto counts =
        ArchiveStale(store, coverage.filters, current, coverage.scanned_at, import_options);
    if (!counts) {
      return counts.status().WithContext(
          fmt::format("{}: archiving the findings this scan no longer reports failed", path));
    }
    for (const std::string& failure : counts->failures) {
      std::cerr << Printable(fmt::format("error: {}: archiving {}", path, failure)) << '\n';
    }
    archived += counts->archived;
  }
  totals.archived += archived;
  if (archived > 0) {
    out << Printable(fmt::format(
               "{}: {} findings of earlier scans archived: this scan no longer reports them", path,
               archived))
        << '\n';
  }
  return Status::Ok();
}

std::vector<std::string> CoveredSubjects(const ingest::ReadResult& report) {
  std::vector<std::string> subjects;
  for (const ingest::Coverage& coverage : report.coverage) {
    const Json& ids = coverage.filters.value("ResourceId", Json::array());
    if (ids.is_array() && !ids.empty() && ids[0].is_object()) {
      subjects.push_back(StringOr(ids[0], "Value"));
    }
  }
  return subjects;
}

}  // namespace

Result<IngestedReport> IngestReportFile(const std::string& path, const ingest::ReadOptions& options,
                                        store::FindingStore& store, IngestTotals& totals,
                                        std::ostream& out, bool archive_stale) {
  totals.files += 1;
  auto text = ReadFile(path, kMaxReportBytes);
  if (!text) {
    totals.failed_files += 1;
    return text.status();
  }
  ingest::ReadOptions read_options = options;
  read_options.source_name = path;
  const std::optional<TimePoint> written = LastWritten(path);
  const FileTimeClock file_time(written.value_or(options.clock->Now()));
  if (written) {
    read_options.clock = &file_time;
  }
  auto report = ingest::ReadReport(*text, read_options);
  if (!report) {
    totals.failed_files += 1;
    return report.status();
  }
  if (!options.artifact.empty() && report->format != "trivy" && report->format != "grype") {
    out << Printable(fmt::format("{}: --artifact was not used: {} reports name their own "
                                 "subjects, and it names only the project of Trivy and Grype "
                                 "reports",
                                 path, report->format))
        << '\n';
  }
  for (const auto& rejected : report->rejected) {
    // Messages quote report text, which may contain terminal escape sequences. Each names its
    // place in the file already.
    std::cerr << Printable(fmt::format("error: {}: {}", path, rejected.message)) << '\n';
  }
  std::vector<Json> findings = report->findings;
  IngestedReport ingested{findings, CoveredSubjects(*report)};
  store::ImportOptions import_options;
  import_options.actor = fmt::format("rampart ingest ({})", report->format);
  import_options.paths = std::move(report->paths);
  auto summary = store.Import(std::move(report->findings), import_options);
  if (!summary) {
    totals.failed_files += 1;
    return summary.status().WithContext(
        fmt::format("{}: storing failed, nothing from this file was stored", path));
  }
  for (const auto& result : summary->results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      // The message names the finding and its place in the file.
      std::cerr << Printable(
                       fmt::format("error: {}: {}: {}", path, result.error_code, result.message))
                << '\n';
    }
  }
  const std::size_t rejected = summary->failed + report->rejected.size();
  totals.read += findings.size();
  totals.created += summary->created;
  totals.updated += summary->updated;
  totals.unchanged += summary->unchanged;
  totals.rejected += rejected;
  // File names and report text can hold control characters, such as terminal escapes.
  out << Printable(fmt::format(
             "{}: {} findings read ({}): {} created, {} updated, {} unchanged, {} rejected", path,
             findings.size(), report->format, summary->created, summary->updated,
             summary->unchanged, rejected))
      << '\n';
  if (archive_stale && !report->uncovered.empty()) {
    out << Printable(fmt::format("{}: findings of earlier scans were not archived: {}", path,
                                 report->uncovered))
        << '\n';
  }
  if (!archive_stale || report->coverage.empty()) {
    return ingested;
  }
  if (rejected > 0) {
    out << Printable(fmt::format(
               "{}: findings of earlier scans were not archived: a finding this scan rejected "
               "may be among them",
               path))
        << '\n';
    return ingested;
  }
  if (Status archived = ArchiveUncovered(path, *report, findings, store, totals, out);
      !archived.ok()) {
    totals.failed_files += 1;
    return archived;
  }
  return ingested;
}

}  // namespace rampart::cli
