// Filters, sorting, pagination and group-by of every store backend, checked against counts
// that the tests compute from the real findings themselves.
#include <algorithm>
#include <functional>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "store/test_support.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

using testing::AsrFinding;
using ::testing::HasSubstr;
using testing::KeyOf;
using testing::TrivyAlpineFindings;

constexpr const char* kAsrFiles[] = {
    "afsbp-ec2.1.finding.json", "afsbp-ec2.2.finding.json", "afsbp-iam.8-nodetails.finding.json",
    "afsbp-iam.8.finding.json", "afsbp-rds.1.finding.json", "afsbp-s3.2.finding.json",
    "cis-1.3.finding.json",     "cis-4.1.finding.json",     "pci-iam.8.finding.json",
    "pci-kms.1.finding.json",   "pci-s3.1.finding.json"};

Filters ParsedFilters(std::string_view text) {
  auto json = ParseJson(text, "filter");
  EXPECT_TRUE(json.has_value()) << json.status().ToString();
  auto filters = ParseFilters(json ? *json : Json());
  EXPECT_TRUE(filters.has_value()) << filters.status().ToString();
  return filters ? *filters : Filters{};
}

std::string At(const Json& finding, std::string_view dotted) {
  const Json* value = FindPath(finding, dotted);
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

bool AnyResource(const Json& finding, const std::function<bool(const Json&)>& test) {
  const Json& resources = finding["Resources"];
  return std::any_of(resources.begin(), resources.end(), test);
}

// Runs every query on PostgreSQL and on SQLite both ways of searching the side tables:
// selecting the findings of a resource or vulnerability first (many_side_rows 0), and
// checking each finding (1).
std::vector<testing::TestBackend> QueryBackends() {
  return {{"SqliteSelectFirst", testing::BackendKind::kSqlite, 0},
          {"SqliteCheckEachFinding", testing::BackendKind::kSqlite, 1},
          {"Postgres", testing::BackendKind::kPostgres}};
}

class QueryTest : public ::testing::TestWithParam<testing::TestBackend> {
 protected:
  void SetUp() override {
    RAMPART_REQUIRE_SHARED_DATA();
    auto store = database_.Open({.clock = &clock_, .random_seed = 11});
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store_ = std::move(*store);
    findings_ = testing::UniqueByKey(TrivyAlpineFindings());
    trivy_count_ = static_cast<std::int64_t>(findings_.size());
    for (const char* file : kAsrFiles) {
      findings_.push_back(AsrFinding(file));
    }
    AddNetworkAndTags();
    auto summary = store_->Import(findings_, {});
    ASSERT_TRUE(summary.has_value()) << summary.status().ToString();
    ASSERT_EQ(summary->created, findings_.size());
  }

  // Gives two real findings the attributes that no shared file carries: tags, network
  // addresses, vulnerabilities and the Sample flag.
  void AddNetworkAndTags() {
    Json& trivy = findings_[0];
    trivy["Resources"][0]["Tags"] = {{"team", "payments"}, {"env", "prod"}};
    trivy["Vulnerabilities"] = {
        {{"Id", "CVE-2019-1549"}, {"VulnerablePackages", {{{"Name", "libcrypto1.1"}}}}}};
    trivy["Sample"] = true;
    Json& control = findings_[trivy_count_ + 1];  // afsbp-ec2.2, a security group
    control["Network"] = {{"SourceIpV4", "10.1.2.3"}, {"SourcePort", 443}};
    control["Resources"][0]["Tags"] = {{"team", "core-banking"}};
    control["Resources"][0]["Details"]["AwsEc2Instance"] = {
        {"IpV4Addresses", {"192.168.7.9", "172.16.0.1"}}};
  }

  std::int64_t Count(std::string_view filter) {
    auto count = store_->Count(ParsedFilters(filter));
    EXPECT_TRUE(count.has_value()) << count.status().ToString();
    return count ? *count : -1;
  }

  std::int64_t Expected(const std::function<bool(const Json&)>& test) const {
    return std::count_if(findings_.begin(), findings_.end(), test);
  }

  std::vector<Json> ListAll(FindingQuery query) {
    std::vector<Json> all;
    while (true) {
      auto page = store_->List(query);
      EXPECT_TRUE(page.has_value()) << page.status().ToString();
      if (!page) {
        return all;
      }
      EXPECT_LE(page->findings.size(), query.max_results);
      all.insert(all.end(), page->findings.begin(), page->findings.end());
      if (page->next_token.empty()) {
        return all;
      }
      query.next_token = page->next_token;
    }
  }

  testing::TestDatabase database_{GetParam()};
  FakeClock clock_{FromUnixMicros(1'790'000'000'000'000)};
  std::unique_ptr<FindingStore> store_;
  std::vector<Json> findings_;
  std::int64_t trivy_count_ = 0;
};

TEST_P(QueryTest, EqualsOnIndexedColumn) {
  const auto expected =
      Expected([](const Json& f) { return At(f, "Severity.Label") == "CRITICAL"; });
  ASSERT_GT(expected, 0);
  EXPECT_EQ(Count(R"({"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}]})"),
            expected);
  FindingQuery query;
  query.filters =
      ParsedFilters(R"({"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"}]})");
  for (const Json& finding : ListAll(query)) {
    EXPECT_EQ(finding["Severity"]["Label"], "CRITICAL");
  }
}

