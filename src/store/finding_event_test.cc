// The events of finding changes, on every backend: their texts must stay what they were when
// the change was made, whatever happens to the finding later. The SQLite outbox stores them
// as references to the finding's row, the PostgreSQL outbox as whole texts.
#include <gtest/gtest.h>

#include <map>

#include "store/event.h"
#include "store/json_writer.h"
#include "store/test_support.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

using testing::AsrFinding;
using testing::KeyOf;
using testing::Later;

class FindingEventTest : public ::testing::TestWithParam<testing::TestBackend> {
 protected:
  void SetUp() override {
    RAMPART_REQUIRE_SHARED_DATA();
    auto store = database_.Open({.clock = &clock_, .random_seed = 5});
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void Import(std::vector<Json> findings) {
    auto summary = store_->Import(std::move(findings), {});
    ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
    ASSERT_EQ(summary->failed, 0u);
  }

  std::vector<OutboxEvent> Events() {
    auto events = store_->ReadEvents(0, 1000);
    EXPECT_TRUE(events.has_value()) << events.status().ToString();
    return events ? *events : std::vector<OutboxEvent>{};
  }

  // Returns the event that the store wrote before the compact outbox rows, for the finding
  // as stored now.
  std::string ExpectedEvent(const Json& finding, const OutboxEvent& event) {
    auto stored = store_->Get(KeyOf(finding));
    EXPECT_TRUE(stored.has_value()) << stored.status().ToString();
    EXPECT_TRUE(stored && stored->has_value()) << "not stored: " << finding["Id"];
    const Json document = stored && *stored ? **stored : Json();
    std::string text;
    EXPECT_TRUE(WriteJson(document, text));
    return BuildImportedEvent(document, text, event.event_id, event.created_at);
  }

  testing::TestDatabase database_{GetParam()};
  FakeClock clock_{FromUnixMicros(1'790'000'000'250'000)};
  std::unique_ptr<FindingStore> store_;
};

TEST_P(FindingEventTest, EventKeepsDocumentOfItsChange) {
  const Json finding = AsrFinding("cis-4.1.finding.json");
  Import({finding});
  const std::vector<OutboxEvent> created = Events();
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].event, ExpectedEvent(finding, created[0]));

  clock_.Advance(std::chrono::minutes(2));
  Json newer = Later(finding, 60);
  newer["Compliance"]["Status"] = "PASSED";
  Import({newer});
  const std::vector<OutboxEvent> updated = Events();
  ASSERT_EQ(updated.size(), 2u);
  EXPECT_EQ(updated[0].event, created[0].event);
  EXPECT_EQ(updated[1].event, ExpectedEvent(finding, updated[1]));

  clock_.Advance(std::chrono::minutes(2));
  FindingUpdate update;
  update.finding_identifiers = {{finding["Id"], finding["ProductArn"]}};
  update.workflow_status = "NOTIFIED";
  auto summary = store_->Update(update, "alice");
  ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
  const std::vector<OutboxEvent> notified = Events();
  ASSERT_EQ(notified.size(), 3u);
  EXPECT_EQ(notified[0].event, created[0].event);
  EXPECT_EQ(notified[1].event, updated[1].event);
  EXPECT_EQ(notified[2].event, ExpectedEvent(finding, notified[2]));
  EXPECT_EQ(Json::parse(notified[1].event)["detail"]["findings"][0]["Compliance"]["Status"],
            "PASSED");
  EXPECT_EQ(Json::parse(notified[2].event)["detail"]["findings"][0]["Workflow"]["Status"],
            "NOTIFIED");
}

TEST_P(FindingEventTest, ClaimedTextEqualsReadText) {
  const Json finding = AsrFinding("pci-kms.1.finding.json");
  Import({finding});
  Import({Later(finding, 60)});
  const std::vector<OutboxEvent> read = Events();
  auto claimed = store_->ClaimEvents("worker", 10, std::chrono::seconds(30));
  ASSERT_TRUE(claimed.has_value()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), read.size());
  for (std::size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ((*claimed)[i].sequence, read[i].sequence);
    EXPECT_EQ((*claimed)[i].event_id, read[i].event_id);
    EXPECT_EQ((*claimed)[i].created_at, read[i].created_at);
    EXPECT_EQ((*claimed)[i].event, read[i].event);
  }
}

TEST_P(FindingEventTest, CreateAndUpdateInOneBatch) {
  const Json finding = AsrFinding("afsbp-rds.1.finding.json");
  Json newer = Later(finding, 60);
  newer["Title"] = "a newer title";
  Import({finding, newer});
  const std::vector<OutboxEvent> events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(Json::parse(events[0].event)["detail"]["findings"][0]["Title"], finding["Title"]);
  EXPECT_EQ(Json::parse(events[1].event)["detail"]["findings"][0]["Title"], "a newer title");
}

