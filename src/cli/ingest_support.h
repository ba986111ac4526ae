// Ingesting report files into a finding store, shared by `rampart ingest` and `rampart run`.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "ingest/reader.h"
#include "store/finding_store.h"

namespace rampart::cli {

struct IngestTotals {
  std::size_t files = 0;
  std::size_t failed_files = 0;
  std::size_t read = 0;
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t rejected = 0;
  std::size_t archived = 0;
};

// Expands folders into the report files they contain (recursively, sorted by name); other
// paths are kept as given.
std::vector<std::string> ExpandReportPaths(const std::vector<std::string>& paths);

// The findings and covered subjects that IngestReportFile read from one report.
struct IngestedReport {
  std::vector<Json> findings;
  std::vector<std::string> subjects;  // the resource ids the report covers (ingest::Coverage)
};

// Reads one report and stores its findings; prints a line per file to `out` and each error
// to standard error. Returns what was read, or an error when the file was not stored.
// Rejected findings are counted in `totals` while the others are stored. When
// `archive_stale` is set and the report covers its subject (ingest::Coverage), the stored
// findings of earlier scans that it no longer reports are archived, unless a finding of the
// report was rejected.
Result<IngestedReport> IngestReportFile(const std::string& path, const ingest::ReadOptions& options,
                                        store::FindingStore& store, IngestTotals& totals,
                                        std::ostream& out, bool archive_stale = true);

}  // namespace rampart::cli
