#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/commands.h"
#include "cli/table.h"
#include "core/file.h"
#include "core/utf8.h"
#include "store/sqlite_finding_store.h"

namespace rampart::cli {
namespace {

using ::testing::HasSubstr;

std::filesystem::path FindingsFolder() {
  return std::filesystem::path(RAMPART_SHARED_DATA) / "findings";
}

Json ReadJson(const std::filesystem::path& path) {
  auto text = ReadFile(path.string());
  EXPECT_TRUE(text.has_value()) << path;
  auto json = ParseJson(text ? *text : "null", path.string());
  EXPECT_TRUE(json.has_value()) << path;
  return json ? *json : Json();
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `rampart ARGS...` with the ingest and findings commands, capturing both output streams.
RunResult RunRampart(std::vector<std::string> args) {
  CLI::App app{"rampart", "rampart"};
  app.require_subcommand(1);
  RunResult result;
  result.exit_code = 0;
  AddIngestCommands(app, result.exit_code);
  AddFindingsCommands(app, result.exit_code);
  args.insert(args.begin(), "rampart");
  std::vector<const char*> argv;
  for (const std::string& arg : args) {
    argv.push_back(arg.c_str());
  }
  std::ostringstream out;
  std::ostringstream err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    result.exit_code = app.exit(error) == 0 ? 0 : 2;
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

class FindingsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(FindingsFolder())) {
      GTEST_SKIP() << "../shared/data is absent, so the real findings cannot be loaded";
    }
    folder_ = std::filesystem::temp_directory_path() /
              ("rampart-findings-cli-" +
               std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(folder_);
    db_ = (folder_ / "rampart.db").string();
    auto store = store::SqliteFindingStore::Open(db_);
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    findings_ = ReadJson(FindingsFolder() / "trivy" / "alpine-310.asff.json")["Findings"]
                    .get<std::vector<Json>>();
    for (const char* file : {"afsbp-ec2.1.finding.json", "afsbp-s3.2.finding.json",
                             "cis-4.1.finding.json", "pci-kms.1.finding.json"}) {
      findings_.push_back(ReadJson(FindingsFolder() / "asr" / file));
    }
    auto summary = (*store)->Import(findings_, {});
    ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
    stored_ = static_cast<int>(summary->created);
  }

  void TearDown() override {
    std::error_code error;
    std::filesystem::remove_all(folder_, error);
  }

  std::filesystem::path folder_;
  std::string db_;
  std::vector<Json> findings_;
  int stored_ = 0;
};

TEST_F(FindingsCommandTest, ListJsonPrintsEveryDocument) {
  const RunResult result = RunRampart({"findings", "list", "--db", db_, "--output", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Json array = Json::parse(result.out);
  ASSERT_TRUE(array.is_array());
  EXPECT_EQ(static_cast<int>(array.size()), stored_);
  for (const Json& finding : array) {
    EXPECT_TRUE(finding.contains("SchemaVersion"));
    EXPECT_TRUE(finding.contains("ProcessedAt"));
  }
}

TEST_F(FindingsCommandTest, ListTableAndJsonLines) {
  const RunResult table = RunRampart({"findings", "list", "--db", db_});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("SEVERITY"));
  EXPECT_THAT(table.out, HasSubstr("RECORD"));
  EXPECT_THAT(table.out, HasSubstr("CRITICAL"));
  EXPECT_THAT(table.out, HasSubstr(" ACTIVE "));
  EXPECT_THAT(table.out, HasSubstr(std::to_string(stored_) + " findings"));

  const RunResult lines = RunRampart({"findings", "list", "--db", db_, "--output", "jsonl"});
  ASSERT_EQ(lines.exit_code, 0);
  EXPECT_EQ(std::count(lines.out.begin(), lines.out.end(), '\n'), stored_);
}

TEST_F(FindingsCommandTest, ListFilterFromTextAndFile) {
  const std::string filter =
      R"({"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}]})";
  const RunResult inline_filter =
      RunRampart({"findings", "list", "--db", db_, "--filter", filter, "--output", "json"});
  ASSERT_EQ(inline_filter.exit_code, 0) << inline_filter.err;
  const Json critical = Json::parse(inline_filter.out);
  ASSERT_EQ(critical.size(), 1u);
  EXPECT_EQ(critical[0]["Severity"]["Label"], "CRITICAL");

  const auto path = folder_ / "filter.json";
  std::ofstream(path) << R"({"Filters": )" << filter
                      << R"(, "SortCriteria": [{"Field": "Title", "SortOrder": "asc"}]})";
  const RunResult from_file = RunRampart(
      {"findings", "list", "--db", db_, "--filter", "@" + path.string(), "--output", "json"});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(Json::parse(from_file.out), critical);
}