TEST_P(QueryTest, TextPagesMatchParsedPages) {
  FindingQuery query;
  query.filters =
      ParsedFilters(R"({"RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]})");
  query.max_results = 3;
  FindingQuery as_text = query;
  as_text.as_text = true;
  std::size_t pages = 0;
  while (true) {
    auto parsed = store_->List(query);
    auto texts = store_->List(as_text);
    ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
    ASSERT_TRUE(texts.has_value()) << texts.status().ToString();
    EXPECT_TRUE(texts->findings.empty());
    ASSERT_EQ(texts->texts.size(), parsed->findings.size());
    for (std::size_t i = 0; i < texts->texts.size(); ++i) {
      EXPECT_EQ(Json::parse(texts->texts[i]), parsed->findings[i]);
    }
    EXPECT_EQ(texts->next_token, parsed->next_token);
    ++pages;
    if (parsed->next_token.empty()) {
      break;
    }
    query.next_token = parsed->next_token;
    as_text.next_token = texts->next_token;
  }
  EXPECT_EQ(pages, (findings_.size() + 2) / 3);
}

// The maximum number of values per attribute, on an indexed field and on a negated unindexed
// field at once, keeps the SQL within the database's expression depth.
TEST_P(QueryTest, MostValuesPerAttributeStillQuery) {
  Json titles = Json::array();
  Json ids = Json::array();
  for (std::size_t i = 0; i < kMaxFilterValues; ++i) {
    titles.push_back({{"Value", "no title " + std::to_string(i)}, {"Comparison", "NOT_EQUALS"}});
    ids.push_back({{"Value", "no id " + std::to_string(i)}, {"Comparison", "EQUALS"}});
  }
  ids.back()["Value"] = findings_[0]["Id"];
  auto filters = ParseFilters(Json{{"Title", titles}, {"Id", ids}});
  ASSERT_TRUE(filters.has_value()) << filters.status().ToString();
  auto count = store_->Count(*filters);
  ASSERT_TRUE(count.has_value()) << count.status().ToString();
  EXPECT_EQ(*count, Expected([&](const Json& f) { return f["Id"] == findings_[0]["Id"]; }));
}

