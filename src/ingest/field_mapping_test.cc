#include "ingest/field_mapping.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ingest/more_readers.h"
#include "ingest/more_readers_test_util.h"

namespace rampart::ingest {
namespace {

using namespace detail;

TEST(Truncate, KeepsShortTextAndCutsLongText) {
  EXPECT_EQ(Truncate("abc", 3), "abc");
  EXPECT_EQ(Truncate("abcdef", 5), "ab...");
  EXPECT_EQ(Truncate("abcdef", 2), "..");
}

TEST(Truncate, NeverSplitsUtf8Sequence) {
  const std::string text = "aé€😀bcdef";  // 1, 2, 3 and 4 byte characters
  for (std::size_t limit = 3; limit < text.size(); ++limit) {
    SCOPED_TRACE(limit);
    const std::string cut = Truncate(text, limit);
    EXPECT_LE(cut.size(), limit);
    EXPECT_NO_THROW(Json(cut).dump());  // dump throws on invalid UTF-8
  }
}

TEST(Placeholders, AccountAndRegionChecks) {
  EXPECT_TRUE(IsPlaceholder("<account_uid>"));
  EXPECT_FALSE(IsPlaceholder("123456789012"));
  EXPECT_EQ(AwsAccountIdOr("123456789012", "000000000000"), "123456789012");
  EXPECT_EQ(AwsAccountIdOr("<account_uid>", "000000000000"), "000000000000");
  EXPECT_EQ(AwsAccountIdOr("12345678901", "000000000000"), "000000000000");
  EXPECT_EQ(AwsAccountIdOr("ACCOUNT_ID", "000000000000"), "000000000000");
  for (const char* region : {"eu-west-1", "us-gov-west-1", "ap-southeast-2", "cn-north-1"}) {
    EXPECT_TRUE(IsAwsRegion(region)) << region;
  }
  for (const char* region :
       {"<region>", "", "eu", "eu-west", "EU-WEST-1", "e-west-1", "eu--1", "eu-west--1"}) {
    EXPECT_FALSE(IsAwsRegion(region)) << region;
  }
}

TEST(Timestamps, EpochBoundsAndForms) {
  EXPECT_EQ(TimestampFromEpochSeconds(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(TimestampFromEpochSeconds(253402300799.0), "9999-12-31T23:59:59.000Z");
  EXPECT_FALSE(TimestampFromEpochSeconds(-1));
  EXPECT_FALSE(TimestampFromEpochSeconds(1e300));
  EXPECT_FALSE(TimestampFromEpochSeconds(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ(TimestampFromJson(Json(1492735675000LL)), "2017-04-21T00:47:55.000Z");  // ms
  EXPECT_EQ(TimestampFromJson(Json(1492735675)), "2017-04-21T00:47:55.000Z");
  EXPECT_EQ(TimestampFromJson(Json("2017-04-21T02:47:55+02:00")), "2017-04-21T00:47:55.000Z");
  EXPECT_FALSE(TimestampFromJson(Json(true)));
}

TEST(Members, TypedLookupsNeverThrow) {
  const Json object = {{"n", 5}, {"s", "-12"}, {"x", nullptr}, {"big", 18446744073709551615ULL}};
  EXPECT_EQ(IntegerMember(object, "n"), 5);
  EXPECT_EQ(IntegerMember(object, "s"), -12);
  EXPECT_FALSE(IntegerMember(object, "big"));
  EXPECT_FALSE(IntegerMember(object, "x"));
  EXPECT_EQ(Member(object, "x"), nullptr);
  EXPECT_EQ(StringMember(object, "n"), "");
  EXPECT_EQ(StringMember(Json::array({1}), "n"), "");
  EXPECT_EQ(ObjectMember(Json("text"), "n"), nullptr);
}

TEST(ProductFields, LimitsCountAndLength) {
  Json finding = Json::object();
  for (int i = 0; i < 60; ++i) {
    AddProductField(finding, "key" + std::to_string(i), std::string(3000, 'v'));
  }
  EXPECT_EQ(finding.at("ProductFields").size(), kMaxProductFields);
  EXPECT_EQ(finding.at("ProductFields").at("key0").get<std::string>().size(),
            kMaxProductFieldValueBytes);
  AddProductField(finding, "key0", "replaced");  // an existing key may still change
  EXPECT_EQ(finding.at("ProductFields").at("key0"), "replaced");
}

TEST(FirstNonBlankLine, SkipsBlankLines) {
  EXPECT_EQ(FirstNonBlankLine("\n  \r\n{\"a\":1}\r\nnext"), "{\"a\":1}");
  EXPECT_EQ(FirstNonBlankLine("\n\n"), "");
  EXPECT_EQ(FirstNonBlankLine("only"), "only");
}

// Which of these readers claims each real report: exactly the one for its format, and none
// for the other formats in the shared data.
TEST(MoreReadersDetection, RealReportsClaimedByOwnReader) {
  RAMPART_SKIP_WITHOUT_SHARED_DATA();
  const std::map<std::string, std::string> expected = {
      {"kube-bench/result.json", "kube-bench"},
      {"kube-bench/controlsCollection.json", "kube-bench"},
      {"kube-bench/passedControlsCollection.json", "kube-bench"},
      {"guardduty/ec2-finding.json", "guardduty"},
      {"guardduty/iam-accesskey-finding.json", "guardduty"},
      {"guardduty/s3-finding.json", "guardduty"},
      {"prowler/aws.ocsf.json", "ocsf"},
      {"prowler/kubernetes.ocsf.json", "ocsf"}};
  std::vector<std::unique_ptr<Reader>> readers;
  readers.push_back(MakeKubeBenchReader());
  readers.push_back(MakeGuardDutyReader());
  readers.push_back(MakeOcsfReader());
  readers.push_back(MakeFalcoReader());
  readers.push_back(MakeInspectorReader());
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::FindingsDir())) {
    if (!entry.is_regular_file()) {
      continue;
    }
    const std::string relative =
        std::filesystem::relative(entry.path(), testing::FindingsDir()).generic_string();
    SCOPED_TRACE(relative);
    ++files;
    auto text = ReadFile(entry.path().string());
    ASSERT_TRUE(text.has_value());
    auto document = ParseJson(*text, relative);
    // Line-oriented input reaches readers without a document, as the framework passes it.
    const Input input{*text, document ? &*document : nullptr};
    std::string claimed;
    for (const auto& reader : readers) {
      if (reader->Detect(input)) {
        claimed += (claimed.empty() ? "" : ",") + std::string(reader->Name());
      }
    }
    const auto it = expected.find(relative);
    EXPECT_EQ(claimed, it == expected.end() ? "" : it->second);
  }
  EXPECT_GE(files, expected.size());
}

}  // namespace
}  // namespace rampart::ingest