// MaxResults, SortCriteria and NextToken of a request body apply, and the command-line options
// override them.
TEST_F(FindingsCommandTest, ListReadsWholeRequestBody) {
  const auto path = folder_ / "request.json";
  std::ofstream(path) << R"({"Filters": {}, "MaxResults": 2, )"
                      << R"("SortCriteria": [{"Field": "Id", "SortOrder": "asc"}]})";
  const std::string filter = "@" + path.string();
  const RunResult body =
      RunRampart({"findings", "list", "--db", db_, "--filter", filter, "--output", "json"});
  ASSERT_EQ(body.exit_code, 0) << body.err;
  const Json first = Json::parse(body.out);
  ASSERT_EQ(first.size(), 2u);
  // Two of Trivy's findings share an Id, and only one of them is stored.
  std::vector<std::string> ids;
  for (const Json& finding : findings_) {
    ids.push_back(finding["Id"]);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  ASSERT_GE(ids.size(), 3u);
  EXPECT_EQ(first[0]["Id"], ids[0]);
  EXPECT_EQ(first[1]["Id"], ids[1]);

  const RunResult options = RunRampart({"findings", "list", "--db", db_, "--filter", filter,
                                        "--max", "3", "--sort-by", "Id:desc", "--output", "json"});
  ASSERT_EQ(options.exit_code, 0) << options.err;
  const Json overridden = Json::parse(options.out);
  ASSERT_EQ(overridden.size(), 3u);
  EXPECT_EQ(overridden[0]["Id"], ids.back());

  const std::string marker = "--next-token ";
  const auto at = body.err.find(marker);
  ASSERT_NE(at, std::string::npos) << body.err;
  const std::string token =
      body.err.substr(at + marker.size(), body.err.find('\n', at) - at - marker.size());
  std::ofstream(path) << Json{
      {"MaxResults", 1},
      {"SortCriteria", {{{"Field", "Id"}, {"SortOrder", "asc"}}}},
      {"NextToken", token}}.dump();
  const RunResult next =
      RunRampart({"findings", "list", "--db", db_, "--filter", filter, "--output", "json"});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  const Json third = Json::parse(next.out);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0]["Id"], ids[2]);
}

TEST_F(FindingsCommandTest, BadRequestBodyExitsTwo) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"Filters": {}, "MaxResults": 0})", "--filter: $.MaxResults: 0 is not an integer"},
      {R"({"Filters": {}, "MaxResult": 5})", "--filter: $: unknown member \"MaxResult\""},
      {R"({"NextToken": 5})", "--filter: $.NextToken: must be the string"}};
  for (const auto& [body, message] : cases) {
    SCOPED_TRACE(body);
    const RunResult result = RunRampart({"findings", "list", "--db", db_, "--filter", body});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.err, HasSubstr(message));
  }
  const RunResult group = RunRampart({"findings", "group-by", "--db", db_, "--attribute",
                                      "SeverityLabel", "--filter", R"({"MaxResults": 5})"});
  EXPECT_EQ(group.exit_code, 2);
  EXPECT_THAT(group.err, HasSubstr("--filter: $.MaxResults: this command counts every finding"));
}