TEST_P(QueryTest, IdUsesItsHashIndex) {
  const Json& expected = findings_[trivy_count_ + 3];
  const std::string filter =
      fmt::format(R"({{"Id": [{{"Value": {}, "Comparison": "EQUALS"}}]}})", expected["Id"].dump());
  FindingQuery query;
  query.filters = ParsedFilters(filter);
  auto page = store_->List(query);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->findings.size(), 1u);
  EXPECT_EQ(KeyOf(page->findings[0]), KeyOf(expected));
  EXPECT_EQ(Count(fmt::format(R"({{"Id": [{{"Value": {}, "Comparison": "NOT_EQUALS"}}]}})",
                              expected["Id"].dump())),
            static_cast<std::int64_t>(findings_.size()) - 1);
  EXPECT_EQ(
      Count(
          R"({"Id": [{"Value": "arn:aws:securityhub:us-east-1:111111111111:subscription/", "Comparison": "PREFIX"}]})"),
      Expected([](const Json& f) {
        return At(f, "Id").starts_with("arn:aws:securityhub:us-east-1:111111111111:subscription/");
      }));
}

TEST_P(QueryTest, ValuesOfOneFieldAreOred) {
  const auto expected = Expected([](const Json& f) {
    const std::string label = At(f, "Severity.Label");
    return label == "CRITICAL" || label == "HIGH";
  });
  EXPECT_EQ(Count(R"({"SeverityLabel": [{"Value": "CRITICAL", "Comparison": "EQUALS"},
                                        {"Value": "HIGH", "Comparison": "EQUALS"}]})"),
            expected);
}

TEST_P(QueryTest, DifferentFieldsAreAnded) {
  const auto expected = Expected([](const Json& f) {
    return At(f, "Severity.Label") == "MEDIUM" && At(f, "AwsAccountId") == "111122223333";
  });
  ASSERT_GT(expected, 0);
  EXPECT_EQ(Count(R"({"SeverityLabel": [{"Value": "MEDIUM", "Comparison": "EQUALS"}],
                      "AwsAccountId": [{"Value": "111122223333", "Comparison": "EQUALS"}]})"),
            expected);
}

TEST_P(QueryTest, NegativeComparisonsAreAnded) {
  const auto expected = Expected([](const Json& f) {
    return !AnyResource(
        f, [](const Json& r) { return r["Type"] == "Container" || r["Type"] == "AwsAccount"; });
  });
  ASSERT_GT(expected, 0);
  EXPECT_EQ(Count(R"({"ResourceType": [{"Value": "Container", "Comparison": "NOT_EQUALS"},
                                       {"Value": "AwsAccount", "Comparison": "NOT_EQUALS"}]})"),
            expected);
}

TEST_P(QueryTest, PrefixThenExclusions) {
  const auto expected = Expected([](const Json& f) {
    const bool prefixed = AnyResource(f, [](const Json& r) {
      const std::string type = r["Type"];
      return type.starts_with("AwsIam") || type.starts_with("AwsEc2");
    });
    const bool excluded = AnyResource(f, [](const Json& r) { return r["Type"] == "AwsIamUser"; });
    return prefixed && !excluded;
  });
  ASSERT_GT(expected, 0);
  EXPECT_EQ(Count(R"({"ResourceType": [{"Value": "AwsIam", "Comparison": "PREFIX"},
                                       {"Value": "AwsEc2", "Comparison": "PREFIX"},
                                       {"Value": "AwsIamUser", "Comparison": "NOT_EQUALS"}]})"),
            expected);
}

TEST_P(QueryTest, PrefixNotEqualsOnColumn) {
  const auto expected =
      Expected([](const Json& f) { return !At(f, "GeneratorId").starts_with("aws-foundational"); });
  EXPECT_EQ(
      Count(
          R"({"GeneratorId": [{"Value": "aws-foundational", "Comparison": "PREFIX_NOT_EQUALS"}]})"),
      expected);
}

