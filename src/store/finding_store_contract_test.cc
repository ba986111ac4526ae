// The behaviour of the FindingStore interface, run against every backend: SQLite and
// PostgreSQL must import, update, query and write events alike.
#include <algorithm>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/test_support.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

using testing::AsrFinding;
using ::testing::HasSubstr;
using testing::KeyOf;
using testing::Later;
using testing::TrivyAlpineFindings;

class StoreTest : public ::testing::TestWithParam<testing::TestBackend> {
 protected:
  void SetUp() override {
    RAMPART_REQUIRE_SHARED_DATA();
    auto store = database_.Open({.clock = &clock_, .random_seed = 7});
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store_ = std::move(*store);
  }

  ImportSummary Import(std::vector<Json> findings, std::string actor = "") {
    auto summary = store_->Import(std::move(findings), ImportOptions{std::move(actor)});
    EXPECT_TRUE(summary.has_value()) << summary.status().ToString();
    return summary ? *summary : ImportSummary{};
  }

  Json Stored(const Json& finding) {
    auto stored = store_->Get(KeyOf(finding));
    EXPECT_TRUE(stored.has_value()) << stored.status().ToString();
    EXPECT_TRUE(stored->has_value()) << "not stored: " << finding["Id"];
    return stored && *stored ? **stored : Json();
  }

  UpdateSummary Update(const FindingUpdate& update, std::string_view actor = "alice") {
    auto summary = store_->Update(update, actor);
    EXPECT_TRUE(summary.has_value()) << summary.status().ToString();
    return summary ? *summary : UpdateSummary{};
  }

  static FindingUpdate UpdateOf(const Json& finding) {
    FindingUpdate update;
    update.finding_identifiers = {{finding["Id"], finding["ProductArn"]}};
    return update;
  }

  std::vector<Json> Events() {
    auto events = store_->ReadEvents(0, 1000);
    EXPECT_TRUE(events.has_value()) << events.status().ToString();
    std::vector<Json> parsed;
    for (const OutboxEvent& event : events ? *events : std::vector<OutboxEvent>{}) {
      parsed.push_back(Json::parse(event.event));
    }
    return parsed;
  }

