// A child process imports batches and reports each one after Import returns. The parent
// kills it with SIGKILL at an arbitrary moment and checks that every reported batch is
// stored. The test repeats this, so recovery after a kill is itself followed by more kills.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <set>

#include <gtest/gtest.h>

#include "store/sqlite_finding_store.h"
#include "store/test_support.h"

namespace rampart::store {
namespace {

constexpr int kBatchSize = 50;
constexpr int kReportsBeforeKill = 15;
constexpr int kRounds = 3;

std::vector<Json> Batch(const std::vector<Json>& templates, int round, int batch) {
  std::vector<Json> findings;
  for (int i = 0; i < kBatchSize; ++i) {
    Json finding = templates[i % templates.size()];
    finding["Id"] = "round-" + std::to_string(round) + "/batch-" + std::to_string(batch) + "/" +
                    std::to_string(i);
    findings.push_back(std::move(finding));
  }
  return findings;
}

// Runs in the child: imports batches forever, writing each committed batch number to `fd`.
[[noreturn]] void ImportUntilKilled(const std::string& path, const std::vector<Json>& templates,
                                    int round, int fd) {
  auto store = SqliteFindingStore::Open(path);
  if (!store) {
    _exit(3);
  }
  for (std::int32_t batch = 0;; ++batch) {
    auto summary = (*store)->Import(Batch(templates, round, batch), {});
    if (!summary || summary->created != kBatchSize) {
      _exit(4);
    }
    if (write(fd, &batch, sizeof batch) != sizeof batch) {
      _exit(5);
    }
  }
}

std::vector<std::int32_t> RunAndKill(const std::string& path, const std::vector<Json>& templates,
                                     int round) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    ImportUntilKilled(path, templates, round, fds[1]);
  }
  close(fds[1]);
  std::vector<std::int32_t> reported;
  std::int32_t batch = 0;
  while (reported.size() < kReportsBeforeKill &&
         read(fds[0], &batch, sizeof batch) == sizeof batch) {
    reported.push_back(batch);
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status))
      << "the importer exited early with status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  // Reports written before the kill are still in the pipe.
  while (read(fds[0], &batch, sizeof batch) == sizeof batch) {
    reported.push_back(batch);
  }
  close(fds[0]);
  return reported;
}

TEST(Durability, ReportedBatchesSurviveSigkill) {
  RAMPART_REQUIRE_SHARED_DATA();
  testing::TempDir dir;
  const std::string path = dir.File("durable.db");
  const std::vector<Json> templates = testing::TrivyAlpineFindings();
  ASSERT_FALSE(templates.empty());

  for (int round = 0; round < kRounds; ++round) {
    const std::vector<std::int32_t> reported = RunAndKill(path, templates, round);
    ASSERT_GE(reported.size(), static_cast<std::size_t>(kReportsBeforeKill));

    auto store = SqliteFindingStore::Open(path);
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    for (const std::int32_t batch : reported) {
      for (const Json& finding : Batch(templates, round, batch)) {
        auto stored = (*store)->Get(testing::KeyOf(finding));
        ASSERT_TRUE(stored.has_value()) << stored.status().ToString();
        ASSERT_TRUE(stored->has_value()) << "lost after SIGKILL: " << finding["Id"];
      }
    }
    // Each committed batch wrote one event per finding in the same transaction.
    auto count = (*store)->Count(Filters{});
    auto events = (*store)->ReadEvents(0, 1'000'000);
    ASSERT_TRUE(count.has_value());
    ASSERT_TRUE(events.has_value());
    EXPECT_EQ(static_cast<std::int64_t>(events->size()), *count);
    EXPECT_EQ(*count % kBatchSize, 0) << "a batch was stored in part";
  }
}

}  // namespace
}  // namespace rampart::store