TEST_F(FindingsCommandTest, ListPagesWithMaxAndNextToken) {
  const RunResult first = RunRampart(
      {"findings", "list", "--db", db_, "--max", "2", "--output", "json", "--sort-by", "Id:asc"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(Json::parse(first.out).size(), 2u);
  const std::string marker = "--next-token ";
  const auto at = first.err.find(marker);
  ASSERT_NE(at, std::string::npos) << first.err;
  std::string token = first.err.substr(at + marker.size());
  token = token.substr(0, token.find('\n'));
  const RunResult rest = RunRampart({"findings", "list", "--db", db_, "--output", "json",
                                     "--sort-by", "Id:asc", "--next-token", token});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(static_cast<int>(Json::parse(rest.out).size()), stored_ - 2);
}

TEST_F(FindingsCommandTest, BadFilterExitsTwo) {
  const RunResult syntax =
      RunRampart({"findings", "list", "--db", db_, "--filter", R"({"Title": [)"});
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_THAT(syntax.err, HasSubstr("--filter: invalid JSON at line 1"));

  const RunResult unknown =
      RunRampart({"findings", "list", "--db", db_, "--filter",
                  R"({"Severity": [{"Value": "LOW", "Comparison": "EQUALS"}]})"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown filter field \"Severity\""));

  const RunResult request =
      RunRampart({"findings", "list", "--db", db_, "--filter",
                  R"({"Filters": {"Title": [{"Value": "x", "Comparison": "EQ"}]}})"});
  EXPECT_EQ(request.exit_code, 2);
  EXPECT_THAT(request.err,
              HasSubstr("error: --filter: $.Filters.Title[0].Comparison: \"EQ\" is not one of"));

  const RunResult missing =
      RunRampart({"findings", "list", "--db", db_, "--filter", "@/no/such/file"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("/no/such/file"));

  const RunResult sort = RunRampart({"findings", "list", "--db", db_, "--sort-by", "Sevrity"});
  EXPECT_EQ(sort.exit_code, 2);
  EXPECT_THAT(sort.err, HasSubstr("--sort-by"));
}

TEST_F(FindingsCommandTest, MissingDatabaseExitsTwo) {
  const RunResult result = RunRampart({"findings", "list", "--db", (folder_ / "none.db").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("none.db"));
  EXPECT_FALSE(std::filesystem::exists(folder_ / "none.db"));
}

TEST_F(FindingsCommandTest, IngestRegionMustBeRegionCode) {
  const std::string report = (FindingsFolder() / "trivy" / "alpine-310.json").string();
  for (const char* region : {"Europe", "eu-west", "eu_west_1", "us-east-1 "}) {
    SCOPED_TRACE(region);
    const RunResult result = RunRampart({"ingest", "--db", db_, "--region", region, report});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.out + result.err, HasSubstr("use an AWS Region code such as eu-west-1"));
  }
  for (const char* region : {"eu-west-1", "us-gov-west-1", "ap-southeast-4", "us-isob-east-1"}) {
    SCOPED_TRACE(region);
    const RunResult result = RunRampart({"ingest", "--db", db_, "--region", region, report});
    EXPECT_EQ(result.exit_code, 0) << result.err;
  }
}

TEST_F(FindingsCommandTest, UpdateChangesFindingAndHistory) {
  const Json& finding = findings_.back();
  const std::string arn = finding["ProductArn"];
  const std::string id = finding["Id"];
  const RunResult update = RunRampart({"findings",
                                       "update",
                                       "--db",
                                       db_,
                                       "--product-arn",
                                       arn,
                                       "--id",
                                       id,
                                       "--workflow-status",
                                       "NOTIFIED",
                                       "--note",
                                       "key owner paged",
                                       "--by",
                                       "alice",
                                       "--severity-label",
                                       "HIGH",
                                       "--user-defined-field",
                                       "ticket=SEC-42",
                                       "--confidence",
                                       "80"});
  ASSERT_EQ(update.exit_code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("updated " + id));

  auto store = store::SqliteFindingStore::Open(db_);
  ASSERT_TRUE(store.has_value());
  auto stored = (*store)->Get({arn, id});
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((**stored)["Workflow"]["Status"], "NOTIFIED");
  EXPECT_EQ((**stored)["Note"]["Text"], "key owner paged");
  EXPECT_EQ((**stored)["Note"]["UpdatedBy"], "alice");
  EXPECT_EQ((**stored)["Severity"]["Label"], "HIGH");
  EXPECT_EQ((**stored)["UserDefinedFields"]["ticket"], "SEC-42");
  EXPECT_EQ((**stored)["Confidence"], 80);
  EXPECT_EQ((**stored)["UpdatedAt"], finding["UpdatedAt"]);

  const RunResult history = RunRampart(
      {"findings", "history", "--db", db_, "--product-arn", arn, "--id", id, "--output", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const Json records = Json::parse(history.out)["Records"];
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0]["FindingCreated"].get<bool>());
  EXPECT_EQ(records[1]["UpdateSource"]["Type"], "BATCH_UPDATE_FINDINGS");
  EXPECT_EQ(records[1]["UpdateSource"]["Identity"], "alice");

  const RunResult table =
      RunRampart({"findings", "history", "--db", db_, "--product-arn", arn, "--id", id});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("Workflow.Status"));
  EXPECT_THAT(table.out, HasSubstr("NOTIFIED"));
  EXPECT_THAT(table.out, HasSubstr("(created)"));
}

TEST_F(FindingsCommandTest, UpdateUnknownFindingExitsTwo) {
  const RunResult result =
      RunRampart({"findings", "update", "--db", db_, "--product-arn", "arn:x", "--id", "missing",
                  "--workflow-status", "RESOLVED", "--by", "bob"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("FindingNotFound"));
  EXPECT_THAT(result.err, HasSubstr("missing"));
}

TEST_F(FindingsCommandTest, UpdateBadValueExitsTwo) {
  const Json& finding = findings_.back();
  const RunResult status =
      RunRampart({"findings", "update", "--db", db_, "--product-arn", finding["ProductArn"], "--id",
                  finding["Id"], "--workflow-status", "CLOSED", "--by", "bob"});
  EXPECT_EQ(status.exit_code, 2);
  EXPECT_THAT(status.err, HasSubstr("\"CLOSED\" is not one of"));
  const RunResult field =
      RunRampart({"findings", "update", "--db", db_, "--product-arn", finding["ProductArn"], "--id",
                  finding["Id"], "--user-defined-field", "no-equals-sign", "--by", "bob"});
  EXPECT_EQ(field.exit_code, 2);
  EXPECT_THAT(field.err, HasSubstr("KEY=VALUE"));
}

// An empty --note is an empty note, rejected with the fix, not an update that changes nothing.
TEST_F(FindingsCommandTest, UpdateEmptyNoteExitsTwo) {
  const Json& finding = findings_.back();
  for (const char* note : {"", "   "}) {
    SCOPED_TRACE(note);
    const RunResult result =
        RunRampart({"findings", "update", "--db", db_, "--product-arn", finding["ProductArn"],
                    "--id", finding["Id"], "--note", note, "--by", "bob"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.err, HasSubstr(fmt::format("error: --note: the note text must not be {}",
                                                  *note == '\0' ? "empty" : "blank")));
    EXPECT_THAT(result.err, HasSubstr("1 to 512 characters"));
    EXPECT_THAT(result.err, HasSubstr("leave out --note"));
    EXPECT_THAT(result.err, ::testing::Not(HasSubstr("changes no field")));
  }
  const RunResult status =
      RunRampart({"findings", "update", "--db", db_, "--product-arn", finding["ProductArn"], "--id",
                  finding["Id"], "--workflow-status", "", "--by", "bob"});
  EXPECT_EQ(status.exit_code, 2);
  EXPECT_THAT(status.err, HasSubstr("Workflow.Status: \"\" is not one of"));
}

TEST_F(FindingsCommandTest, GroupByCountsSeverities) {
  const RunResult result = RunRampart(
      {"findings", "group-by", "--db", db_, "--attribute", "SeverityLabel", "--output", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Json json = Json::parse(result.out);
  EXPECT_EQ(json["GroupByAttribute"], "SeverityLabel");
  std::int64_t total = 0;
  for (const Json& value : json["ResultValues"]) {
    total += value["Count"].get<std::int64_t>();
  }
  EXPECT_EQ(total, stored_);

  const RunResult unknown =
      RunRampart({"findings", "group-by", "--db", db_, "--attribute", "Severity"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown group-by attribute"));
}

TEST_F(FindingsCommandTest, SummaryCountsSeverityResourceAndCompliance) {
  const RunResult result = RunRampart({"findings", "summary", "--db", db_, "--output", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Json json = Json::parse(result.out);
  EXPECT_EQ(json["Findings"], stored_);
  std::int64_t severities = 0;
  for (const auto& [label, count] : json["SeverityLabel"].items()) {
    severities += count.get<std::int64_t>();
  }
  EXPECT_EQ(severities, stored_);
  EXPECT_EQ(json["SeverityLabel"]["CRITICAL"], 1);
  EXPECT_TRUE(json["ResourceType"].contains("Container"));
  EXPECT_TRUE(json["ComplianceStatus"].contains("(none)"));

  const RunResult table = RunRampart({"findings", "summary", "--db", db_});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("By severity:"));
  EXPECT_THAT(table.out, HasSubstr("By resource type:"));
  EXPECT_THAT(table.out, HasSubstr("By compliance status:"));
}

// A title is scanner text that an attacker may shape; an escape sequence printed raw would
// act on the reader's terminal.
TEST(Table, PrintsNoControlCharacters) {
  Table table({"TITLE"});
  table.AddRow(
      {"red \x1b[31mtext\x1b]0;owned\x07 line\nbreak \xC2\x9b"
       "2J caf\xC3\xA9"});
  std::ostringstream out;
  table.Print(out, 200);
  const std::string printed = out.str();
  EXPECT_EQ(printed.find('\x1b'), std::string::npos) << printed;
  EXPECT_EQ(printed.find('\x07'), std::string::npos) << printed;
  EXPECT_EQ(printed.find("\xC2\x9b"), std::string::npos) << printed;
  EXPECT_NE(printed.find("red ?[31mtext?]0;owned? line break ?2J caf\xC3\xA9"), std::string::npos)
      << printed;
}

// The title column is cut at a character boundary, so a title of 4-byte characters stays
// valid UTF-8.
TEST_F(FindingsCommandTest, ListTableCutsWholeCharacters) {
  Json finding = findings_[0];
  finding["Id"] = "emoji-title";
  std::string title;
  for (int i = 0; i < 256; ++i) {
    title += "\xF0\x9F\x98\x80";  // U+1F600
  }
  finding["Title"] = title;
  auto store = store::SqliteFindingStore::Open(db_);
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  ASSERT_TRUE((*store)->Import({finding}, {}).has_value());
  store->reset();

  const RunResult table = RunRampart({"findings", "list", "--db", db_});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(FindInvalidUtf8(table.out), std::string::npos);
  EXPECT_THAT(table.out, HasSubstr("\xF0\x9F\x98\x80..."));
}

// An error of ingest quotes report text, such as an Id, with control characters as "?".
TEST_F(FindingsCommandTest, IngestErrorsPrintNoControlCharacters) {
  Json finding = findings_[0];
  finding["Id"] = "x\x1b]0;owned\x07\x1b[2J";
  finding.erase("Title");
  const std::string report = (folder_ / "escape.json").string();
  std::ofstream(report) << Json{{"Findings", {finding}}}.dump();
  const RunResult ingest = RunRampart({"ingest", "--db", db_, report});
  EXPECT_EQ(ingest.exit_code, 1);
  EXPECT_EQ(ingest.err.find('\x1b'), std::string::npos) << ingest.err;
  EXPECT_EQ(ingest.err.find('\x07'), std::string::npos) << ingest.err;
  EXPECT_THAT(ingest.err, HasSubstr("finding \"x?]0;owned??[2J\": $.Findings[0].Title"));
}

// A finding that the store rejects is named by its Id and its path in the file, once. Trivy's
// ASFF report gives two findings of one CVE the same Id and UpdatedAt.
TEST_F(FindingsCommandTest, IngestStoreRejectionNamesPath) {
  const auto report = FindingsFolder() / "trivy" / "alpine-310.asff.json";
  const Json findings = ReadJson(report)["Findings"];
  std::size_t repeat = 0;
  while (repeat < findings.size()) {
    bool earlier = false;
    for (std::size_t i = 0; i < repeat; ++i) {
      earlier = earlier || findings[i]["Id"] == findings[repeat]["Id"];
    }
    if (earlier) {
      break;
    }
    ++repeat;
  }
  ASSERT_LT(repeat, findings.size());
  const std::string fresh = (folder_ / "fresh.db").string();
  const RunResult ingest = RunRampart({"ingest", "--db", fresh, report.string()});
  EXPECT_EQ(ingest.exit_code, 1);
  const std::string id = findings[repeat]["Id"];
  EXPECT_THAT(ingest.err,
              HasSubstr(fmt::format("error: {}: DuplicatedFindingIdentifier: finding \"{}\" at "
                                    "$.Findings[{}] appears earlier in this batch",
                                    report.string(), id, repeat)));
  EXPECT_THAT(ingest.err, ::testing::Not(HasSubstr(": finding \"" + id + "\": ")));
  // The fix of Trivy's ASFF output is its JSON report; the Ids come from Trivy's template.
  EXPECT_THAT(ingest.err, HasSubstr("only the earlier one is stored; Trivy's ASFF template gives "
                                    "the packages of one target that share a vulnerability one "
                                    "Id, so ingest Trivy's JSON report (trivy --format json)"));
}

// Ingest prints each rejected finding's place once, after the file name.
TEST_F(FindingsCommandTest, IngestRejectionNamesPlaceOnce) {
  Json finding = findings_[0];
  finding["Id"] = "no-title";
  finding["Title"] = "";
  const std::string report = (folder_ / "array.json").string();
  std::ofstream(report) << Json::array({finding, 7}).dump();
  const RunResult ingest = RunRampart({"ingest", "--db", db_, report});
  EXPECT_EQ(ingest.exit_code, 1);
  EXPECT_THAT(ingest.err, HasSubstr("error: " + report +
                                    ": finding \"no-title\": $[0].Title: must not be empty\n"));
  EXPECT_THAT(ingest.err, HasSubstr("error: " + report +
                                    ": finding without Id: $[1]: a finding must be a JSON object, "
                                    "not number\n"));
  EXPECT_THAT(ingest.err, ::testing::Not(HasSubstr("$[0]: finding")));
}

}  // namespace
}  // namespace rampart::cli
