// rampart ingest: reads scanner reports, detects their format and stores their findings.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/artifact_option.h"
#include "cli/commands.h"
#include "cli/ingest_support.h"
#include "core/aws_names.h"
#include "core/config.h"
#include "core/file.h"
#include "ingest/reader.h"
#include "store/finding_store_factory.h"
#include "store/store_location.h"

namespace rampart::cli {
namespace {

struct IngestOptions {
  std::string db = "rampart.db";
  std::string format;
  std::string account = "000000000000";
  std::string region = "us-east-1";
  std::string node;
  std::string artifact;
  bool keep_missing = false;
  std::vector<std::string> paths;
};

// Returns true for a Kubernetes node name: 1 to 253 letters, digits, '.', '-' and '_'.
bool IsNodeName(const std::string& name) {
  return !name.empty() && name.size() <= 253 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_';
         });
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
  command
      ->add_option("--db", options->db,
                   "SQLite database file (or sqlite:PATH), created when missing, or a "
                   "postgresql:// URL of a store that several workers share")
      ->capture_default_str();
  command->add_option("--format", options->format,
                      "Reader to use instead of detection, such as trivy, asff or kube-bench");
  command
      ->add_option("--account", options->account,
                   "AwsAccountId for findings whose format carries no account")
      ->capture_default_str();
  command
      ->add_option("--region", options->region,
                   "Region for the ProductArn of findings whose format carries none")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](const std::string& region) {
            return IsAwsRegion(region) ? std::string()
                                       : "region " + region +
                                             " is invalid; use an AWS Region code such as "
                                             "eu-west-1";
          },
          "REGION"));
  command
      ->add_option("--node", options->node,
                   "Node a kube-bench report was made on, part of each finding's Id and "
                   "resource; kube-bench does not name it, so without it the reports of two "
                   "nodes of one kind replace each other's findings")
      ->check(CLI::Validator(
          [](const std::string& name) {
            return IsNodeName(name) ? std::string()
                                    : "node name " + name +
                                          " is invalid; use 1 to 253 letters, digits, '.', "
                                          "'-' and '_'";
          },
          "NAME"));
  command
      ->add_option("--artifact", options->artifact,
                   "Name of the project or host a Trivy or Grype report scanned, in place of "
                   "the name the report gives it; an image keeps its own name. A scan of a path "
                   "such as \".\" names no one "
                   "project: without --artifact, the scans of two projects replace each "
                   "other's findings, and a later scan archives nothing")
      ->check(ArtifactNameCheck());
  command->add_flag(
      "--keep-missing", options->keep_missing,
      "Keep findings ACTIVE that a later Trivy or Grype report of the same artifact no longer "
      "lists. By default they are archived (RecordState ARCHIVED), because the scan found the "
      "problem fixed. Only vulnerabilities, and Trivy's misconfigurations, of the same "
      "account and artifact are archived, by Trivy only of the package classes (os-pkgs, "
      "lang-pkgs) the report scanned, and nothing from a report with a rejected finding. A "
      "report made with narrower options (--severity, --ignore-unfixed) archives what they "
      "left out, so ingest such reports with this flag");
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
    auto where = store::ParseStoreLocation(options->db);
    if (!where) {
      std::cerr << "error: --db: " << where.status().message() << '\n';
      exit_code = 2;
      return;
    }
    auto store =
        store::OpenFindingStore(where->postgres ? where->target : "sqlite:" + where->target);
    if (!store) {
      std::cerr << "error: " << store.status().message() << '\n';
      exit_code = 2;
      return;
    }
    const auto files = ExpandReportPaths(options->paths);
    if (files.empty()) {
      std::cerr << "error: no report files found in the given folders\n";
      exit_code = 1;
      return;
    }
    ingest::ReadOptions read_options;
    read_options.format = options->format;
    read_options.aws_account_id = options->account;
    read_options.region = options->region;
    read_options.node = options->node;
    read_options.artifact = options->artifact;
    IngestTotals totals;
    for (const auto& file : files) {
      auto findings =
          IngestReportFile(file, read_options, **store, totals, std::cout, !options->keep_missing);
      if (!findings) {
        std::cerr << "error: " << findings.status().message() << '\n';
      }
    }
    exit_code = totals.failed_files == 0 && totals.rejected == 0 ? 0 : 1;
  });
}

}  // namespace rampart::cli
