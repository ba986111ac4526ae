#include "ingest/non_finding.h"

#include <fmt/format.h>

#include "ingest/finding_fields.h"
#include "ingest/json_lines.h"

namespace rampart::ingest {
namespace {

// Returns true when a line of `text`, after its indentation, starts with `prefix`.
bool HasLine(std::string_view text, std::string_view prefix) {
  for (const TextLine& line : NonBlankLines(text)) {
    const std::size_t start = line.text.find_first_not_of(" \t");
    if (line.text.substr(start, prefix.size()) == prefix) {
      return true;
    }
  }
  return false;
}

// Returns true when a line of `text` starts with `prefix` in its first column.
bool HasTopLevelLine(std::string_view text, std::string_view prefix) {
  for (const TextLine& line : NonBlankLines(text)) {
    if (line.text.substr(0, prefix.size()) == prefix) {
      return true;
    }
  }
  return false;
}

std::size_t CountLinesStartingWith(std::string_view text,
                                   std::initializer_list<std::string_view> prefixes) {
  std::size_t count = 0;
  for (const TextLine& line : NonBlankLines(text)) {
    for (const std::string_view prefix : prefixes) {
      if (line.text.substr(0, prefix.size()) == prefix) {
        ++count;
        break;
      }
    }
  }
  return count;
}

bool IsKubeBenchDefinitions(std::string_view text) {
  return HasTopLevelLine(text, "controls:") && HasTopLevelLine(text, "groups:") &&
         HasLine(text, "checks:") && HasLine(text, "- id:");
}

bool IsKubeBenchConsoleOutput(std::string_view text) {
  return CountLinesStartingWith(text, {"[PASS] ", "[FAIL] ", "[WARN] ", "[INFO] "}) >= 3;
}

bool IsProwlerCsv(std::string_view text) {
  const std::string_view header = FirstNonBlankLine(text).text;
  return header.find(";CHECK_ID;") != std::string_view::npos &&
         header.find(";STATUS;") != std::string_view::npos;
}

bool IsTalonRules(std::string_view text) {
  return HasLine(text, "- action:") && HasLine(text, "actionner:");
}

bool IsFalcoRules(std::string_view text) {
  return HasTopLevelLine(text, "- rule:") && HasLine(text, "condition:") &&
         HasLine(text, "output:");
}

bool IsKubernetesManifest(std::string_view text) {
  return HasTopLevelLine(text, "apiVersion:") && HasTopLevelLine(text, "kind:");
}

std::string Quoted(std::string_view text) { return fmt::format("\"{}\"", Truncate(text, 80)); }

}  // namespace

std::string DescribeSbom(Node root) {
  return fmt::format(
      "a CycloneDX SBOM (specVersion {}, {} top-level components) without a vulnerabilities "
      "array: it lists software, not findings, so it contains no findings. It is input for "
      "vulnerability matching: run `rampart scan sbom FILE`, or ingest the output of a scanner "
      "that adds vulnerabilities (such as `trivy sbom --format cyclonedx`)",
      Quoted(root["specVersion"].String()), root["components"].Size());
}

std::optional<std::string> DescribeNonFindingJson(Node root) {
  if (root["bomFormat"].String() == "CycloneDX" && !root["vulnerabilities"].present()) {
    return DescribeSbom(root);
  }
  if (root["spdxVersion"].IsString()) {
    return fmt::format(
        "an SPDX SBOM ({}): it lists software, not findings, so it contains no findings. It is "
        "input for vulnerability matching: run `rampart scan sbom FILE`",
        Quoted(root["spdxVersion"].String()));
  }
  if (root["Notification"].IsObject() && root["Finding"].IsObject()) {
    return fmt::format(
        "a notification from Automated Security Response on AWS (state {}): it reports the "
        "outcome of a remediation of a finding that Security Hub already has, so it contains no "
        "new findings. Ingest Security Hub's findings or its EventBridge events instead",
        Quoted(root["Notification"]["State"].String()));
  }
  if (root["detail-type"].IsString() && root["detail"].IsObject()) {
    return fmt::format(
        "an EventBridge event from {} with detail-type {}: no reader takes this detail-type. "
        "Security Hub findings arrive as \"Security Hub Findings - Imported\" or \"Security Hub "
        "Findings - Custom Action\"",
        Quoted(root["source"].String()), Quoted(root["detail-type"].String()));
  }
  if (root.IsArray() && root.Size() > 0 && root.Items().front()["Target"].IsString()) {
    return std::string(
        "a Trivy report in the retired SchemaVersion 1 form (a bare array of results); run "
        "Trivy 0.20 or later with --format json, which writes SchemaVersion 2");
  }
  return std::nullopt;
}

std::optional<std::string> DescribeNonFindingText(std::string_view text) {
  if (IsKubeBenchDefinitions(text)) {
    return std::string(
        "kube-bench check definitions (a benchmark file of controls, groups and checks with "
        "their audit commands): it defines checks, not their results, so it contains no findings. "
        "Run kube-bench with --json and ingest that output");
  }
  if (IsKubeBenchConsoleOutput(text)) {
    return std::string(
        "kube-bench plain-text console output ([PASS], [FAIL], [WARN] and [INFO] lines): the "
        "text form has no stable structure to read findings from, so none are read. Run "
        "kube-bench with --json and ingest that output");
  }
  if (IsProwlerCsv(text)) {
    return std::string(
        "a Prowler CSV export (semicolon-separated, header with CHECK_ID and STATUS): ingest "
        "reads Prowler's JSON outputs, so no findings are read from it. Run Prowler with "
        "--output-formats json-ocsf (or json-asff) and ingest that file");
  }
  if (IsTalonRules(text)) {
    return std::string(
        "a Falco Talon rules file (actions with their actionners, and rules that match Falco "
        "events): it configures responses, so it contains no findings. Ingest Falco's alerts "
        "(json_output: true) instead");
  }
  if (IsFalcoRules(text)) {
    return std::string(
        "a Falco rules file (rules with conditions and outputs): it defines detections, so it "
        "contains no findings. Ingest Falco's alerts (json_output: true) instead");
  }
  if (IsKubernetesManifest(text)) {
    return std::string(
        "a Kubernetes manifest (apiVersion and kind): it describes workloads, not findings. "
        "Scan it with a posture checker and ingest that report instead");
  }
  return std::nullopt;
}

}  // namespace rampart::ingest