TEST_P(QueryTest, ContainsAndNotContainsOnDocument) {
  const auto with =
      Expected([](const Json& f) { return At(f, "Title").find("public") != std::string::npos; });
  ASSERT_GT(with, 0);
  EXPECT_EQ(Count(R"({"Title": [{"Value": "public", "Comparison": "CONTAINS"}]})"), with);
  EXPECT_EQ(Count(R"({"Title": [{"Value": "public", "Comparison": "NOT_CONTAINS"}]})"),
            static_cast<std::int64_t>(findings_.size()) - with);
  // Comparisons are case-sensitive, as in Security Hub.
  EXPECT_EQ(Count(R"({"Title": [{"Value": "PUBLIC", "Comparison": "CONTAINS"}]})"), 0);
}

TEST_P(QueryTest, ArrayFieldMatchesAnyElement) {
  const std::string cve = "Software and Configuration Checks/Vulnerabilities/CVE";
  const auto expected = Expected([&](const Json& f) {
    return std::find(f["Types"].begin(), f["Types"].end(), cve) != f["Types"].end();
  });
  EXPECT_EQ(expected, trivy_count_);
  EXPECT_EQ(
      Count(
          R"({"Type": [{"Value": "Software and Configuration Checks/Vulnerabilities/CVE", "Comparison": "EQUALS"}]})"),
      expected);
  EXPECT_EQ(
      Count(
          R"({"Type": [{"Value": "Software and Configuration Checks/Vulnerabilities/CVE", "Comparison": "NOT_EQUALS"}]})"),
      static_cast<std::int64_t>(findings_.size()) - expected);
}

TEST_P(QueryTest, MissingValueMatchesNegativeComparison) {
  const auto without_passed =
      Expected([](const Json& f) { return At(f, "Compliance.Status") != "PASSED"; });
  EXPECT_EQ(Count(R"({"ComplianceStatus": [{"Value": "PASSED", "Comparison": "NOT_EQUALS"}]})"),
            without_passed);
  // CompanyName is derived from the ProductArn on import: aquasecurity for Trivy, AWS else.
  EXPECT_EQ(Count(R"({"CompanyName": [{"Value": "AWS", "Comparison": "NOT_EQUALS"}]})"),
            trivy_count_);
}

TEST_P(QueryTest, ResourceDetailsInsideArrays) {
  EXPECT_EQ(
      Count(
          R"({"ResourceContainerImageName": [{"Value": "alpine 3.10.2", "Comparison": "CONTAINS"}]})"),
      Expected([](const Json& f) {
        return AnyResource(f, [](const Json& r) {
          return At(r, "Details.Container.ImageName").find("alpine 3.10.2") != std::string::npos;
        });
      }));
  EXPECT_EQ(Count(R"({"ResourceId": [{"Value": "arn:aws:iam::", "Comparison": "PREFIX"}]})"),
            Expected([](const Json& f) {
              return AnyResource(f, [](const Json& r) {
                return r["Id"].get<std::string>().starts_with("arn:aws:iam::");
              });
            }));
}

TEST_P(QueryTest, NumberRanges) {
  auto normalized = [](const Json& f) { return f["Severity"].value("Normalized", -1); };
  // The Trivy findings carry only a label; MEDIUM stores Normalized 40.
  const auto high = Expected([&](const Json& f) {
    const int n =
        normalized(f) >= 0 ? normalized(f) : (At(f, "Severity.Label") == "MEDIUM" ? 40 : 0);
    return n >= 70;
  });
  EXPECT_EQ(Count(R"({"SeverityNormalized": [{"Gte": 70}]})"), high);
  EXPECT_EQ(Count(R"({"SeverityNormalized": [{"Eq": 40}]})"), Expected([&](const Json& f) {
              return normalized(f) == 40 ||
                     (normalized(f) < 0 && At(f, "Severity.Label") == "MEDIUM");
            }));
  EXPECT_EQ(Count(R"({"SeverityNormalized": [{"Gt": 0, "Lt": 40}]})"),
            Expected([&](const Json& f) { return normalized(f) > 0 && normalized(f) < 40; }));
  EXPECT_EQ(Count(R"({"NetworkSourcePort": [{"Eq": 443}]})"), 1);
  EXPECT_EQ(Count(R"({"NetworkSourcePort": [{"Lt": 100}, {"Gt": 400}]})"), 1);
  EXPECT_EQ(Count(R"({"Confidence": [{"Gte": 0}]})"), 0);
}

