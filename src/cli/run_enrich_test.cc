// `rampart run --once --models DIR` as a user runs it: a model trained by `rampart model
// train` on a real metric series scores the findings before the rules match them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "cli/testing/program.h"
#include "core/json.h"

namespace rampart::cli {
namespace {

using testing::BuiltProgram;
using ::testing::HasSubstr;
using testing::ProgramRun;
using testing::ReadText;
using testing::RunProgram;
using testing::WriteText;

const std::filesystem::path kTemperature =
    std::filesystem::path(RAMPART_SHARED_DATA) /
    "anomaly/nab/data/realKnownCause/machine_temperature_system_failure.csv";

// A finding that carries one temperature reading, as a metric detector would report it.
Json ReadingFinding(const std::string& id, const std::string& value) {
  return {{"SchemaVersion", "2018-10-08"},
          {"Id", id},
          {"ProductArn", "arn:aws:securityhub:us-east-1::product/rampart/detect"},
          {"GeneratorId", "machine-temperature"},
          {"AwsAccountId", "111122223333"},
          {"Types", {"Unusual Behaviors/Process"}},
          {"CreatedAt", "2026-12-01T00:00:00Z"},
          {"UpdatedAt", "2026-12-01T00:00:00Z"},
          {"Severity", {{"Label", "LOW"}}},
          {"Title", "machine temperature reading"},
          {"Description", "one reading of the machine temperature series"},
          {"ProductFields", {{"rampart/metrics/temperature", value}}},
          {"Resources", {{{"Type", "Other"}, {"Id", "machine-1"}}}}};
}

// Returns the readings of the series, as the CSV writes them.
std::vector<std::string> Readings() {
  std::vector<std::string> values;
  std::istringstream lines(ReadText(kTemperature));
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    values.push_back(line.substr(line.find(',') + 1));
  }
  return values;
}

class RunEnrichTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTestFolder("rampart_run_enrich"); }
  void TearDown() override {
    if (!HasFailure()) {
      std::filesystem::remove_all(dir_);
    }
  }

  ProgramRun Rampart(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {BuiltProgram("rampart")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv, dir_);
  }

  // Writes rampart.yaml, a report of one finding per reading and rules.yaml, whose
  // "hot-or-cold" rule notes the score of readings whose model score is above `threshold`.
  void WriteHub(const std::vector<std::string>& readings, const std::string& threshold,
                const std::string& model) {
    Json findings = Json::array();
    for (std::size_t i = 0; i < readings.size(); ++i) {
      findings.push_back(ReadingFinding(fmt::format("reading-{}", i), readings[i]));
    }
    WriteText(dir_ / "report.json", Json{{"Findings", findings}}.dump());
    WriteText(dir_ / "rampart.yaml",
              "store: sqlite:rampart.db\nrules: rules.yaml\nsources: [report.json]\n"
              "log_level: error\n");
    WriteText(dir_ / "rules.yaml", fmt::format(R"(
- name: hot-or-cold
  mode: enforce
  event_pattern:
    rampart: {{scores: {{temperature: [{{numeric: [">", {}]}}]}}}}
  enrich:
    model: {}
    features:
      - detail.findings[0].ProductFields."rampart/metrics/temperature"
    as: temperature
  targets:
    - action: finding.update
      params: {{note: "score {{{{ event.rampart.scores.temperature }}}}"}}
)",
                                               threshold, model));
  }

  std::filesystem::path dir_;
};