  testing::TestDatabase database_{GetParam()};
  FakeClock clock_{FromUnixMicros(1'790'000'000'000'000)};
  std::unique_ptr<FindingStore> store_;
};

// The identity is drawn when the store is created and read back by every later opening; a
// store of its own draws another.
TEST_P(StoreTest, IdentityIsDrawnOnceAndKept) {
  auto identity = store_->Identity();
  ASSERT_TRUE(identity.has_value()) << identity.status().ToString();
  EXPECT_EQ(identity->size(), 32u);
  EXPECT_EQ(identity->find_first_not_of("0123456789abcdef"), std::string::npos) << *identity;
  auto reopened = database_.Open({.clock = &clock_, .random_seed = 8});
  ASSERT_TRUE(reopened.has_value()) << reopened.status().ToString();
  auto again = (*reopened)->Identity();
  ASSERT_TRUE(again.has_value()) << again.status().ToString();
  EXPECT_EQ(*again, *identity);

  testing::TestDatabase other_database{GetParam()};
  auto other = other_database.Open({.clock = &clock_, .random_seed = 9});
  ASSERT_TRUE(other.has_value()) << other.status().ToString();
  auto other_identity = (*other)->Identity();
  ASSERT_TRUE(other_identity.has_value()) << other_identity.status().ToString();
  EXPECT_NE(*other_identity, *identity);
}

TEST_P(StoreTest, ImportCreatesRealFindings) {
  const auto trivy = testing::UniqueByKey(TrivyAlpineFindings());
  const ImportSummary summary = Import(trivy);
  EXPECT_EQ(summary.created, trivy.size());
  EXPECT_EQ(summary.failed, 0u);
  ASSERT_EQ(summary.results.size(), trivy.size());
  for (std::size_t i = 0; i < trivy.size(); ++i) {
    EXPECT_EQ(summary.results[i].outcome, ImportOutcome::kCreated);
    EXPECT_EQ(summary.results[i].key, KeyOf(trivy[i]));
    const Json stored = Stored(trivy[i]);
    EXPECT_EQ(stored["Title"], trivy[i]["Title"]);
    EXPECT_EQ(stored["Resources"], trivy[i]["Resources"]);
    EXPECT_EQ(stored["Workflow"]["Status"], "NEW");
    EXPECT_EQ(stored["FindingProviderFields"]["Severity"]["Label"], trivy[i]["Severity"]["Label"]);
  }
  const auto asr = testing::UniqueByKey(testing::AllAsrFindings());
  const ImportSummary controls = Import(asr);
  EXPECT_EQ(controls.failed, 0u) << (controls.failed ? controls.results[0].message : "");
  EXPECT_EQ(controls.created, asr.size());
}

TEST_P(StoreTest, SharedIdInOneReportFailsLaterCopy) {
  // The real Trivy ASFF report gives one Id to a CVE in two packages, with equal UpdatedAt.
  // The first is created, and the second, whose content would be lost, fails.
  const auto trivy = TrivyAlpineFindings();
  const auto unique = testing::UniqueByKey(trivy);
  ASSERT_LT(unique.size(), trivy.size());
  const ImportSummary summary = Import(trivy);
  EXPECT_EQ(summary.created, unique.size());
  EXPECT_EQ(summary.failed, trivy.size() - unique.size());
  for (std::size_t i = 0; i < trivy.size(); ++i) {
    const bool first = std::find(unique.begin(), unique.end(), trivy[i]) != unique.end();
    EXPECT_EQ(summary.results[i].outcome, first ? ImportOutcome::kCreated : ImportOutcome::kFailed);
    if (!first) {
      EXPECT_EQ(summary.results[i].error_code, "DuplicatedFindingIdentifier");
      EXPECT_THAT(summary.results[i].message, HasSubstr("appears earlier in this batch"));
    }
  }
  EXPECT_EQ(Stored(trivy[0])["Title"], trivy[0]["Title"]);
}

// The message of a failed finding names its path in the batch from ImportOptions::paths.
TEST_P(StoreTest, FailedFindingNamesItsBatchPath) {
  const Json finding = AsrFinding("cis-4.1.finding.json");
  Json invalid = AsrFinding("pci-kms.1.finding.json");
  invalid.erase("Title");
  Json other = finding;
  other["Title"] = "other content, same UpdatedAt";
  ImportOptions options{
      .actor = "scanner",
      .paths = {"$.Findings[0]", "$.Findings[1]", "$.Findings[2]", "$.Findings[3]"}};
  auto summary = store_->Import({finding, invalid, Json(7), other}, options);
  ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
  ASSERT_EQ(summary->results.size(), 4u);
  EXPECT_EQ(summary->results[0].outcome, ImportOutcome::kCreated);
  EXPECT_EQ(summary->results[1].message,
            fmt::format("finding \"{}\": $.Findings[1].Title: required attribute is missing",
                        invalid["Id"].get<std::string>()));
  EXPECT_EQ(summary->results[2].message,
            "$.Findings[2]: a finding must be a JSON object, not number");
  EXPECT_EQ(summary->results[3].error_code, "DuplicatedFindingIdentifier");
  EXPECT_THAT(summary->results[3].message,
              ::testing::StartsWith(fmt::format("finding \"{}\" at $.Findings[3] appears earlier",
                                                finding["Id"].get<std::string>())));
}

// Without paths, a finding is named by its Id and problems by paths from its own root.
TEST_P(StoreTest, FailedFindingWithoutPathsUsesRoot) {
  Json invalid = AsrFinding("pci-kms.1.finding.json");
  invalid.erase("Title");
  const ImportSummary summary = Import({invalid, Json(7)});
  ASSERT_EQ(summary.results.size(), 2u);
  EXPECT_THAT(summary.results[0].message, HasSubstr(": $.Title: required attribute is missing"));
  EXPECT_EQ(summary.results[1].message, "$: a finding must be a JSON object, not number");
}

// An exact repeat in one batch is unchanged, and a repeat with a later UpdatedAt updates.
TEST_P(StoreTest, RepeatInOneBatchIsUnchangedOrUpdate) {
  const Json finding = AsrFinding("cis-4.1.finding.json");
  Json newer = Later(finding, 60);
  newer["Title"] = "a later title";
  const ImportSummary summary = Import({finding, finding, newer});
  EXPECT_EQ(summary.created, 1u);
  EXPECT_EQ(summary.unchanged, 1u);
  EXPECT_EQ(summary.updated, 1u);
  EXPECT_EQ(Stored(finding)["Title"], "a later title");
}

TEST_P(StoreTest, SameUpdatedAtIsUnchanged) {
  const auto trivy = testing::UniqueByKey(TrivyAlpineFindings());
  Import(trivy);
  const ImportSummary again = Import(trivy);
  EXPECT_EQ(again.unchanged, trivy.size());
  EXPECT_EQ(again.created, 0u);
  EXPECT_THAT(again.results[0].message, HasSubstr("is not newer than the stored"));
}

TEST_P(StoreTest, OlderUpdatedAtIsIgnored) {
  const Json finding = AsrFinding("cis-4.1.finding.json");
  Import({finding});
  Json older = Later(finding, -3600);
  older["Title"] = "an older title";
  const ImportSummary summary = Import({older});
  EXPECT_EQ(summary.unchanged, 1u);
  EXPECT_EQ(Stored(finding)["Title"], finding["Title"]);
}

TEST_P(StoreTest, NewerUpdatedAtUpdates) {
  const Json finding = AsrFinding("cis-4.1.finding.json");
  Import({finding});
  Json newer = Later(finding, 3600);
  newer["Title"] = "a newer title";
  const ImportSummary summary = Import({newer});
  EXPECT_EQ(summary.updated, 1u);
  const Json stored = Stored(finding);
  EXPECT_EQ(stored["Title"], "a newer title");
  EXPECT_EQ(stored["UpdatedAt"], newer["UpdatedAt"]);
}

TEST_P(StoreTest, InvalidFindingFailsOthersStored) {
  std::vector<Json> batch = testing::UniqueByKey(TrivyAlpineFindings());
  batch.push_back(AsrFinding("cis-4.1.finding.json"));
  batch.push_back(AsrFinding("pci-kms.1.finding.json"));
  ASSERT_EQ(batch.size(), 4u);
  batch[1].erase("Resources");
  batch[2]["CreatedAt"] = "yesterday";
  const ImportSummary summary = Import(batch);
  EXPECT_EQ(summary.created, 2u);
  EXPECT_EQ(summary.failed, 2u);
  EXPECT_EQ(summary.results[1].outcome, ImportOutcome::kFailed);
  EXPECT_EQ(summary.results[1].error_code, "InvalidInput");
  EXPECT_THAT(summary.results[1].message, HasSubstr("$.Resources"));
  EXPECT_THAT(summary.results[2].message, HasSubstr("$.CreatedAt"));
  Stored(batch[0]);
  Stored(batch[3]);
  auto missing = store_->Get(KeyOf(batch[1]));
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreTest, NonObjectFindingFails) {
  const ImportSummary summary = Import({Json("not a finding"), Json::array()});
  EXPECT_EQ(summary.failed, 2u);
  EXPECT_THAT(summary.results[0].message, HasSubstr("must be a JSON object"));
}

TEST_P(StoreTest, InvalidUtf8FindingFails) {
  Json finding = TrivyAlpineFindings().at(0);
  finding["ProductFields"]["broken"] = std::string("caf\xc3");
  const ImportSummary summary = Import({finding, AsrFinding("cis-4.1.finding.json")});
  EXPECT_EQ(summary.failed, 1u);
  EXPECT_EQ(summary.created, 1u);
  EXPECT_EQ(summary.results[0].error_code, "InvalidInput");
  EXPECT_THAT(summary.results[0].message, HasSubstr("not valid UTF-8"));
}

// U+0000 cannot be stored in PostgreSQL, and SQLite's JSON functions end a string at it, so a
// filter would match the text before it. Such a finding, provider update or customer update
// fails alone, and the stored finding stays as it was.
TEST_P(StoreTest, NulCharacterFailsOnlyItsChange) {
  Json bad = AsrFinding("cis-1.3.finding.json");
  bad["Title"] = std::string("before\0after", 12);
  const Json good = AsrFinding("cis-4.1.finding.json");
  const ImportSummary created = Import({bad, good});
  EXPECT_EQ(created.created, 1u);
  ASSERT_EQ(created.failed, 1u);
  EXPECT_EQ(created.results[0].error_code, "InvalidInput");
  EXPECT_THAT(created.results[0].message, HasSubstr("U+0000"));

  Json newer = Later(good, 60);
  newer["Description"] = std::string("a\0b", 3);
  const ImportSummary updated = Import({newer});
  ASSERT_EQ(updated.failed, 1u);
  EXPECT_EQ(updated.results[0].error_code, "InvalidInput");

  FindingUpdate update = UpdateOf(good);
  update.note = NoteUpdate{std::string("paged\0owner", 11), "alice"};
  const UpdateSummary noted = Update(update);
  ASSERT_EQ(noted.unprocessed.size(), 1u);
  EXPECT_EQ(noted.unprocessed[0].error_code, "InvalidInput");
  EXPECT_EQ(Stored(good)["UpdatedAt"], good["UpdatedAt"]);
  EXPECT_FALSE(Stored(good).contains("Note"));
}

// The limit of 50 UserDefinedFields holds for the finding after the merge, so that a stored
// finding always passes the validation of an import.
TEST_P(StoreTest, UserDefinedFieldsLimitHoldsAfterMerge) {
  const Json finding = AsrFinding("cis-4.1.finding.json");
  Import({finding});
  FindingUpdate first = UpdateOf(finding);
  FindingUpdate second = UpdateOf(finding);
  first.user_defined_fields.emplace();
  second.user_defined_fields.emplace();
  for (int i = 0; i < 30; ++i) {
    (*first.user_defined_fields)["a" + std::to_string(i)] = "v";
    (*second.user_defined_fields)["b" + std::to_string(i)] = "v";
  }
  EXPECT_TRUE(Update(first).unprocessed.empty());
  const UpdateSummary over = Update(second);
  ASSERT_EQ(over.unprocessed.size(), 1u);
  EXPECT_EQ(over.unprocessed[0].error_code, "InvalidInput");
  EXPECT_THAT(over.unprocessed[0].error_message, HasSubstr("with 60 fields"));
  EXPECT_EQ(Stored(finding)["UserDefinedFields"].size(), 30u);
}

// A stored UpdatedAt in the future would make every later import look older and be ignored,
// so a time more than a day ahead of the store's clock fails.
TEST_P(StoreTest, UpdatedAtInFutureFails) {
  Json finding = AsrFinding("cis-4.1.finding.json");
  finding["UpdatedAt"] = FormatTimestamp(clock_.Now() + std::chrono::hours(25));
  const ImportSummary summary = Import({finding});
  ASSERT_EQ(summary.failed, 1u);
  EXPECT_EQ(summary.results[0].error_code, "InvalidInput");
  EXPECT_THAT(summary.results[0].message, HasSubstr("UpdatedAt"));
  EXPECT_THAT(summary.results[0].message, HasSubstr("more than a day after"));

  finding["UpdatedAt"] = FormatTimestamp(clock_.Now() + std::chrono::hours(23));
  EXPECT_EQ(Import({finding}).created, 1u);
}

TEST_P(StoreTest, OversizedFindingFails) {
  Json finding = TrivyAlpineFindings().at(0);
  // 3,000 reference addresses of 100 characters: every field valid, the whole over 240 KB.
  Json& urls = finding["Vulnerabilities"][0]["ReferenceUrls"];
  for (int i = 0; i < 3000; ++i) {
    urls.push_back("https://advisories.example.com/" + std::string(70, 'x'));
  }
  const ImportSummary summary = Import({finding});
  EXPECT_EQ(summary.failed, 1u);
  EXPECT_EQ(summary.results[0].error_code, "FindingSizeExceeded");
  EXPECT_THAT(summary.results[0].message, HasSubstr("the maximum is"));
}

TEST_P(StoreTest, ProviderUpdateRewritesResourceRows) {
  const Json finding = AsrFinding("afsbp-ec2.2.finding.json");  // an AwsEc2SecurityGroup
  Import({finding});
  Json moved = Later(finding, 60);
  moved["Resources"][0]["Type"] = "AwsEc2Instance";
  moved["Resources"][0]["Id"] = "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc";
  moved["Vulnerabilities"] = {{{"Id", "CVE-2024-3094"}}};
  EXPECT_EQ(Import({moved}).updated, 1u);

  auto count = [&](std::string_view field, std::string_view value) {
    auto filters = ParseFilters(StringFilter(field, value));
    EXPECT_TRUE(filters.has_value());
    auto counted = store_->Count(*filters);
    EXPECT_TRUE(counted.has_value());
    return counted ? *counted : -1;
  };
  EXPECT_EQ(count("ResourceType", "AwsEc2SecurityGroup"), 0);
  EXPECT_EQ(count("ResourceType", "AwsEc2Instance"), 1);
  EXPECT_EQ(count("ResourceId", "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc"), 1);
  EXPECT_EQ(count("VulnerabilitiesId", "CVE-2024-3094"), 1);

  Json fixed = Later(moved, 60);
  fixed.erase("Vulnerabilities");
  EXPECT_EQ(Import({fixed}).updated, 1u);
  EXPECT_EQ(count("VulnerabilitiesId", "CVE-2024-3094"), 0);
  EXPECT_EQ(count("ResourceType", "AwsEc2Instance"), 1);
}

TEST_P(StoreTest, ProviderUpdateKeepsCustomerFields) {
  const Json finding = AsrFinding("afsbp-ec2.1.finding.json");
  Import({finding});
  FindingUpdate update = UpdateOf(finding);
  update.workflow_status = "NOTIFIED";
  update.note = NoteUpdate{"paged the owner", "alice"};
  update.user_defined_fields = std::map<std::string, std::string>{{"ticket", "SEC-7"}};
  update.verification_state = "TRUE_POSITIVE";
  Update(update);

  Json newer = Later(finding, 60);
  newer["Workflow"] = {{"Status", "NEW"}};
  newer["Note"] = {
      {"Text", "from the provider"}, {"UpdatedBy", "scanner"}, {"UpdatedAt", newer["UpdatedAt"]}};
  newer["UserDefinedFields"] = {{"ticket", "none"}};
  newer["VerificationState"] = "FALSE_POSITIVE";
  EXPECT_EQ(Import({newer}).updated, 1u);

  const Json stored = Stored(finding);
  EXPECT_EQ(stored["Workflow"]["Status"], "NOTIFIED");
  EXPECT_EQ(stored["Note"]["Text"], "paged the owner");
  EXPECT_EQ(stored["UserDefinedFields"]["ticket"], "SEC-7");
  EXPECT_EQ(stored["VerificationState"], "TRUE_POSITIVE");
  EXPECT_EQ(stored["UpdatedAt"], newer["UpdatedAt"]);
}

TEST_P(StoreTest, CustomerSeverityWinsOverProviderUpdate) {
  const Json finding = TrivyAlpineFindings().at(0);  // MEDIUM
  Import({finding});
  FindingUpdate update = UpdateOf(finding);
  update.severity = SeverityUpdate{"LOW", std::nullopt, std::nullopt};
  update.types = std::vector<std::string>{"Effects/Data Exposure"};
  Update(update);

  Json newer = Later(finding, 60);
  newer["Severity"] = {{"Label", "CRITICAL"}};
  newer["Confidence"] = 90;
  EXPECT_EQ(Import({newer}).updated, 1u);

  const Json stored = Stored(finding);
  EXPECT_EQ(stored["Severity"]["Label"], "LOW");
  EXPECT_EQ(stored["Types"], Json::array({"Effects/Data Exposure"}));
  EXPECT_EQ(stored["FindingProviderFields"]["Severity"]["Label"], "CRITICAL");
  EXPECT_EQ(stored["FindingProviderFields"]["Types"], finding["Types"]);
  // The customer never set Confidence, so the provider's value reaches the top level.
  EXPECT_EQ(stored["Confidence"], 90);
  EXPECT_EQ(stored["FindingProviderFields"]["Confidence"], 90);
}

TEST_P(StoreTest, ProviderFieldsOnlyUpdateReachesTopLevel) {
  const Json finding = AsrFinding("cis-1.3.finding.json");  // carries FindingProviderFields
  Import({finding});
  Json newer = Later(finding, 60);
  newer.erase("Severity");
  newer["FindingProviderFields"]["Severity"] = {{"Label", "HIGH"}, {"Original", "HIGH"}};
  EXPECT_EQ(Import({newer}).updated, 1u);
  const Json stored = Stored(finding);
  EXPECT_EQ(stored["Severity"]["Label"], "HIGH");
  EXPECT_EQ(stored["Severity"]["Normalized"], 70);
}

TEST_P(StoreTest, ResolvedResetsWhenComplianceFailsAgain) {
  const Json finding = AsrFinding("afsbp-s3.2.finding.json");  // PASSED, RESOLVED
  ASSERT_EQ(finding["Compliance"]["Status"], "PASSED");
  Import({finding});
  ASSERT_EQ(Stored(finding)["Workflow"]["Status"], "RESOLVED");
  Json failing = Later(finding, 60);
  failing["Compliance"]["Status"] = "FAILED";
  Import({failing});
  EXPECT_EQ(Stored(finding)["Workflow"]["Status"], "NEW");
}

TEST_P(StoreTest, NotifiedResetsWhenUnarchived) {
  Json finding = AsrFinding("cis-4.1.finding.json");
  finding["RecordState"] = "ARCHIVED";
  Import({finding});
  FindingUpdate update = UpdateOf(finding);
  update.workflow_status = "NOTIFIED";
  Update(update);
  Json active = Later(finding, 60);
  active["RecordState"] = "ACTIVE";
  Import({active});
  EXPECT_EQ(Stored(finding)["Workflow"]["Status"], "NEW");
}

TEST_P(StoreTest, SuppressedNeverResets) {
  const Json finding = AsrFinding("afsbp-s3.2.finding.json");
  Import({finding});
  FindingUpdate update = UpdateOf(finding);
  update.workflow_status = "SUPPRESSED";
  Update(update);
  Json failing = Later(finding, 60);
  failing["Compliance"]["Status"] = "FAILED";
  failing["RecordState"] = "ACTIVE";
  Import({failing});
  EXPECT_EQ(Stored(finding)["Workflow"]["Status"], "SUPPRESSED");
}

TEST_P(StoreTest, CustomerUpdateKeepsUpdatedAtAndRecordsWho) {
  const Json finding = AsrFinding("afsbp-iam.8.finding.json");
  Import({finding});
  clock_.Advance(std::chrono::hours(2));
  FindingUpdate update = UpdateOf(finding);
  update.workflow_status = "RESOLVED";
  update.note = NoteUpdate{"access keys rotated", "bob"};
  update.criticality = 80;
  const UpdateSummary summary = Update(update, "bob@bank.example");
  ASSERT_EQ(summary.processed.size(), 1u);
  EXPECT_TRUE(summary.unprocessed.empty());

  const Json stored = Stored(finding);
  EXPECT_EQ(stored["UpdatedAt"], finding["UpdatedAt"]);
  EXPECT_EQ(stored["Workflow"]["Status"], "RESOLVED");
  EXPECT_EQ(stored["Note"]["UpdatedBy"], "bob");
  EXPECT_EQ(stored["Note"]["UpdatedAt"], FormatTimestamp(clock_.Now()));
  EXPECT_EQ(stored["Criticality"], 80);

  auto history = store_->History(KeyOf(finding));
  ASSERT_TRUE(history.has_value()) << history.status().ToString();
  ASSERT_EQ(history->size(), 2u);
  const HistoryRecord& record = history->back();
  EXPECT_EQ(record.source, UpdateSource::kBatchUpdateFindings);
  EXPECT_EQ(record.identity, "bob@bank.example");
  EXPECT_EQ(record.update_time, clock_.Now());
  EXPECT_FALSE(record.finding_created);
  std::vector<std::string> fields;
  for (const FieldChange& change : record.updates) {
    fields.push_back(change.field);
  }
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("Criticality", "Note", "Workflow.Status"));
}

TEST_P(StoreTest, UpdateReportsUnprocessedFindings) {
  const Json finding = AsrFinding("afsbp-ec2.2.finding.json");
  Import({finding});
  FindingUpdate update = UpdateOf(finding);
  update.finding_identifiers.push_back({"no-such-id", finding["ProductArn"]});
  update.finding_identifiers.push_back(update.finding_identifiers.front());
  update.workflow_status = "NOTIFIED";
  const UpdateSummary summary = Update(update);
  ASSERT_EQ(summary.processed.size(), 1u);
  ASSERT_EQ(summary.unprocessed.size(), 2u);
  EXPECT_EQ(summary.unprocessed[0].error_code, "FindingNotFound");
  EXPECT_EQ(summary.unprocessed[0].key.id, "no-such-id");
  EXPECT_THAT(summary.unprocessed[0].error_message, HasSubstr("no-such-id"));
  EXPECT_EQ(summary.unprocessed[1].error_code, "DuplicatedFindingIdentifier");
}

TEST_P(StoreTest, InvalidUpdateChangesNothing) {
  const Json finding = AsrFinding("afsbp-ec2.2.finding.json");
  Import({finding});
  FindingUpdate update = UpdateOf(finding);
  update.workflow_status = "DONE";
  auto summary = store_->Update(update, "alice");
  ASSERT_FALSE(summary.has_value());
  EXPECT_THAT(summary.status().message(), HasSubstr("\"DONE\" is not one of"));
  EXPECT_EQ(Stored(finding)["Workflow"]["Status"], "NEW");

  FindingUpdate empty = UpdateOf(finding);
  auto nothing = store_->Update(empty, "alice");
  ASSERT_FALSE(nothing.has_value());
  EXPECT_THAT(nothing.status().message(), HasSubstr("changes no field"));
}

TEST_P(StoreTest, ParsesBatchUpdateFindingsRequest) {
  const Json finding = AsrFinding("pci-kms.1.finding.json");
  Import({finding});
  const Json request = {
      {"FindingIdentifiers", {{{"Id", finding["Id"]}, {"ProductArn", finding["ProductArn"]}}}},
      {"Workflow", {{"Status", "SUPPRESSED"}}},
      {"Severity", {{"Label", "HIGH"}}},
      {"RelatedFindings", {{{"Id", "other"}, {"ProductArn", finding["ProductArn"]}}}}};
  auto update = ParseFindingUpdate(request);
  ASSERT_TRUE(update.has_value()) << update.status().ToString();
  Update(*update);
  const Json stored = Stored(finding);
  EXPECT_EQ(stored["Workflow"]["Status"], "SUPPRESSED");
  EXPECT_EQ(stored["Severity"]["Label"], "HIGH");
  EXPECT_EQ(stored["Severity"]["Normalized"], 70);
  EXPECT_EQ(stored["RelatedFindings"][0]["Id"], "other");

  auto bad = ParseFindingUpdate(Json{{"FindingIdentifiers", {{{"Id", 5}}}}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.status().message(), HasSubstr("$.FindingIdentifiers[0].Id"));
}

TEST_P(StoreTest, HistoryRecordsImportChanges) {
  const Json finding = AsrFinding("cis-4.1.finding.json");
  Import({finding}, "ingest cis-4.1.finding.json");
  Json newer = Later(finding, 60);
  newer["Compliance"]["Status"] = "PASSED";
  clock_.Advance(std::chrono::minutes(5));
  Import({newer});

  auto history = store_->History(KeyOf(finding));
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_TRUE((*history)[0].finding_created);
  EXPECT_EQ((*history)[0].identity, "ingest cis-4.1.finding.json");
  EXPECT_EQ((*history)[0].source, UpdateSource::kBatchImportFindings);
  const HistoryRecord& update = (*history)[1];
  EXPECT_EQ(update.identity, finding["ProductArn"]);
  EXPECT_EQ(update.update_time, clock_.Now());
  std::map<std::string, FieldChange> changes;
  for (const FieldChange& change : update.updates) {
    changes.emplace(change.field, change);
  }
  ASSERT_TRUE(changes.count("Compliance.Status"));
  EXPECT_EQ(changes["Compliance.Status"].old_value, "FAILED");
  EXPECT_EQ(changes["Compliance.Status"].new_value, "PASSED");
  ASSERT_TRUE(changes.count("UpdatedAt"));
  EXPECT_EQ(changes.count("ProcessedAt"), 0u);

  auto missing = store_->History({"arn:none", "none"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, HistoryCreationNamesProvider) {
  const Json finding = AsrFinding("afsbp-ec2.1.finding.json");
  const TimePoint created = clock_.Now();
  Import({finding});
  clock_.Advance(std::chrono::minutes(1));

  auto history = store_->History(KeyOf(finding));
  ASSERT_TRUE(history.has_value()) << history.status().ToString();
  ASSERT_EQ(history->size(), 1u);
  EXPECT_TRUE((*history)[0].finding_created);
  EXPECT_EQ((*history)[0].identity, finding["ProductArn"]);
  EXPECT_EQ((*history)[0].update_time, created);
  EXPECT_EQ((*history)[0].source, UpdateSource::kBatchImportFindings);
  EXPECT_TRUE((*history)[0].updates.empty());
}

TEST_P(StoreTest, UnchangedImportWritesNoHistoryOrEvent) {
  const Json finding = AsrFinding("cis-4.1.finding.json");
  Import({finding});
  Import({finding});
  EXPECT_EQ(store_->History(KeyOf(finding))->size(), 1u);
  EXPECT_EQ(Events().size(), 1u);
}

TEST_P(StoreTest, OutboxEventHasEventBridgeShape) {
  const Json trivy = TrivyAlpineFindings().at(0);
  const Json control = AsrFinding("afsbp-ec2.1.finding.json");
  Import({trivy, control});
  const auto events = Events();
  ASSERT_EQ(events.size(), 2u);

  const Json& first = events[0];
  EXPECT_EQ(first["version"], "0");
  EXPECT_EQ(first["detail-type"], "Security Hub Findings - Imported");
  EXPECT_EQ(first["source"], "rampart");
  EXPECT_EQ(first["account"], "123456789012");
  EXPECT_EQ(first["region"], "test-region");
  EXPECT_EQ(first["time"], "2026-09-21T14:13:20Z");
  EXPECT_EQ(first["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(first["id"].get<std::string>()[14], '4');
  ASSERT_EQ(first["resources"].size(), 1u);
  EXPECT_EQ(first["resources"][0],
            trivy["ProductArn"].get<std::string>() + "/" + trivy["Id"].get<std::string>());
  ASSERT_EQ(first["detail"]["findings"].size(), 1u);
  EXPECT_EQ(first["detail"]["findings"][0], Stored(trivy));

  const Json& second = events[1];
  EXPECT_EQ(second["source"], "aws.securityhub");
  EXPECT_EQ(second["account"], "111111111111");
  EXPECT_EQ(second["region"], "us-east-1");
  EXPECT_NE(second["id"], first["id"]);
}

TEST_P(StoreTest, EveryAcceptedChangeWritesAnEvent) {
  const Json finding = AsrFinding("pci-s3.1.finding.json");
  Import({finding});
  Import({Later(finding, 60)});
  FindingUpdate update = UpdateOf(finding);
  update.workflow_status = "NOTIFIED";
  Update(update);
  const auto events = Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2]["detail"]["findings"][0]["Workflow"]["Status"], "NOTIFIED");
}

TEST_P(StoreTest, ClaimAndDeliverEvents) {
  std::vector<Json> batch = testing::UniqueByKey(TrivyAlpineFindings());
  batch.push_back(AsrFinding("cis-4.1.finding.json"));
  batch.push_back(AsrFinding("pci-kms.1.finding.json"));
  ASSERT_EQ(batch.size(), 4u);
  Import(batch);
  auto first = store_->ClaimEvents("worker-a", 3, std::chrono::seconds(30));
  ASSERT_TRUE(first.has_value()) << first.status().ToString();
  ASSERT_EQ(first->size(), 3u);
  EXPECT_LT((*first)[0].sequence, (*first)[1].sequence);

  auto second = store_->ClaimEvents("worker-b", 10, std::chrono::seconds(30));
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_GT((*second)[0].sequence, (*first)[2].sequence);

  std::vector<std::int64_t> delivered = {(*first)[0].sequence, (*first)[1].sequence};
  ASSERT_TRUE(store_->MarkDelivered(delivered).ok());

  // worker-a's lease on its third event expires, so it becomes claimable again.
  clock_.Advance(std::chrono::seconds(31));
  auto again = store_->ClaimEvents("worker-c", 10, std::chrono::seconds(30));
  ASSERT_TRUE(again.has_value());
  std::vector<std::int64_t> reclaimed;
  for (const OutboxEvent& event : *again) {
    reclaimed.push_back(event.sequence);
  }
  EXPECT_THAT(reclaimed, ::testing::ElementsAre((*first)[2].sequence, (*second)[0].sequence));

  auto read = store_->ReadEvents((*first)[0].sequence, 100);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->size(), 3u);
}

TEST_P(StoreTest, PruneDeliveredKeepsSequencesGrowing) {
  std::vector<Json> batch = testing::UniqueByKey(TrivyAlpineFindings());
  batch.push_back(AsrFinding("cis-4.1.finding.json"));
  batch.push_back(AsrFinding("pci-kms.1.finding.json"));
  Import(batch);
  auto events = store_->ReadEvents(0, 100);
  ASSERT_TRUE(events.has_value());
  std::vector<std::int64_t> all;
  for (const OutboxEvent& event : *events) {
    all.push_back(event.sequence);
  }
  ASSERT_TRUE(store_->MarkDelivered(std::span(all).first(2)).ok());
  clock_.Advance(std::chrono::hours(1));
  auto pruned = store_->PruneDelivered(clock_.Now());
  ASSERT_TRUE(pruned.has_value());
  EXPECT_EQ(*pruned, 2);
  EXPECT_EQ(store_->ReadEvents(0, 100)->size(), 2u);

  Import({Later(TrivyAlpineFindings().at(0), 60)});
  auto after = store_->ReadEvents(all.back(), 100);
  ASSERT_TRUE(after.has_value());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_GT((*after)[0].sequence, all.back());
}

TEST_P(StoreTest, ReopenKeepsEverything) {
  Import(testing::AllAsrFindings());
  const auto expected = testing::UniqueByKey(testing::AllAsrFindings()).size();
  store_.reset();
  auto reopened = database_.Open();
  ASSERT_TRUE(reopened.has_value()) << reopened.status().ToString();
  auto count = (*reopened)->Count(Filters{});
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, static_cast<std::int64_t>(expected));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing::StoreBackends()),
                         testing::BackendName);

// Note.Text may have 512 characters, not 512 bytes: 300 accented letters are 600 bytes.
TEST(FindingUpdateLimits, NoteCountsCharacters) {
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "\xC3\xA9";  // U+00E9
  }
  const Json request = {{"FindingIdentifiers", {{{"Id", "a"}, {"ProductArn", "arn:p"}}}},
                        {"Note", {{"Text", text}, {"UpdatedBy", "ops"}}}};
  auto update = ParseFindingUpdate(request);
  ASSERT_TRUE(update.has_value()) << update.status().ToString();
  EXPECT_TRUE(ValidateFindingUpdate(*update).ok()) << ValidateFindingUpdate(*update).ToString();
  update->note->text = text + text;  // 600 characters
  EXPECT_FALSE(ValidateFindingUpdate(*update).ok());
}