TEST_P(QueryTest, DateRanges) {
  // FirstObservedAt has millisecond fractions, so the store compares instants, not strings.
  const auto in_2021 = Expected([](const Json& f) {
    const std::string first = At(f, "FirstObservedAt");
    return first >= "2021-02-16T21:55:58.862Z" && first <= "2021-06-30";
  });
  ASSERT_GT(in_2021, 0);
  EXPECT_EQ(
      Count(
          R"({"FirstObservedAt": [{"Start": "2021-02-16T21:55:58.862Z", "End": "2021-06-30T00:00:00Z"}]})"),
      in_2021);
  // Trivy writes UpdatedAt with nanoseconds; the store keeps microseconds.
  EXPECT_EQ(
      Count(R"({"UpdatedAt": [{"Start": "2021-08-25T12:20:30Z", "End": "2021-08-25T12:20:31Z"}]})"),
      Expected(
          [](const Json& f) { return At(f, "UpdatedAt").starts_with("2021-08-25T12:20:30"); }));
  EXPECT_EQ(Count(R"({"CreatedAt": [{"End": "2020-01-01T00:00:00Z"}]})"), 0);
}

TEST_P(QueryTest, RelativeDateRangeEndsNow) {
  Json fresh = AsrFinding("cis-4.1.finding.json");
  fresh["Id"] = "fresh-finding";
  fresh["UpdatedAt"] = FormatTimestamp(clock_.Now() - std::chrono::hours(36));
  ASSERT_TRUE(store_->Import({fresh}, {}).has_value());
  EXPECT_EQ(Count(R"({"UpdatedAt": [{"DateRange": {"Value": 2, "Unit": "DAYS"}}]})"), 1);
  EXPECT_EQ(Count(R"({"UpdatedAt": [{"DateRange": {"Value": 1, "Unit": "DAYS"}}]})"), 0);
}

TEST_P(QueryTest, MapFilters) {
  const auto security_hub = Expected([](const Json& f) {
    return At(f, "ProductFields.aws/securityhub/ProductName") == "Security Hub";
  });
  EXPECT_EQ(
      Count(
          R"({"ProductFields": [{"Key": "aws/securityhub/ProductName", "Value": "Security Hub", "Comparison": "EQUALS"}]})"),
      security_hub);
  EXPECT_EQ(
      Count(
          R"({"ProductFields": [{"Key": "Product Name", "Value": "Trivy", "Comparison": "EQUALS"}]})"),
      Expected([](const Json& f) { return At(f, "ProductFields.Product Name") == "Trivy"; }));
  EXPECT_EQ(
      Count(
          R"({"ProductFields": [{"Key": "ControlId", "Value": "S3", "Comparison": "CONTAINS"}]})"),
      Expected([](const Json& f) {
        return At(f, "ProductFields.ControlId").find("S3") != std::string::npos;
      }));
  EXPECT_EQ(Count(R"({"ResourceTags": [{"Key": "team", "Value": "payments", "Comparison": "EQUALS"},
                                       {"Key": "team", "Value": "core-banking", "Comparison": "EQUALS"}]})"),
            2);
  EXPECT_EQ(
      Count(
          R"({"ResourceTags": [{"Key": "team", "Value": "payments", "Comparison": "NOT_EQUALS"}]})"),
      static_cast<std::int64_t>(findings_.size()) - 1);
}

