// rampart token, remediations and audit run as programs against a PostgreSQL database, as an
// operator of several workers sharing one database runs them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "cli/testing/program.h"
#include "store/finding_store_factory.h"
#include "store/remediation_store.h"
#include "store/test_support.h"
#include "store/testing/raw_sql.h"
#include "store/testing/store_backends.h"

namespace rampart::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProgramRun;

class OperationsPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const store::testing::TestDatabase database(
        {"Postgres", store::testing::BackendKind::kPostgres});
    ASSERT_TRUE(database.status().ok()) << database.status().ToString();
    url_ = database.location();
    folder_ = testing::MakeTestFolder("operations_postgres");
  }

  ProgramRun Rampart(std::vector<std::string> args) {
    args.insert(args.begin(), testing::BuiltProgram("rampart"));
    return testing::RunProgram(args, folder_);
  }

  std::string url_;
  std::filesystem::path folder_;
};

// `ingest` stores into a shared PostgreSQL store as it does into SQLite, and a second run
// of the same report changes nothing.
TEST_F(OperationsPostgresTest, IngestIntoSharedStore) {
  RAMPART_REQUIRE_SHARED_DATA();
  const std::string report =
      (std::filesystem::path(RAMPART_SHARED_DATA) / "findings/trivy/alpine-310.json").string();
  const ProgramRun first = Rampart({"ingest", "--db", url_, report});
  ASSERT_EQ(first.exit_code, 0) << first.errors;
  EXPECT_THAT(first.output, HasSubstr("4 findings read (trivy): 4 created"));
  const ProgramRun again = Rampart({"ingest", "--db", url_, report});
  ASSERT_EQ(again.exit_code, 0) << again.errors;
  EXPECT_THAT(again.output, HasSubstr("0 created, 0 updated, 4 unchanged"));
  const ProgramRun listed = Rampart({"findings", "list", "--db", url_, "--output", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.errors;
  EXPECT_EQ(Json::parse(listed.output).size(), 4u);
}

TEST_F(OperationsPostgresTest, TokenLifecycle) {
  const ProgramRun created =
      Rampart({"token", "create", "--db", url_, "--name", "ci", "--scopes", "read,import"});
  ASSERT_EQ(created.exit_code, 0) << created.errors;
  EXPECT_THAT(created.output, HasSubstr("rmp_"));

  const ProgramRun twice =
      Rampart({"token", "create", "--db", url_, "--name", "ci", "--scopes", "read"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_THAT(twice.errors, HasSubstr("revoke it first"));

  const ProgramRun listed = Rampart({"token", "list", "--db", url_});
  ASSERT_EQ(listed.exit_code, 0) << listed.errors;
  EXPECT_THAT(listed.output, HasSubstr("read,import"));

  const ProgramRun revoked = Rampart({"token", "revoke", "--db", url_, "--name", "ci"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.errors;
  const ProgramRun again = Rampart({"token", "revoke", "--db", url_, "--name", "ci"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.errors, HasSubstr("no valid token named \"ci\""));
}

TEST_F(OperationsPostgresTest, TokenListShowsWholeProductPatterns) {
  const std::string trivy = "arn:aws:securityhub:*:*:product/aquasecurity/aquasecurity";
  const std::string grype = "arn:aws:securityhub:*:*:product/anchore/grype";
  const ProgramRun created =
      Rampart({"token", "create", "--db", url_, "--name", "scanners", "--scopes", "import",
               "--product-arn", trivy, "--product-arn", grype});
  ASSERT_EQ(created.exit_code, 0) << created.errors;

  const ProgramRun table = Rampart({"token", "list", "--db", url_});
  ASSERT_EQ(table.exit_code, 0) << table.errors;
  EXPECT_THAT(table.output, HasSubstr(trivy + "," + grype));

  const ProgramRun json = Rampart({"token", "list", "--db", url_, "--output", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.errors;
  auto parsed = ParseJson(json.output, "token list");
  ASSERT_TRUE(parsed.has_value()) << json.output;
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0]["Name"], "scanners");
  EXPECT_EQ((*parsed)[0]["ProductArns"], Json::array({trivy, grype}));
}

TEST_F(OperationsPostgresTest, ApprovalIsAuditedInOneChain) {
  {
    auto store = store::RemediationStore::Open(url_);
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store::Remediation record;
    record.idempotency_key = "k1";
    record.rule = "bump-images";
    record.action = "gitops.bump-image";
    record.finding_id = "finding-1";
    record.state = store::RemediationState::kAwaitingApproval;
    ASSERT_TRUE((*store)->Plan(record).has_value());
  }
  const ProgramRun listed = Rampart({"remediations", "list", "--db", url_, "--output", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.errors;
  const Json records = Json::parse(listed.output);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["State"], "AWAITING_APPROVAL");
  const std::string id = std::to_string(records[0]["Id"].get<std::int64_t>());

  const ProgramRun approved =
      Rampart({"remediations", "approve", id, "--by", "alice", "--db", url_, "--output", "json"});
  ASSERT_EQ(approved.exit_code, 0) << approved.errors;
  EXPECT_EQ(Json::parse(approved.output)["State"], "PLANNED");

  const ProgramRun verified = Rampart({"audit", "verify", "--db", url_});
  ASSERT_EQ(verified.exit_code, 0) << verified.errors;
  EXPECT_THAT(verified.output, HasSubstr("verified: 1 entries"));

  const ProgramRun exported = Rampart({"audit", "export", "--db", url_});
  ASSERT_EQ(exported.exit_code, 0) << exported.errors;
  const Json entry = Json::parse(exported.output);
  EXPECT_EQ(entry["actor"], "alice");
  EXPECT_EQ(entry["action"], "remediation.approved");

  ASSERT_TRUE(store::testing::RunSql(url_, "UPDATE audit_log SET actor = 'mallory'").ok());
  const ProgramRun broken = Rampart({"audit", "verify", "--db", url_});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_THAT(broken.output, HasSubstr("broken at entry 1"));
}

TEST_F(OperationsPostgresTest, UnreachableDatabaseHidesPassword) {
  const ProgramRun run = Rampart(
      {"audit", "verify", "--db", "postgresql://rampart:s3cret@127.0.0.1:1/hub?connect_timeout=5"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.errors, HasSubstr("127.0.0.1:1/hub"));
  EXPECT_THAT(run.errors, Not(HasSubstr("s3cret")));
}

TEST_F(OperationsPostgresTest, FindingsSummaryReadsPostgres) {
  RAMPART_REQUIRE_SHARED_DATA();
  const std::vector<Json> findings = store::testing::TrivyAlpineFindings();
  const std::size_t unique = store::testing::UniqueByKey(findings).size();
  {
    auto store = store::OpenFindingStore(url_);
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    ASSERT_TRUE((*store)->Import(findings, store::ImportOptions{"trivy"}).has_value());
  }
  const ProgramRun summary = Rampart({"findings", "summary", "--db", url_});
  ASSERT_EQ(summary.exit_code, 0) << summary.errors;
  EXPECT_THAT(summary.output, HasSubstr(fmt::format("{} findings in {}", unique, url_)));

  const ProgramRun listed = Rampart({"findings", "list", "--db", url_, "--output", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.errors;
  EXPECT_THAT(listed.output, HasSubstr("CVE-"));
}

TEST_F(OperationsPostgresTest, HelpNamesBothBackends) {
  const ProgramRun run = Rampart({"token", "list", "--help"});
  ASSERT_EQ(run.exit_code, 0) << run.errors;
  EXPECT_THAT(run.output, HasSubstr("postgresql://"));
  EXPECT_THAT(run.output, HasSubstr("sqlite:PATH"));
}

}  // namespace
}  // namespace rampart::cli
