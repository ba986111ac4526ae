// `rampart run --once` on real inputs: the manifests of bank-of-anthos and microservices-demo
// in a git repository, and real Trivy and Security Hub reports. Every expected number is
// counted from the report files here, apart from the readers.
//
// The reports scan other images than the manifests run (Trivy's test images and a Helm
// chart's nginx pod). So the test also pins down what happens when a finding does not
// relate to the repository: bump-image finds no manifest to move, and the hardening rules
// apply the failed check's fix to every workload in the repository.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "cli/testing/program.h"
#include "core/json.h"

namespace rampart::cli {
namespace {

namespace fs = std::filesystem;
using testing::BuiltProgram;
using ::testing::HasSubstr;
using testing::ProgramRun;
using testing::ReadText;
using testing::RunGit;
using testing::RunProgram;
using ::testing::StartsWith;
using testing::WriteText;

const fs::path kSharedData = RAMPART_SHARED_DATA;

constexpr const char* kReports[] = {
    "findings/trivy/alpine-310.asff.json",     // ASFF from Trivy's template, repeated Ids
    "findings/trivy/debian-buster.json",       // Trivy JSON, container image
    "findings/trivy/spring4shell-jre11.json",  // Trivy JSON, container image, a CRITICAL CVE
    "findings/trivy/helm-misconfig.json",      // Trivy JSON, Kubernetes misconfigurations
    "findings/asr/afsbp-ec2.1.finding.json",   // a Security Hub control finding
};

// A rule that applies the fix for one failed Trivy check to every workload.
struct HardenRule {
  const char* name;
  const char* check;   // Trivy's check id
  const char* fix;     // the gitops.harden fix
  const char* marker;  // text that every diff of this rule adds
};

constexpr HardenRule kHardenRules[] = {
    {"harden-privilege-escalation", "KSV-0001", "allowPrivilegeEscalation",
     "allowPrivilegeEscalation: false"},
    {"harden-capabilities", "KSV-0003", "dropAllCapabilities", "ALL"},
    {"harden-seccomp", "KSV-0104", "seccompProfile", "RuntimeDefault"},
};

// What the report files contain, counted from their own fields.
struct Expected {
  std::map<std::string, int> by_severity;
  int container_high_or_critical = 0;        // findings on a container image
  std::map<std::string, int> failed_checks;  // Trivy misconfiguration id -> FAIL results
};

bool IsHighOrCritical(const std::string& label) { return label == "HIGH" || label == "CRITICAL"; }

// Counts ASFF findings once per (ProductArn, Id), as BatchImportFindings stores them.
void CountAsff(const Json& finding, std::set<std::string>& seen, Expected& expected) {
  const std::string key =
      finding.at("ProductArn").get<std::string>() + "|" + finding.at("Id").get<std::string>();
  if (!seen.insert(key).second) {
    return;
  }
  const std::string label = finding.at("Severity").at("Label").get<std::string>();
  expected.by_severity[label] += 1;
  if (finding.at("Resources").at(0).at("Type") == "Container" && IsHighOrCritical(label)) {
    expected.container_high_or_critical += 1;
  }
}

// Trivy's severities are ASFF's labels, except UNKNOWN, which Trivy's own ASFF template
// reports as INFORMATIONAL.
std::string TrivyLabel(const std::string& severity) {
  return severity == "UNKNOWN" ? "INFORMATIONAL" : severity;
}

void CountTrivy(const Json& report, Expected& expected) {
  const bool image = report.at("ArtifactType") == "container_image";
  std::set<std::string> seen;
  for (const Json& result : report.at("Results")) {
    for (const Json& vulnerability : result.value("Vulnerabilities", Json::array())) {
      const std::string label = TrivyLabel(vulnerability.at("Severity").get<std::string>());
      const std::string key = result.at("Target").get<std::string>() + "|" +
                              vulnerability.at("PkgName").get<std::string>() + "|" +
                              vulnerability.value("PkgPath", "") + "|" +
                              vulnerability.at("VulnerabilityID").get<std::string>();
      EXPECT_TRUE(seen.insert(key).second) << "the report lists " << key << " twice";
      expected.by_severity[label] += 1;
      if (image && IsHighOrCritical(label)) {
        expected.container_high_or_critical += 1;
      }
    }
    for (const Json& misconfiguration : result.value("Misconfigurations", Json::array())) {
      if (misconfiguration.at("Status") != "FAIL") {
        continue;
      }
      expected.by_severity[TrivyLabel(misconfiguration.at("Severity").get<std::string>())] += 1;
      expected.failed_checks[misconfiguration.at("ID").get<std::string>()] += 1;
    }
  }
}

Expected CountReports() {
  Expected expected;
  std::set<std::string> asff_seen;
  for (const char* relative : kReports) {
    const Json document = Json::parse(ReadText(kSharedData / relative));
    if (document.contains("Findings")) {
      for (const Json& finding : document["Findings"]) {
        CountAsff(finding, asff_seen, expected);
      }
    } else if (document.contains("SchemaVersion") && document.contains("Results")) {
      CountTrivy(document, expected);
    } else {
      CountAsff(document, asff_seen, expected);
    }
  }
  return expected;
}

// Reads the "By severity (ACTIVE findings):" table of the run report.
std::map<std::string, int> SeverityTable(const std::string& report) {
  std::map<std::string, int> counts;
  std::istringstream in(report.substr(report.find("By severity (ACTIVE findings):")));
  std::string line;
  std::getline(in, line);  // the title
  std::getline(in, line);  // the column names
  std::getline(in, line);  // the rule under them
  while (std::getline(in, line) && !line.empty()) {
    std::istringstream row(line);
    std::string label;
    int count = 0;
    row >> label >> count;
    counts[label] = count;
  }
  return counts;
}

// Returns the number after `label` in the report, such as "planned: 5".
int ReportCount(const std::string& report, const std::string& label) {
  const auto at = report.find(label + ": ");
  return at == std::string::npos ? -1 : std::stoi(report.substr(at + label.size() + 2));
}

// Splits the dry-run diffs that end the report by their headings, "-- dry run ID (...)",
// and returns them by remediation id.
std::map<std::int64_t, std::string> DryRunDiffs(const std::string& report) {
  std::map<std::int64_t, std::string> diffs;
  const std::string heading = "\n-- dry run ";
  auto at = report.find(heading);
  while (at != std::string::npos) {
    const std::int64_t id = std::stoll(report.substr(at + heading.size()));
    const auto body = report.find('\n', at + 1) + 1;
    const auto next = report.find(heading, body);
    diffs[id] = report.substr(body, next == std::string::npos ? next : next - body + 1);
    at = next;
  }
  return diffs;
}

std::vector<std::string> ChangedFiles(const std::string& diff) {
  std::vector<std::string> files;
  std::istringstream in(diff);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("+++ b/", 0) == 0) {
      files.push_back(line.substr(6));
    }
  }
  return files;
}

