// Loads the real OSV records and checks what the database keeps of them.
#include "vuln/advisory_database.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "vuln/test_util.h"

namespace rampart::vuln {
namespace {

namespace fs = std::filesystem;
using testing_util::SharedVulnData;
using testing_util::TempDir;
using testing_util::WriteText;
using testing_util::WriteZip;

const Advisory* FindAdvisory(const AdvisoryDatabase& database, std::string_view id) {
  for (std::size_t i = 0; i < database.size(); ++i) {
    if (database.advisory(i).id == id) {
      return &database.advisory(i);
    }
  }
  return nullptr;
}

std::size_t IndexOf(const AdvisoryDatabase& database, std::string_view id) {
  for (std::size_t i = 0; i < database.size(); ++i) {
    if (database.advisory(i).id == id) {
      return i;
    }
  }
  return database.size();
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class RealRecordsTest : public testing::Test {
 protected:
  void SetUp() override {
    if (SharedVulnData().empty()) {
      GTEST_SKIP() << "../shared/data/vuln is absent, so the real OSV records cannot be read";
    }
    auto loaded = AdvisoryDatabase::Load((SharedVulnData() / "osv-records").string());
    ASSERT_TRUE(loaded.has_value()) << loaded.status().message();
    database_ = std::move(*loaded);
  }

  AdvisoryDatabase database_;
};

TEST_F(RealRecordsTest, LoadsEveryRecord) {
  for (const LoadProblem& problem : database_.problems()) {
    ADD_FAILURE() << problem.source << ": " << problem.message;
  }
  EXPECT_EQ(database_.counts().files, 16u);
  EXPECT_EQ(database_.counts().advisories, 16u);
  EXPECT_EQ(database_.counts().withdrawn, 0u);
}

TEST_F(RealRecordsTest, Log4ShellFields) {
  const Advisory* log4shell = FindAdvisory(database_, "GHSA-jfh8-c2jp-5v3q");
  ASSERT_NE(log4shell, nullptr);
  EXPECT_EQ(log4shell->aliases, std::vector<std::string>{"CVE-2021-44228"});
  EXPECT_EQ(log4shell->severity_label, "CRITICAL");
  ASSERT_EQ(log4shell->severity.size(), 1u);
  EXPECT_EQ(log4shell->severity[0].type, "CVSS_V3");
  EXPECT_EQ(log4shell->severity[0].score, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
  ASSERT_EQ(log4shell->affected.size(), 3u);
  EXPECT_EQ(log4shell->affected[0].ecosystem, "Maven");
  EXPECT_EQ(log4shell->affected[0].name, "org.apache.logging.log4j:log4j-core");
  EXPECT_FALSE(log4shell->references.empty());
  EXPECT_LE(log4shell->references.size(), kMaxReferences);
  EXPECT_LE(log4shell->details.size(), kMaxDetailsBytes);
}

TEST_F(RealRecordsTest, CandidatesByPackage) {
  EXPECT_EQ(database_.Candidates("Maven", "org.apache.logging.log4j:log4j-core").size(), 3u);
  EXPECT_EQ(database_.Candidates("npm", "lodash").size(), 1u);
  EXPECT_EQ(database_.Candidates("npm", "lodash-es").size(), 1u);
  EXPECT_EQ(database_.Candidates("Alpine", "mariadb").size(), 5u);
  EXPECT_EQ(database_.Candidates("Alpine", "openssl").size(), 6u);
  EXPECT_EQ(database_.Candidates("Debian", "nginx").size(), 1u);
  EXPECT_EQ(database_.Candidates("Go", "stdlib").size(), 2u);
  EXPECT_EQ(database_.Candidates("PyPI", "Requests").size(), 1u);
  EXPECT_EQ(database_.Candidates("PyPI", "gradio").size(), 1u);
  EXPECT_TRUE(database_.Candidates("npm", "left-pad").empty());
  EXPECT_TRUE(database_.Candidates("Maven", "lodash").empty());
}

TEST_F(RealRecordsTest, AliasesNameOneVulnerability) {
  const std::size_t go = IndexOf(database_, "GO-2021-0053");
  ASSERT_LT(go, database_.size());
  EXPECT_EQ(database_.VulnerabilityId(go), "CVE-2021-3121");
  EXPECT_EQ(database_.RelatedIds(go),
            (std::vector<std::string_view>{"GHSA-c3h9-896r-86jm", "GO-2021-0053"}));

  const std::size_t malware = IndexOf(database_, "MAL-2024-10238");
  ASSERT_LT(malware, database_.size());
  EXPECT_EQ(database_.VulnerabilityId(malware), "MAL-2024-10238");
  EXPECT_TRUE(database_.RelatedIds(malware).empty());
}

TEST_F(RealRecordsTest, ZipExportLoadsTheSame) {
  TempDir temp;
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& file : fs::directory_iterator(SharedVulnData() / "osv-records")) {
    entries.emplace_back(file.path().filename().string(), ReadAll(file.path()));
  }
  WriteZip(temp.path() / "all.zip", entries);

  auto loaded = AdvisoryDatabase::Load((temp.path() / "all.zip").string());
  ASSERT_TRUE(loaded.has_value()) << loaded.status().message();
  EXPECT_EQ(loaded->counts().advisories, database_.counts().advisories);
  EXPECT_TRUE(loaded->problems().empty());
  EXPECT_EQ(loaded->Candidates("npm", "lodash").size(), 1u);
}

TEST_F(RealRecordsTest, ThreadCountDoesNotChangeResult) {
  TempDir temp;
  std::vector<std::pair<std::string, std::string>> first_half;
  std::vector<std::pair<std::string, std::string>> second_half;
  std::size_t index = 0;
  for (const auto& file : fs::directory_iterator(SharedVulnData() / "osv-records")) {
    auto& half = index++ % 2 == 0 ? first_half : second_half;
    half.emplace_back(file.path().filename().string(), ReadAll(file.path()));
  }
  WriteZip(temp.path() / "a" / "all.zip", first_half);
  WriteZip(temp.path() / "b" / "all.zip", second_half);
  WriteText(temp.path() / "c" / "extra.json",
            R"({"id": "EXTRA-1", "aliases": ["CVE-2021-44228"]})");

  auto one = AdvisoryDatabase::Load(temp.path().string(), 1);
  auto three = AdvisoryDatabase::Load(temp.path().string(), 3);
  ASSERT_TRUE(one.has_value()) << one.status().message();
  ASSERT_TRUE(three.has_value()) << three.status().message();
  ASSERT_EQ(one->size(), 17u);
  ASSERT_EQ(three->size(), one->size());
  for (std::size_t i = 0; i < one->size(); ++i) {
    EXPECT_EQ(one->advisory(i).id, three->advisory(i).id);
    EXPECT_EQ(one->VulnerabilityId(i), three->VulnerabilityId(i));
  }
  const std::size_t extra = IndexOf(*one, "EXTRA-1");
  ASSERT_LT(extra, one->size());
  EXPECT_EQ(one->VulnerabilityId(extra), "CVE-2021-44228");
}

TEST(AdvisoryDatabase, MergesAliasesAcrossRecords) {
  AdvisoryDatabase database;
  database.AddRecord(R"({"id": "GHSA-aaaa", "aliases": ["CVE-2024-1"]})", "a.json");
  database.AddRecord(R"({"id": "PYSEC-1", "aliases": ["GHSA-aaaa"]})", "b.json");
  database.AddRecord(R"({"id": "OSV-2", "aliases": []})", "c.json");
  database.Finalize();
  ASSERT_EQ(database.size(), 3u);
  EXPECT_EQ(database.VulnerabilityId(0), "CVE-2024-1");
  EXPECT_EQ(database.VulnerabilityId(1), "CVE-2024-1");
  EXPECT_EQ(database.RelatedIds(1), (std::vector<std::string_view>{"GHSA-aaaa", "PYSEC-1"}));
  EXPECT_EQ(database.VulnerabilityId(2), "OSV-2");
}

TEST(AdvisoryDatabase, SkipsWithdrawnRecords) {
  AdvisoryDatabase database;
  database.AddRecord(R"({"id": "GHSA-gone", "withdrawn": "2024-01-01T00:00:00Z",
      "affected": [{"package": {"ecosystem": "npm", "name": "x"},
                    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]})",
                     "w.json");
  database.Finalize();
  EXPECT_EQ(database.size(), 0u);
  EXPECT_EQ(database.counts().withdrawn, 1u);
  EXPECT_TRUE(database.Candidates("npm", "x").empty());
}

TEST(AdvisoryDatabase, ReportsBadRecords) {
  TempDir temp;
  WriteText(temp.path() / "broken.json", "{\"id\": \"X-1\",\n \"affected\": [}");
  WriteText(temp.path() / "typed.json", R"({"id": "X-2", "affected": [{"ranges": 5}]})");
  WriteText(temp.path() / "event.json",
            R"({"id": "X-3", "affected": [{"package": {"ecosystem": "npm", "name": "y"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fix": "1"}]}]}]})");
  WriteText(temp.path() / "good.json", R"({"id": "X-4"})");

  auto loaded = AdvisoryDatabase::Load(temp.path().string());
  ASSERT_TRUE(loaded.has_value()) << loaded.status().message();
  EXPECT_EQ(loaded->size(), 1u);
  ASSERT_EQ(loaded->problems().size(), 3u);
  // Files load in name order: broken, event, good, typed.
  EXPECT_NE(loaded->problems()[0].message.find("line 2"), std::string::npos)
      << loaded->problems()[0].message;
  EXPECT_NE(loaded->problems()[1].message.find("$.affected[0].ranges[0].events[1]"),
            std::string::npos)
      << loaded->problems()[1].message;
  EXPECT_NE(loaded->problems()[2].message.find("$.affected[0].ranges"), std::string::npos)
      << loaded->problems()[2].message;
}