TEST_P(QueryTest, UserDefinedFieldsAfterUpdate) {
  FindingUpdate update;
  update.finding_identifiers = {{findings_[6]["Id"], findings_[6]["ProductArn"]}};
  update.user_defined_fields = std::map<std::string, std::string>{{"ticket", "SEC-9"}};
  ASSERT_TRUE(store_->Update(update, "alice").has_value());
  EXPECT_EQ(
      Count(
          R"({"UserDefinedFields": [{"Key": "ticket", "Value": "SEC-9", "Comparison": "EQUALS"}]})"),
      1);
  EXPECT_EQ(
      Count(
          R"({"UserDefinedFields": [{"Key": "ticket", "Value": "SEC", "Comparison": "CONTAINS"}]})"),
      1);
}

TEST_P(QueryTest, IpFilters) {
  EXPECT_EQ(Count(R"({"NetworkSourceIpV4": [{"Cidr": "10.0.0.0/8"}]})"), 1);
  EXPECT_EQ(Count(R"({"NetworkSourceIpV4": [{"Cidr": "10.1.2.3"}]})"), 1);
  EXPECT_EQ(Count(R"({"NetworkSourceIpV4": [{"Cidr": "11.0.0.0/8"}]})"), 0);
  EXPECT_EQ(Count(R"({"ResourceAwsEc2InstanceIpV4Addresses": [{"Cidr": "172.16.0.0/12"}]})"), 1);
  EXPECT_EQ(Count(R"({"ResourceAwsEc2InstanceIpV4Addresses": [{"Cidr": "192.168.7.0/25"}]})"), 1);
  EXPECT_EQ(Count(R"({"ResourceAwsEc2InstanceIpV4Addresses": [{"Cidr": "192.168.7.128/25"}]})"), 0);
}

TEST_P(QueryTest, BooleanAndVulnerabilityFilters) {
  EXPECT_EQ(Count(R"({"Sample": [{"Value": true}]})"), 1);
  EXPECT_EQ(Count(R"({"Sample": [{"Value": false}]})"),
            static_cast<std::int64_t>(findings_.size()) - 1);
  EXPECT_EQ(Count(R"({"VulnerabilitiesId": [{"Value": "CVE-2019-1549", "Comparison": "EQUALS"}]})"),
            1);
  EXPECT_EQ(
      Count(
          R"({"VulnerabilitiesVulnerablePackagesName": [{"Value": "libcrypto", "Comparison": "PREFIX"}]})"),
      1);
}

TEST_P(QueryTest, SortsByEachOrder) {
  FindingQuery query;
  query.max_results = 100;
  auto sort =
      ParseSortCriteria(Json::parse(R"([{"Field": "SeverityNormalized", "SortOrder": "desc"},
                                                {"Field": "Id", "SortOrder": "asc"}])"));
  ASSERT_TRUE(sort.has_value());
  query.sort = *sort;
  const auto sorted = ListAll(query);
  ASSERT_EQ(sorted.size(), findings_.size());
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const int previous = sorted[i - 1]["Severity"]["Normalized"];
    const int current = sorted[i]["Severity"]["Normalized"];
    EXPECT_GE(previous, current);
    if (previous == current) {
      EXPECT_LT(sorted[i - 1]["Id"].get<std::string>(), sorted[i]["Id"].get<std::string>());
    }
  }
  query.sort = {*ParseSortOption("Title:asc")};
  const auto by_title = ListAll(query);
  for (std::size_t i = 1; i < by_title.size(); ++i) {
    EXPECT_LE(by_title[i - 1]["Title"].get<std::string>(), by_title[i]["Title"].get<std::string>());
  }
}

TEST_P(QueryTest, DefaultSortIsNewestFirst) {
  FindingQuery query;
  const auto all = ListAll(query);
  ASSERT_EQ(all.size(), findings_.size());
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_GE(*ParseTimestamp(all[i - 1]["UpdatedAt"].get<std::string>()),
              *ParseTimestamp(all[i]["UpdatedAt"].get<std::string>()));
  }
}