std::string AddedLines(const std::string& diff) {
  std::string added;
  std::istringstream in(diff);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("+", 0) == 0 && line.rfind("+++", 0) != 0) {
      added += line + "\n";
    }
  }
  return added;
}

class RunRealDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kSharedData / "manifests") || !fs::exists(kSharedData / "findings")) {
      GTEST_SKIP() << "../shared/data is absent: the real manifests and reports are not here";
    }
    dir_ = testing::MakeTestFolder("rampart_run_real_data");
    MakeManifestRepository();
    fs::create_directories(dir_ / "reports");
    for (const char* relative : kReports) {
      fs::copy_file(kSharedData / relative, dir_ / "reports" / fs::path(relative).filename());
    }
    WriteText(dir_ / "rampart.yaml",
              "store: sqlite:rampart.db\n"
              "rules: rules.yaml\n"
              "sources:\n"
              "  - path: reports\n"
              "remediation:\n"
              "  work_dir: work\n"
              "  allow:\n"
              "    repositories: [manifests]\n"
              "log_level: warn\n");
    WriteText(dir_ / "rules.yaml", RulesYaml());
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) {
      fs::remove_all(dir_);
    }
  }

  void MakeManifestRepository() {
    const fs::path repository = dir_ / "manifests";
    fs::create_directories(repository);
    for (const char* application : {"bank-of-anthos", "microservices-demo"}) {
      fs::copy(kSharedData / "manifests" / application, repository / application,
               fs::copy_options::recursive);
    }
    ASSERT_EQ(RunGit(repository, {"init", "-q", "-b", "main"}).exit_code, 0);
    ASSERT_EQ(RunGit(repository, {"add", "-A"}).exit_code, 0);
    ASSERT_EQ(RunGit(repository, {"commit", "-q", "-m", "Real manifests"}).exit_code, 0);
  }

  // Every rule is a dry run, the default for a rule without `mode: enforce`.
  static std::string RulesYaml() {
    std::string yaml =
        "- name: bump-vulnerable-image\n"
        "  event_pattern:\n"
        "    detail:\n"
        "      findings:\n"
        "        Severity: {Label: [HIGH, CRITICAL]}\n"
        "        Resources: {Type: [Container]}\n"
        "  targets:\n"
        "    - action: gitops.bump-image\n"
        "      params: {repository: manifests, tag: patched}\n";
    for (const HardenRule& rule : kHardenRules) {
      yaml += std::string("- name: ") + rule.name +
              "\n"
              "  event_pattern: {detail: {findings: {GeneratorId: [trivy/" +
              rule.check +
              "]}}}\n"
              "  targets:\n"
              "    - action: gitops.harden\n"
              "      params: {repository: manifests, all_workloads: true, fixes: [" +
              rule.fix + "]}\n";
    }
    return yaml;
  }

  fs::path dir_;
};

