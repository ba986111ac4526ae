// Every index of the SQLite finding store must serve a query that the store runs: the query
// planner (without ANALYZE statistics, as the store runs it) must choose it. Each case is a
// filter in the shape of List's default query (newest first) and of Count, or one of the
// store's fixed queries.
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/sqlite_finding_store.h"
#include "store/sqlite_query.h"
#include "store/test_support.h"

namespace rampart::store {
namespace {

// A filter and the index that List's default query (newest first) and Count use for it. A
// WITHOUT ROWID table's primary key shows as "PRIMARY KEY" in the plan.
struct FilterCase {
  std::string index;
  std::string filter;
  bool count_uses_it = true;  // false when only the sorted List needs the index
};

const FilterCase kFilterCases[] = {
    {"findings_id_hash", R"({"Id": [{"Value": "a", "Comparison": "EQUALS"}]})"},
    {"findings_product_arn", R"({"ProductArn": [{"Value": "a", "Comparison": "EQUALS"}]})"},
    {"findings_severity_label",
     R"({"SeverityLabel": [{"Value": "HIGH", "Comparison": "EQUALS"}]})"},
    {"findings_severity_normalized", R"({"SeverityNormalized": [{"Eq": 70}]})"},
    {"findings_severity_normalized", R"({"SeverityNormalized": [{"Gte": 70, "Lte": 89}]})"},
    {"findings_workflow_status",
     R"({"WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}]})"},
    {"findings_record_state", R"({"RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]})"},
    {"findings_compliance_status",
     R"({"ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}]})"},
    {"findings_aws_account_id",
     R"({"AwsAccountId": [{"Value": "111122223333", "Comparison": "EQUALS"}]})"},
    {"findings_generator_id", R"({"GeneratorId": [{"Value": "a", "Comparison": "EQUALS"}]})"},
    {"findings_generator_id", R"({"GeneratorId": [{"Value": "Trivy/", "Comparison": "PREFIX"}]})"},
    {"findings_updated_at", "{}", false},
    {"findings_updated_at",
     R"({"UpdatedAt": [{"Start": "2026-01-01T00:00:00Z", "End": "2026-02-01T00:00:00Z"}]})"},
    {"findings_created_at",
     R"({"CreatedAt": [{"Start": "2026-01-01T00:00:00Z", "End": "2026-02-01T00:00:00Z"}]})"},
    {"finding_resources_id", R"({"ResourceId": [{"Value": "a", "Comparison": "EQUALS"}]})"},
    {"PRIMARY KEY (type=?)",
     R"({"ResourceType": [{"Value": "Container", "Comparison": "EQUALS"}]})"},
    {"PRIMARY KEY (vulnerability_id=?)",
     R"({"VulnerabilitiesId": [{"Value": "CVE-2019-1549", "Comparison": "EQUALS"}]})"},
};

// The store's fixed queries that an index serves (ClaimEvents and History).
const std::map<std::string, std::string> kQueriesByIndex = {
    {"outbox_pending",
     "SELECT sequence FROM outbox WHERE delivered_at IS NULL AND (claimed_until IS NULL OR "
     "claimed_until <= 1 OR claimed_by = 'a') ORDER BY sequence LIMIT 10"},
    {"finding_history_finding",
     "SELECT update_time FROM finding_history WHERE finding_seq = 1 ORDER BY seq"},
};

class IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = dir_.File("findings.db");
    ASSERT_TRUE(SqliteFindingStore::Open(path).has_value());
    auto db = sqlite::Database::Open(path, {});
    ASSERT_TRUE(db.has_value()) << db.status().ToString();
    db_ = std::move(*db);
  }

  // Returns the details of the query plan of `sql`, one line per step.
  std::string Plan(const std::string& sql) {
    auto statement = db_->Prepare("EXPLAIN QUERY PLAN " + sql);
    EXPECT_TRUE(statement.has_value()) << statement.status().ToString() << " in " << sql;
    if (!statement) {
      return "";
    }
    std::string plan;
    while (true) {
      auto row = (*statement)->Step();
      EXPECT_TRUE(row.has_value()) << row.status().ToString();
      if (!row || !*row) {
        break;
      }
      plan += std::string((*statement)->ColumnText(3)) + "\n";
    }
    (*statement)->Reset();
    return plan;
  }

  // Returns the plans of List's default query and of Count for `filter_text`.
  std::vector<std::string> FilterPlans(const std::string& filter_text) {
    auto json = ParseJson(filter_text, "filter");
    EXPECT_TRUE(json.has_value()) << json.status().ToString();
    auto filters = ParseFilters(json ? *json : Json::object());
    EXPECT_TRUE(filters.has_value()) << filters.status().ToString();
    const sqlite::SqlFragment where =
        sqlite::CompileFilters(filters ? *filters : Filters{}, DefaultClock().Now());
    return {Plan(fmt::format("SELECT f.seq, f.document, f.updated_at FROM findings f WHERE ({}) "
                             "AND (1) ORDER BY f.updated_at DESC, f.seq DESC LIMIT 101",
                             where.sql)),
            Plan(fmt::format("SELECT count(*) FROM findings f WHERE {}", where.sql))};
  }

  testing::TempDir dir_;
  std::unique_ptr<sqlite::Database> db_;
};

TEST_F(IndexTest, EachFilterUsesItsIndex) {
  for (const FilterCase& test : kFilterCases) {
    const std::string expected =
        test.index.starts_with("PRIMARY KEY") ? test.index : "INDEX " + test.index;
    const std::vector<std::string> plans = FilterPlans(test.filter);
    EXPECT_NE(plans[0].find(expected), std::string::npos)
        << "List with " << test.filter << " does not use " << test.index << ":\n"
        << plans[0];
    if (test.count_uses_it) {
      EXPECT_NE(plans[1].find(expected), std::string::npos)
          << "Count with " << test.filter << " does not use " << test.index << ":\n"
          << plans[1];
    }
  }
}

TEST_F(IndexTest, FixedQueriesUseTheirIndexes) {
  for (const auto& [index, sql] : kQueriesByIndex) {
    const std::string plan = Plan(sql);
    EXPECT_NE(plan.find("INDEX " + index), std::string::npos) << sql << ":\n" << plan;
  }
}

// A new index needs a case above, so that it is known to serve a query.
TEST_F(IndexTest, EveryIndexHasACase) {
  auto statement = db_->Prepare("SELECT name FROM sqlite_master WHERE type = 'index'");
  ASSERT_TRUE(statement.has_value()) << statement.status().ToString();
  std::set<std::string> indexes;
  while (true) {
    auto row = (*statement)->Step();
    ASSERT_TRUE(row.has_value()) << row.status().ToString();
    if (!*row) {
      break;
    }
    indexes.insert(std::string((*statement)->ColumnText(0)));
  }
  (*statement)->Reset();
  std::set<std::string> served;
  for (const FilterCase& test : kFilterCases) {
    served.insert(test.index);
  }
  for (const auto& [index, sql] : kQueriesByIndex) {
    served.insert(index);
  }
  EXPECT_EQ(indexes.size(), 14u);
  for (const std::string& index : indexes) {
    EXPECT_TRUE(served.contains(index)) << index << " serves no known query";
  }
}

}  // namespace
}  // namespace rampart::store