TEST_F(RunEnrichTest, OutlyingReadingsAreScoredAndMatched) {
  if (!std::filesystem::exists(kTemperature)) {
    GTEST_SKIP() << "../shared/data is absent, so the temperature series cannot be read";
  }
  std::filesystem::create_directories(dir_ / "models");
  const ProgramRun train =
      Rampart({"model", "train", "--algorithm", "iforest", "--input", kTemperature.string(),
               "--seed", "7", "--out", (dir_ / "models/temperature.model").string()});
  ASSERT_EQ(train.exit_code, 0) << train.errors;

  // Every 500th reading and the five coldest, which are the machine's failure.
  const std::vector<std::string> all = Readings();
  std::vector<std::string> readings;
  for (std::size_t i = 0; i < all.size(); i += 500) {
    readings.push_back(all[i]);
  }
  std::vector<std::string> coldest = all;
  std::sort(coldest.begin(), coldest.end(),
            [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); });
  readings.insert(readings.end(), coldest.begin(), coldest.begin() + 5);
  std::string csv = "value\n";
  for (const std::string& value : readings) {
    csv += value + "\n";
  }
  WriteText(dir_ / "readings.csv", csv);
  const ProgramRun scored =
      Rampart({"model", "score", "--model", (dir_ / "models/temperature.model").string(), "--input",
               (dir_ / "readings.csv").string()});
  ASSERT_EQ(scored.exit_code, 0) << scored.errors;
  std::vector<double> scores;
  std::istringstream lines(scored.output);
  for (std::string line; std::getline(lines, line);) {
    scores.push_back(std::stod(line));
  }
  ASSERT_EQ(scores.size(), readings.size());

  // The threshold lies halfway between the sixth and fifth highest scores.
  std::vector<double> sorted = scores;
  std::sort(sorted.rbegin(), sorted.rend());
  ASSERT_LT(sorted[5], sorted[4]);
  WriteHub(readings, fmt::format("{}", (sorted[4] + sorted[5]) / 2), "temperature");

  const ProgramRun run = Rampart({"run", "--config", (dir_ / "rampart.yaml").string(), "--once",
                                  "--models", (dir_ / "models").string()});
  ASSERT_EQ(run.exit_code, 0) << run.output << run.errors;
  // Each note is a customer update whose event is routed in turn: it is scored and matches
  // again, and its idempotency key plans nothing new.
  EXPECT_THAT(run.output, HasSubstr(fmt::format("events routed: {0}, rule matches: 10, model "
                                                "scores: {0} (0 skipped)",
                                                readings.size() + 5)));
  EXPECT_THAT(run.output, HasSubstr("planned: 5, awaiting approval: 0, already planned: 5,"));
  // The five coldest readings are the last five findings.
  for (std::size_t i = readings.size() - 5; i < readings.size(); ++i) {
    EXPECT_THAT(run.output, HasSubstr(fmt::format("hot-or-cold  finding.update  enforce  "
                                                  "reading-{}",
                                                  i)));
  }

  const ProgramRun listed =
      Rampart({"findings", "list", "--db", (dir_ / "rampart.db").string(), "--output", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.errors;
  std::map<std::string, std::string> notes;
  for (const Json& finding : Json::parse(listed.output)) {
    if (finding.contains("Note")) {
      notes[finding["Id"]] = finding["Note"]["Text"];
    }
  }
  ASSERT_EQ(notes.size(), 5u) << listed.output;
  for (std::size_t i = 0; i < readings.size(); ++i) {
    const auto note = notes.find(fmt::format("reading-{}", i));
    if (scores[i] <= sorted[5]) {
      EXPECT_EQ(note, notes.end()) << "reading " << readings[i] << " scores " << scores[i];
      continue;
    }
    ASSERT_NE(note, notes.end()) << "reading " << readings[i] << " scores " << scores[i];
    // The score in the event is the one `rampart model score` printed for the same row.
    EXPECT_EQ(std::stod(note->second.substr(6)), scores[i]) << note->second;
  }
}

TEST_F(RunEnrichTest, UnknownModelIsRejectedAtStart) {
  std::filesystem::create_directories(dir_ / "models");
  WriteHub({"70.5"}, "0.6", "temperatur");
  const ProgramRun run = Rampart({"run", "--config", (dir_ / "rampart.yaml").string(), "--once",
                                  "--models", (dir_ / "models").string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.errors, HasSubstr("rule \"hot-or-cold\""));
  EXPECT_THAT(run.errors, HasSubstr("model \"temperatur\" not found"));
  EXPECT_THAT(run.errors, HasSubstr("[unknown_model]"));

  const ProgramRun without =
      Rampart({"run", "--config", (dir_ / "rampart.yaml").string(), "--once"});
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_THAT(without.errors, HasSubstr("no models folder is set"));
}

}  // namespace
}  // namespace rampart::cli