TEST_F(RunRealDataTest, ReportMatchesReportFiles) {
  const Expected expected = CountReports();
  ASSERT_GT(expected.container_high_or_critical, 0);
  int harden_expected = 0;
  for (const HardenRule& rule : kHardenRules) {
    ASSERT_TRUE(expected.failed_checks.contains(rule.check)) << rule.check;
    harden_expected += expected.failed_checks.at(rule.check);
  }

  const ProgramRun run = RunProgram(
      {BuiltProgram("rampart"), "run", "--config", (dir_ / "rampart.yaml").string(), "--once"},
      dir_);
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  EXPECT_EQ(SeverityTable(run.output), expected.by_severity) << run.output;
  EXPECT_THAT(run.output, HasSubstr(", 0 rejected\n"));
  EXPECT_EQ(ReportCount(run.output, "planned"),
            expected.container_high_or_critical + harden_expected);
  EXPECT_EQ(ReportCount(run.output, "awaiting approval"), 0);
  EXPECT_THAT(
      run.output,
      HasSubstr("run: " + std::to_string(expected.container_high_or_critical + harden_expected) +
                " succeeded, 0 verified, 0 failed"));

  const Json records =
      Json::parse(RunProgram({BuiltProgram("rampart"), "remediations", "list", "--db",
                              (dir_ / "rampart.db").string(), "--output", "json", "--max", "1000"},
                             dir_)
                      .output);
  std::map<std::string, int> per_rule;
  std::map<std::int64_t, std::string> rule_of_diff;
  for (const Json& record : records) {
    const std::string rule = record["Rule"];
    per_rule[rule] += 1;
    EXPECT_EQ(record["State"], "SUCCEEDED") << rule << ": " << record["Error"];
    EXPECT_TRUE(record["DryRun"].get<bool>()) << rule;
    if (rule == "bump-vulnerable-image") {
      // The reports' images are Trivy's test images, which no manifest runs. The repository
      // "manifests" is read from the configuration file's folder.
      EXPECT_THAT(record["Summary"].get<std::string>(),
                  StartsWith("no manifest under '" + (dir_ / "manifests").string() +
                             "' runs testdata/fixtures/images/"));
      EXPECT_EQ(record["Diff"], "");
    } else {
      EXPECT_NE(record["Diff"], "") << rule << ": " << record["Summary"];
      rule_of_diff[record["Id"].get<std::int64_t>()] = rule;
    }
  }
  EXPECT_EQ(per_rule["bump-vulnerable-image"], expected.container_high_or_critical);
  for (const HardenRule& rule : kHardenRules) {
    EXPECT_EQ(per_rule[rule.name], expected.failed_checks.at(rule.check)) << rule.name;
  }

  // Each dry-run diff applies to the real manifests and adds its rule's fix.
  const std::map<std::int64_t, std::string> diffs = DryRunDiffs(run.output);
  ASSERT_EQ(diffs.size(), rule_of_diff.size());
  std::set<std::string> applications;
  for (const auto& [id, diff] : diffs) {
    ASSERT_TRUE(rule_of_diff.contains(id)) << "dry run " << id << " has no record with a diff";
    const fs::path patch = dir_ / ("dry-run-" + std::to_string(id) + ".diff");
    WriteText(patch, diff);
    const ProgramRun check = RunGit(dir_ / "manifests", {"apply", "--check", patch.string()});
    EXPECT_EQ(check.exit_code, 0) << "the diff of dry run " << id
                                  << " does not apply: " << check.errors;
    const std::vector<std::string> files = ChangedFiles(diff);
    ASSERT_FALSE(files.empty()) << diff;
    for (const std::string& file : files) {
      EXPECT_TRUE(fs::exists(dir_ / "manifests" / file)) << file;
      applications.insert(file.substr(0, file.find('/')));
    }
    for (const HardenRule& rule : kHardenRules) {
      if (rule_of_diff.at(id) == rule.name) {
        EXPECT_THAT(AddedLines(diff), HasSubstr(rule.marker)) << diff;
      }
    }
  }
  EXPECT_EQ(applications, (std::set<std::string>{"bank-of-anthos", "microservices-demo"}));

  // A dry run leaves the repository as it was: no new branch, no changed file.
  const ProgramRun branches = RunGit(dir_ / "manifests", {"branch", "--format=%(refname:short)"});
  EXPECT_EQ(branches.output, "main\n");
  EXPECT_EQ(RunGit(dir_ / "manifests", {"status", "--porcelain"}).output, "");

  const ProgramRun verify = RunProgram(
      {BuiltProgram("rampart"), "audit", "verify", "--db", (dir_ / "rampart.db").string()}, dir_);
  EXPECT_EQ(verify.exit_code, 0) << verify.output << verify.errors;
}

}  // namespace
}  // namespace rampart::cli