TEST_P(QueryTest, PagesCoverEveryFindingOnce) {
  FindingQuery one_page;
  one_page.sort = {*ParseSortOption("SeverityLabel:desc")};
  one_page.max_results = 100;
  const auto expected = ListAll(one_page);

  FindingQuery paged = one_page;
  paged.max_results = 4;
  const auto pages = ListAll(paged);
  ASSERT_EQ(pages.size(), expected.size());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(KeyOf(pages[i]), KeyOf(expected[i])) << "position " << i;
  }
}

TEST_P(QueryTest, NextTokenStableUnderInserts) {
  FindingQuery query;
  query.max_results = 5;
  auto first = store_->List(query);
  ASSERT_TRUE(first.has_value());
  ASSERT_FALSE(first->next_token.empty());

  // New findings land both before and after the first page in the sort order.
  std::vector<Json> inserted;
  for (int i = 0; i < 3; ++i) {
    Json newest = AsrFinding("cis-4.1.finding.json");
    newest["Id"] = "inserted-new-" + std::to_string(i);
    newest["UpdatedAt"] = "2030-01-01T00:00:00Z";
    Json oldest = newest;
    oldest["Id"] = "inserted-old-" + std::to_string(i);
    oldest["UpdatedAt"] = "2000-01-01T00:00:00Z";
    oldest["CreatedAt"] = "2000-01-01T00:00:00Z";
    inserted.push_back(newest);
    inserted.push_back(oldest);
  }
  ASSERT_TRUE(store_->Import(inserted, {}).has_value());

  std::set<std::string> seen;
  for (const Json& finding : first->findings) {
    seen.insert(finding["Id"]);
  }
  query.next_token = first->next_token;
  for (const Json& finding : ListAll(query)) {
    EXPECT_TRUE(seen.insert(finding["Id"]).second) << "repeated: " << finding["Id"];
  }
  for (const Json& finding : findings_) {
    EXPECT_TRUE(seen.count(finding["Id"])) << "skipped: " << finding["Id"];
  }
  EXPECT_EQ(seen.count("inserted-new-0"), 0u);
  EXPECT_EQ(seen.count("inserted-old-0"), 1u);
}

TEST_P(QueryTest, RejectsForeignAndMalformedTokens) {
  FindingQuery query;
  query.max_results = 2;
  auto page = store_->List(query);
  ASSERT_TRUE(page.has_value());
  FindingQuery other;
  other.filters = ParsedFilters(R"({"SeverityLabel": [{"Value": "LOW", "Comparison": "EQUALS"}]})");
  other.next_token = page->next_token;
  auto foreign = store_->List(other);
  ASSERT_FALSE(foreign.has_value());
  EXPECT_THAT(foreign.status().message(), HasSubstr("belongs to a query with other filters"));

  query.next_token = "not*a*token";
  auto malformed = store_->List(query);
  ASSERT_FALSE(malformed.has_value());
  EXPECT_THAT(malformed.status().message(), HasSubstr("NextToken"));

  query.next_token.clear();
  query.max_results = 0;
  EXPECT_FALSE(store_->List(query).has_value());
}

TEST_P(QueryTest, GroupBySeverityAndResourceType) {
  auto severities = store_->GroupBy(Filters{}, "SeverityLabel");
  ASSERT_TRUE(severities.has_value()) << severities.status().ToString();
  std::map<std::string, std::int64_t> expected;
  for (const Json& finding : findings_) {
    ++expected[At(finding, "Severity.Label")];
  }
  std::map<std::string, std::int64_t> actual;
  for (const GroupCount& group : *severities) {
    actual[group.value] = group.count;
  }
  EXPECT_EQ(actual, expected);
  for (std::size_t i = 1; i < severities->size(); ++i) {
    EXPECT_GE((*severities)[i - 1].count, (*severities)[i].count);
  }

  auto types = store_->GroupBy(Filters{}, "ResourceType");
  ASSERT_TRUE(types.has_value());
  std::map<std::string, std::int64_t> expected_types;
  for (const Json& finding : findings_) {
    std::set<std::string> distinct;
    for (const Json& resource : finding["Resources"]) {
      distinct.insert(resource["Type"]);
    }
    for (const auto& type : distinct) {
      ++expected_types[type];
    }
  }
  std::map<std::string, std::int64_t> actual_types;
  for (const GroupCount& group : *types) {
    actual_types[group.value] = group.count;
  }
  EXPECT_EQ(actual_types, expected_types);
}

