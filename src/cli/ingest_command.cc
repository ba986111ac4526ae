// rampart ingest: reads scanner reports, detects their format and stores their findings.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/file.h"
#include "ingest/reader.h"
#include "store/sqlite_finding_store.h"

namespace rampart::cli {
namespace {

constexpr std::size_t kMaxReportBytes = std::size_t{2} << 30;  // 2 GiB after gunzip

struct IngestOptions {
  std::string db = "rampart.db";
  std::string format;
  std::string account = "000000000000";
  std::string region = "us-east-1";
  std::vector<std::string> paths;
};

bool IsReportFile(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  for (const char* suffix : {".json", ".jsonl", ".json.gz", ".jsonl.gz", ".sarif", ".ndjson"}) {
    const std::string_view s(suffix);
    if (name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      return true;
    }
  }
  return false;
}

// Expands folders into the report files they contain (recursively, in name order).
std::vector<std::string> ExpandPaths(const std::vector<std::string>& paths) {
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

// Ingests one file; returns false when the file or any finding in it was rejected.
bool IngestFile(const std::string& path, const IngestOptions& options, store::FindingStore& store) {
  auto text = ReadFile(path, kMaxReportBytes);
  if (!text) {
    std::cerr << "error: " << text.status().message() << '\n';
    return false;
  }
  ingest::ReadOptions read_options;
  read_options.source_name = path;
  read_options.format = options.format;
  read_options.aws_account_id = options.account;
  read_options.region = options.region;
  auto report = ingest::ReadReport(*text, read_options);
  if (!report) {
    std::cerr << "error: " << report.status().message() << '\n';
    return false;
  }
  for (const auto& rejected : report->rejected) {
    std::cerr << "error: " << path << ": " << rejected.path << ": " << rejected.message << '\n';
  }
  const std::size_t read = report->findings.size();
  store::ImportOptions import_options;
  import_options.actor = fmt::format("rampart ingest ({})", report->format);
  auto summary = store.Import(std::move(report->findings), import_options);
  if (!summary) {
    std::cerr << "error: " << path << ": storing failed, nothing from this file was stored: "
              << summary.status().message() << '\n';
    return false;
  }
  for (const auto& result : summary->results) {
    if (result.outcome == store::ImportOutcome::kFailed) {
      std::cerr << fmt::format("error: {}: finding \"{}\": {} {}\n", path, result.key.id,
                               result.error_code, result.message);
    }
  }
  std::cout << fmt::format(
      "{}: {} findings read ({}): {} created, {} updated, {} unchanged, {} rejected\n", path, read,
      report->format, summary->created, summary->updated, summary->unchanged,
      summary->failed + report->rejected.size());
  return report->rejected.empty() && summary->failed == 0;
}

}  // namespace

void AddIngestCommands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<IngestOptions>();
  auto* command = app.add_subcommand(
      "ingest",
      "Read scanner reports, detect each format and store the findings.\n"
      "Formats: ASFF (a finding, an array, {\"Findings\": [...]}, EventBridge events), Trivy, "
      "Grype, kube-bench, Falco, GuardDuty, Inspector v2, Prowler OCSF, SARIF, CycloneDX with "
      "vulnerabilities. Ingesting the same report again updates findings, never duplicates "
      "them. Exit status 0 when every file was stored whole, 1 when a file or a finding was "
      "rejected (the rest is still stored).");
  command->add_option("--db", options->db, "SQLite database file")->capture_default_str();
  command->add_option("--format", options->format,
                      "Reader to use instead of detection, such as trivy, asff or kube-bench");
  command->add_option("--account", options->account,
                      "AwsAccountId for findings whose format carries no account")
      ->capture_default_str();
  command->add_option("--region", options->region,
                      "Region for the ProductArn of findings whose format carries none")
      ->capture_default_str();
  command->add_option("files", options->paths, "Report files or folders of reports")->required();
  command->callback([options, &exit_code] {
    if (!options->format.empty() && ingest::FindReader(options->format) == nullptr) {
      std::vector<std::string> names;
      for (const auto& reader : ingest::Readers()) {
        names.emplace_back(reader->Name());
      }
      std::cerr << fmt::format("error: unknown --format \"{}\"; known formats: {}\n",
                               options->format, fmt::join(names, ", "));
      exit_code = 2;
      return;
    }
    auto store = store::SqliteFindingStore::Open(options->db);
    if (!store) {
      std::cerr << "error: " << store.status().message() << '\n';
      exit_code = 2;
      return;
    }
    const auto files = ExpandPaths(options->paths);
    if (files.empty()) {
      std::cerr << "error: no report files found in the given folders\n";
      exit_code = 1;
      return;
    }
    bool all_ok = true;
    for (const auto& file : files) {
      all_ok = IngestFile(file, *options, **store) && all_ok;
    }
    exit_code = all_ok ? 0 : 1;
  });
}

}  // namespace rampart::cli