// Region goes into the envelope from the stored document: escapes must come out as they
// did when the event copied the finding.
TEST_P(FindingEventTest, RegionWithEscapesInEnvelope) {
  Json finding = AsrFinding("afsbp-s3.2.finding.json");
  finding["Region"] = "eu-west-1 \"quoted\" back\\slash tab\t \u00e9t\u00e9 \xe2\x82\xac";
  Import({finding});
  const std::vector<OutboxEvent> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, ExpectedEvent(finding, events[0]));
  EXPECT_EQ(Json::parse(events[0].event)["region"], finding["Region"]);
}

TEST_P(FindingEventTest, RegionNotAStringIsEmpty) {
  Json finding = AsrFinding("afsbp-s3.2.finding.json");
  finding["Region"] = Json::object({{"name", "eu-west-1"}});
  Import({finding});
  const std::vector<OutboxEvent> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, ExpectedEvent(finding, events[0]));
  EXPECT_EQ(Json::parse(events[0].event)["region"], "");
}

TEST_P(FindingEventTest, PrunedEventIsNotWrittenOut) {
  const Json finding = AsrFinding("cis-1.3.finding.json");
  Import({finding});
  const std::vector<OutboxEvent> created = Events();
  ASSERT_EQ(created.size(), 1u);
  ASSERT_TRUE(store_->MarkDelivered(std::vector<std::int64_t>{created[0].sequence}).ok());
  clock_.Advance(std::chrono::hours(1));
  auto pruned = store_->PruneDelivered(clock_.Now());
  ASSERT_TRUE(pruned.has_value()) << pruned.status().ToString();
  ASSERT_EQ(*pruned, 1);

  Import({Later(finding, 60)});
  const std::vector<OutboxEvent> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_GT(events[0].sequence, created[0].sequence);
  EXPECT_EQ(events[0].event, ExpectedEvent(finding, events[0]));
}

// 150 findings and three updates in one batch. On SQLite the rows wait in batches of 64, and
// an update of a finding whose rows are still waiting inserts them first. On PostgreSQL the
// updates find the findings that the same batch created.
TEST_P(FindingEventTest, LargeBatchWithUpdates) {
  const std::vector<Json> templates = testing::TrivyAlpineFindings();
  std::vector<Json> originals;
  for (int i = 0; i < 150; ++i) {
    Json finding = templates[static_cast<std::size_t>(i) % templates.size()];
    finding["Id"] = "batch-finding-" + std::to_string(i);
    finding["Resources"][0]["Id"] = "image-" + std::to_string(i % 10);
    originals.push_back(std::move(finding));
  }
  const auto updated = [&](int target) {
    Json newer = Later(originals[static_cast<std::size_t>(target)], 60);
    newer["Title"] = "updated in the batch";
    return newer;
  };
  // Finding 10 was inserted before its update; 130 and 148 are still waiting.
  std::vector<Json> batch(originals.begin(), originals.begin() + 100);
  batch.push_back(updated(10));
  batch.insert(batch.end(), originals.begin() + 100, originals.begin() + 140);
  batch.push_back(updated(130));
  batch.insert(batch.end(), originals.begin() + 140, originals.end());
  batch.push_back(updated(148));
  auto summary = store_->Import(batch, {});
  ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
  EXPECT_EQ(summary->created, 150u);
  EXPECT_EQ(summary->updated, 3u);
  EXPECT_EQ(summary->failed, 0u);

  auto count = store_->Count(Filters{});
  ASSERT_TRUE(count.has_value()) << count.status().ToString();
  EXPECT_EQ(*count, 150);

  const std::vector<OutboxEvent> events = Events();
  ASSERT_EQ(events.size(), 153u);
  std::map<std::string, std::vector<std::string>> titles;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(events[i].sequence, events[i - 1].sequence);
    }
    const Json finding = Json::parse(events[i].event)["detail"]["findings"][0];
    titles[finding["Id"]].push_back(finding["Title"]);
  }
  ASSERT_EQ(titles.size(), 150u);
  for (const int target : {10, 130, 148}) {
    const std::string id = "batch-finding-" + std::to_string(target);
    ASSERT_EQ(titles[id].size(), 2u) << id;
    EXPECT_NE(titles[id][0], "updated in the batch") << id;
    EXPECT_EQ(titles[id][1], "updated in the batch") << id;
    auto history = store_->History({batch[0]["ProductArn"], id});
    ASSERT_TRUE(history.has_value()) << history.status().ToString();
    EXPECT_EQ(history->size(), 2u) << id;
  }

  Filters by_image;
  auto parsed = ParseFilters(
      Json::parse(R"({"ResourceId": [{"Value": "image-3", "Comparison": "EQUALS"}]})"));
  ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
  auto matched = store_->Count(*parsed);
  ASSERT_TRUE(matched.has_value()) << matched.status().ToString();
  EXPECT_EQ(*matched, 15);
}

INSTANTIATE_TEST_SUITE_P(Backends, FindingEventTest, ::testing::ValuesIn(testing::StoreBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace rampart::store