TEST_P(QueryTest, GroupByOtherAttributes) {
  const std::map<std::string, std::string> paths = {{"ComplianceStatus", "Compliance.Status"},
                                                    {"WorkflowStatus", "Workflow.Status"},
                                                    {"AwsAccountId", "AwsAccountId"},
                                                    {"GeneratorId", "GeneratorId"},
                                                    {"RecordState", "RecordState"},
                                                    {"ProductArn", "ProductArn"}};
  for (const auto& [attribute, path] : paths) {
    auto groups = store_->GroupBy(Filters{}, attribute);
    ASSERT_TRUE(groups.has_value()) << attribute << ": " << groups.status().ToString();
    std::map<std::string, std::int64_t> expected;
    for (const Json& finding : findings_) {
      const std::string value = At(finding, path);
      if (!value.empty()) {
        ++expected[value];
      } else if (attribute == "WorkflowStatus") {
        ++expected["NEW"];
      } else if (attribute == "RecordState") {
        ++expected["ACTIVE"];
      }
    }
    std::map<std::string, std::int64_t> actual;
    for (const GroupCount& group : *groups) {
      actual[group.value] = group.count;
    }
    EXPECT_EQ(actual, expected) << attribute;
  }
  auto products = store_->GroupBy(Filters{}, "ProductName");
  ASSERT_TRUE(products.has_value());
  ASSERT_EQ(products->size(), 2u);
  EXPECT_EQ((*products)[0].value, "Security Hub");
  EXPECT_EQ((*products)[0].count, static_cast<std::int64_t>(std::size(kAsrFiles)));
  EXPECT_EQ((*products)[1].value, "Trivy");
  EXPECT_EQ((*products)[1].count, trivy_count_);

  auto tags = store_->GroupBy(Filters{}, "ResourceTags");
  ASSERT_TRUE(tags.has_value());
  std::map<std::string, std::int64_t> tag_counts;
  for (const GroupCount& group : *tags) {
    tag_counts[group.value] = group.count;
  }
  EXPECT_EQ(tag_counts, (std::map<std::string, std::int64_t>{
                            {"env=prod", 1}, {"team=core-banking", 1}, {"team=payments", 1}}));

  auto types = store_->GroupBy(Filters{}, "Type");
  ASSERT_TRUE(types.has_value());
  std::int64_t total = 0;
  for (const GroupCount& group : *types) {
    total += group.count;
  }
  EXPECT_EQ(total, static_cast<std::int64_t>(findings_.size()));
}

TEST_P(QueryTest, GroupByHonoursFilter) {
  auto groups = store_->GroupBy(
      ParsedFilters(R"({"ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}]})"),
      "SeverityLabel");
  ASSERT_TRUE(groups.has_value());
  std::int64_t total = 0;
  for (const GroupCount& group : *groups) {
    total += group.count;
  }
  EXPECT_EQ(total, Expected([](const Json& f) { return At(f, "Compliance.Status") == "FAILED"; }));
}

TEST_P(QueryTest, GroupByRejectsUnknownAndDateAttributes) {
  auto unknown = store_->GroupBy(Filters{}, "ResourceTyp");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_THAT(unknown.status().message(), HasSubstr("did you mean ResourceType?"));
  auto date = store_->GroupBy(Filters{}, "UpdatedAt");
  ASSERT_FALSE(date.has_value());
  EXPECT_THAT(date.status().message(), HasSubstr("date attribute"));
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryTest, ::testing::ValuesIn(QueryBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace rampart::store
