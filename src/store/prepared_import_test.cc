// ImportPrepared against Import on every backend: the same batches, imported one way into one
// database and the other way into a second, give the same results, documents and history.
#include <gtest/gtest.h>

#include "store/test_support.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

using testing::AsrFinding;
using testing::KeyOf;
using testing::Later;
using testing::TrivyAlpineFindings;

// The batches of the comparison: real findings, with duplicates, invalid and oversized ones,
// then newer, equal and older versions, and provider Severities that differ from the top one.
std::vector<std::vector<Json>> Batches() {
  std::vector<Json> first = TrivyAlpineFindings();  // two of its findings share an Id
  for (const Json& finding : testing::AllAsrFindings()) {
    first.push_back(finding);
  }
  Json invalid = AsrFinding("cis-4.1.finding.json");
  invalid["Id"] = "invalid-created-at";
  invalid["CreatedAt"] = "yesterday";
  first.push_back(invalid);
  first.push_back(Json("not a finding"));
  Json oversized = TrivyAlpineFindings().at(0);
  oversized["Id"] = "oversized";
  oversized["ProductFields"]["padding"] = std::string(300 * 1024, 'x');
  first.push_back(oversized);
  Json broken = TrivyAlpineFindings().at(0);
  broken["Id"] = "broken-utf8";
  broken["ProductFields"]["broken"] = std::string("caf\xc3");
  first.push_back(broken);

  std::vector<Json> second;
  Json newer = Later(AsrFinding("cis-4.1.finding.json"), 3600);
  newer["Title"] = "a newer title";
  newer["FindingProviderFields"]["Severity"] = {{"Label", "CRITICAL"}, {"Original", "9.8"}};
  second.push_back(newer);
  second.push_back(Later(AsrFinding("pci-kms.1.finding.json"), -3600));  // older
  second.push_back(TrivyAlpineFindings().at(1));                         // the same
  Json rescanned = Later(TrivyAlpineFindings().at(2), 60);               // prepared, then found
  rescanned["Title"] = "a rescanned title";
  second.push_back(rescanned);
  Json layered = Later(TrivyAlpineFindings().at(0), 60);
  layered["Id"] = "new-with-provider-severity";
  layered["FindingProviderFields"]["Severity"] = {{"Label", "LOW"}, {"Original", "2.0"}};
  second.push_back(layered);
  second.push_back(layered);  // twice in one batch: created, then unchanged
  return {first, second};
}

class PreparedImportTest : public ::testing::TestWithParam<testing::TestBackend> {
 protected:
  void SetUp() override {
    RAMPART_REQUIRE_SHARED_DATA();
    for (auto* database : {&plain_database_, &prepared_database_}) {
      ASSERT_TRUE(database->status().ok()) << database->status().ToString();
    }
    auto plain = plain_database_.Open({.clock = &clock_, .random_seed = 7});
    auto prepared = prepared_database_.Open({.clock = &clock_, .random_seed = 7});
    ASSERT_TRUE(plain.has_value()) << plain.status().ToString();
    ASSERT_TRUE(prepared.has_value()) << prepared.status().ToString();
    plain_ = std::move(*plain);
    prepared_ = std::move(*prepared);
  }