// BatchUpdateFindings takes Types in the same five namespaces as a finding.
TEST(FindingUpdateLimits, TypesNeedAsffNamespace) {
  const Json request = {{"FindingIdentifiers", {{{"Id", "a"}, {"ProductArn", "arn:p"}}}},
                        {"Types", {"TTPs/Discovery", "Vulnerabilities/CVE"}}};
  auto update = ParseFindingUpdate(request);
  ASSERT_TRUE(update.has_value()) << update.status().ToString();
  const Status status = ValidateFindingUpdate(*update);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(
      status.message(),
      ::testing::StartsWith("$.Types[1]: \"Vulnerabilities/CVE\" is not in an ASFF namespace"));
  update->types = {"TTPs/Discovery", "Effects/Data Exposure"};
  EXPECT_TRUE(ValidateFindingUpdate(*update).ok()) << ValidateFindingUpdate(*update).ToString();
}

// ASFF's Note.Text has at least one character, and a blank note carries no text either.
TEST(FindingUpdateLimits, EmptyNoteTextRejected) {
  for (const char* text : {"", "  \t"}) {
    SCOPED_TRACE(text);
    const Json request = {{"FindingIdentifiers", {{{"Id", "a"}, {"ProductArn", "arn:p"}}}},
                          {"Note", {{"Text", text}, {"UpdatedBy", "ops"}}}};
    auto update = ParseFindingUpdate(request);
    ASSERT_TRUE(update.has_value()) << update.status().ToString();
    const Status status = ValidateFindingUpdate(*update);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(),
                ::testing::StartsWith(fmt::format("$.Note.Text: the note text must not be {}",
                                                  *text == '\0' ? "empty" : "blank")));
    EXPECT_THAT(status.message(), HasSubstr("1 to 512 characters"));
    EXPECT_THAT(status.message(), HasSubstr("leave Note out"));
  }
}

}  // namespace
}  // namespace rampart::store