// The OSV schema makes each event a oneOf of single-key objects, so two keys are invalid
// in either order.
TEST(AdvisoryDatabase, RejectsEventWithTwoKeys) {
  TempDir temp;
  WriteText(temp.path() / "a.json",
            R"({"id": "X-5", "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "5.0.0"}]}]}]})");
  WriteText(temp.path() / "b.json",
            R"({"id": "X-6", "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"},
                           {"last_affected": "4.0.0", "limit": "5.0.0"}]}]}]})");

  auto loaded = AdvisoryDatabase::Load(temp.path().string());
  ASSERT_TRUE(loaded.has_value()) << loaded.status().message();
  EXPECT_EQ(loaded->size(), 0u);
  ASSERT_EQ(loaded->problems().size(), 2u);
  EXPECT_NE(loaded->problems()[0].message.find("$.affected[0].ranges[0].events[0]"),
            std::string::npos)
      << loaded->problems()[0].message;
  EXPECT_NE(loaded->problems()[0].message.find("both \"introduced\" and \"fixed\""),
            std::string::npos)
      << loaded->problems()[0].message;
  EXPECT_NE(loaded->problems()[1].message.find("$.affected[0].ranges[0].events[1]"),
            std::string::npos)
      << loaded->problems()[1].message;
  EXPECT_TRUE(loaded->Candidates("npm", "lodash").empty());
}

TEST(AdvisoryDatabase, MissingPathIsError) {
  auto loaded = AdvisoryDatabase::Load("/nonexistent/osv");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.status().message().find("/nonexistent/osv"), std::string::npos);
}

TEST(NormalizePythonName, Pep503) {
  EXPECT_EQ(NormalizePythonName("Friendly-Bard"), "friendly-bard");
  EXPECT_EQ(NormalizePythonName("FRIENDLY._BARD"), "friendly-bard");
  EXPECT_EQ(NormalizePythonName("zope.interface"), "zope-interface");
}

}  // namespace
}  // namespace rampart::vuln