  // Imports `batch` both ways, each finding at "$.Findings[i]", whose failure messages must
  // name that path.
  ImportSummary ImportBothWays(const std::vector<Json>& batch) {
    ImportOptions options{"ci"};
    std::vector<PreparedFinding> findings;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      options.paths.push_back(JsonPathIndex("$.Findings", i));
      findings.push_back(PrepareFinding(batch[i], clock_.Now(), options.paths.back()));
    }
    std::vector<PreparedFinding*> pointers;
    for (PreparedFinding& finding : findings) {
      pointers.push_back(&finding);
    }
    auto expected = plain_->Import(batch, options);
    auto actual = prepared_->ImportPrepared(pointers, {"ci"});
    EXPECT_TRUE(expected.has_value()) << expected.status().ToString();
    EXPECT_TRUE(actual.has_value()) << actual.status().ToString();
    if (!expected || !actual) {
      return {};
    }
    EXPECT_EQ(actual->created, expected->created);
    EXPECT_EQ(actual->updated, expected->updated);
    EXPECT_EQ(actual->unchanged, expected->unchanged);
    EXPECT_EQ(actual->failed, expected->failed);
    EXPECT_EQ(actual->results.size(), expected->results.size());
    for (std::size_t i = 0; i < actual->results.size() && i < expected->results.size(); ++i) {
      const ImportResult& got = actual->results[i];
      const ImportResult& want = expected->results[i];
      EXPECT_EQ(got.key, want.key) << "finding " << i;
      EXPECT_EQ(got.outcome, want.outcome) << "finding " << i;
      EXPECT_EQ(got.error_code, want.error_code) << "finding " << i;
      EXPECT_EQ(got.message, want.message) << "finding " << i;
      if (want.outcome == ImportOutcome::kFailed) {
        EXPECT_NE(want.message.find(options.paths[i]), std::string::npos) << want.message;
      }
    }
    return *expected;
  }

  void ExpectSameStored(const FindingKey& key) {
    auto expected = plain_->Get(key);
    auto actual = prepared_->Get(key);
    ASSERT_TRUE(expected.has_value());
    ASSERT_TRUE(actual.has_value());
    EXPECT_EQ(*actual, *expected) << key.id;
    auto expected_history = plain_->History(key);
    auto actual_history = prepared_->History(key);
    ASSERT_EQ(expected_history.has_value(), actual_history.has_value()) << key.id;
    if (expected_history) {
      ASSERT_EQ(actual_history->size(), expected_history->size()) << key.id;
      for (std::size_t i = 0; i < actual_history->size(); ++i) {
        EXPECT_EQ(FieldChangesJson((*actual_history)[i].updates),
                  FieldChangesJson((*expected_history)[i].updates))
            << key.id;
      }
    }
  }

  testing::TestDatabase plain_database_{GetParam()};
  testing::TestDatabase prepared_database_{GetParam()};
  FakeClock clock_{FromUnixMicros(1'790'000'000'000'000)};
  std::unique_ptr<FindingStore> plain_;
  std::unique_ptr<FindingStore> prepared_;
};

TEST_P(PreparedImportTest, MatchesPlainImport) {
  std::vector<FindingKey> keys;
  std::size_t created = 0;
  std::size_t updated = 0;
  for (const std::vector<Json>& batch : Batches()) {
    const ImportSummary summary = ImportBothWays(batch);
    created += summary.created;
    updated += summary.updated;
    for (const ImportResult& result : summary.results) {
      if (!result.key.id.empty()) {
        keys.push_back(result.key);
      }
    }
    clock_.Advance(std::chrono::minutes(5));
  }
  // The comparison covers every path: creations, updates, failures and unchanged findings.
  EXPECT_GE(created, 5u);
  EXPECT_EQ(updated, 2u);
  for (const FindingKey& key : keys) {
    ExpectSameStored(key);
  }
  auto layered =
      prepared_->Get({TrivyAlpineFindings().at(0)["ProductArn"], "new-with-provider-severity"});
  ASSERT_TRUE(layered.has_value());
  ASSERT_TRUE(layered->has_value());
  EXPECT_EQ((**layered)["Severity"]["Label"], "LOW");  // the provider's, for a new finding
}

TEST(PrepareFindingTest, CompletesNewFinding) {
  RAMPART_REQUIRE_SHARED_DATA();
  const PreparedFinding prepared =
      PrepareFinding(TrivyAlpineFindings().at(0), FromUnixMicros(1'790'000'000'000'000));
  ASSERT_TRUE(prepared.ready);
  EXPECT_EQ(prepared.finding["Workflow"]["Status"], "NEW");
  EXPECT_EQ(prepared.finding["ProcessedAt"], "2026-09-21T14:13:20.000Z");
  EXPECT_EQ(Json::parse(prepared.text), prepared.finding);
}

TEST(PrepareFindingTest, LeavesUnpreparedAlone) {
  RAMPART_REQUIRE_SHARED_DATA();
  EXPECT_FALSE(PrepareFinding(Json::array(), {}).ready);

  Json invalid = TrivyAlpineFindings().at(0);
  invalid.erase("Resources");
  EXPECT_FALSE(PrepareFinding(invalid, {}).ready);

  // A new finding takes the provider's Severity and an update keeps the top-level one, so
  // the finding stays as received until the store has looked it up.
  Json both = TrivyAlpineFindings().at(0);
  both["FindingProviderFields"]["Severity"] = {{"Label", "LOW"}, {"Original", "2.0"}};
  const PreparedFinding prepared = PrepareFinding(both, {});
  EXPECT_FALSE(prepared.ready);
  EXPECT_EQ(prepared.finding, both);
}

INSTANTIATE_TEST_SUITE_P(Backends, PreparedImportTest,
                         ::testing::ValuesIn(testing::StoreBackends()), testing::BackendName);

}  // namespace
}  // namespace rampart::store
