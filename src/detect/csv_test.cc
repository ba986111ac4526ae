#include "detect/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rampart::detect {
namespace {

using testing::HasSubstr;

TEST(Csv, DropsByteOrderMarkAndTrimsHeader) {
  auto table = ParseCsv("\xEF\xBB\xBFtimestamp, value , label\n1,2,0\n", "rows.csv");
  ASSERT_TRUE(table.has_value()) << table.status().ToString();
  EXPECT_EQ(table->header, (std::vector<std::string>{"timestamp", "value", "label"}));

  std::vector<std::string> names;
  auto matrix = CsvFeatures(*table, {}, "rows.csv", names);
  ASSERT_TRUE(matrix.has_value()) << matrix.status().ToString();
  EXPECT_EQ(names, std::vector<std::string>{"value"});  // the label is not a feature
  EXPECT_EQ(matrix->At(0, 0), 2.0);
}

TEST(Csv, RejectsRepeatedColumnName) {
  auto table = ParseCsv("a,b,a\n1,2,3\n", "rows.csv");
  ASSERT_FALSE(table.has_value());
  EXPECT_EQ(table.status().message(),
            "rows.csv: line 1: column \"a\" appears twice (columns 1 and 3); give each column its "
            "own name");
}

TEST(Csv, RejectsFeatureNamedTwice) {
  auto table = ParseCsv("a,b\n1,2\n", "rows.csv");
  ASSERT_TRUE(table.has_value());
  std::vector<std::string> names;
  auto matrix = CsvFeatures(*table, {"a", "a"}, "rows.csv", names);
  ASSERT_FALSE(matrix.has_value());
  EXPECT_EQ(matrix.status().message(), "rows.csv: column \"a\" is named twice as a feature");
}

TEST(Csv, RowsWithoutHeaderCountLinesFromOne) {
  const std::vector<std::string> columns = {"cpu", "memory"};
  auto table = ParseCsvRows("1,2\n3,4\nx,5\n", "request body", columns);
  ASSERT_TRUE(table.has_value()) << table.status().ToString();
  ASSERT_EQ(table->rows.size(), 3u);
  auto bad = ParseCsvNumber(*table, 2, 0, "request body");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.status().message(), "request body: line 3, column \"cpu\": \"x\" is not a number");

  auto wide = ParseCsvRows("1,2\n1,2,3\n", "request body", columns);
  ASSERT_FALSE(wide.has_value());
  EXPECT_EQ(wide.status().message(),
            "request body: line 2: 3 values, but the model has 2 features (cpu, memory)");
}

// Skipping the empty line would give 3 scores for 4 lines of values, each after the gap on
// the row above its own.
TEST(Csv, EmptyLineInOneColumnIsAMissingValue) {
  auto gap = ParseCsv("value\n1\n\n3\n4\n", "rows.csv");
  ASSERT_FALSE(gap.has_value());
  EXPECT_EQ(gap.status().message(),
            "rows.csv: line 3 is empty; with one column an empty line is a missing value, so put "
            "a value there or remove the line");
  auto rows = ParseCsvRows("1\n\n2\n", "request body", {"value"});
  ASSERT_FALSE(rows.has_value());
  EXPECT_THAT(rows.status().message(), HasSubstr("request body: line 2 is empty"));

  auto trailing = ParseCsv("value\n1\n2\n\n\n", "rows.csv");
  ASSERT_TRUE(trailing.has_value()) << trailing.status().ToString();
  EXPECT_EQ(trailing->rows.size(), 2u);
  auto two_columns = ParseCsv("a,b\n1,2\n\n3,4\n", "rows.csv");
  ASSERT_TRUE(two_columns.has_value()) << two_columns.status().ToString();
  EXPECT_EQ(two_columns->line_numbers, (std::vector<std::size_t>{2, 4}));
}

// A quoted field may hold a newline; echoed raw into the server's log it would forge a line.
TEST(Csv, ErrorsEscapeAndCutTheCell) {
  auto table = ParseCsvRows("\"x\n2026-12-05 error forged\"\n" + std::string(100000, '7') + "x\n",
                            "request body", {"value"});
  ASSERT_TRUE(table.has_value()) << table.status().ToString();
  auto forged = ParseCsvNumber(*table, 0, 0, "request body");
  ASSERT_FALSE(forged.has_value());
  EXPECT_EQ(forged.status().message(),
            "request body: line 1, column \"value\": \"x\\n2026-12-05 error forged\" is not a "
            "number");
  auto huge = ParseCsvNumber(*table, 1, 0, "request body");
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.status().message(), "request body: line 3, column \"value\": \"" +
                                         std::string(60, '7') +
                                         "\" (the first 60 of 100001 bytes) is not a number");
}

TEST(Csv, TimesInRfc3339OrUnixSeconds) {
  auto table =
      ParseCsv("time,value\n2026-01-31 12:00:00,1\n1700000000,2\n1700000000500,3\nyesterday,4\n",
               "series.csv");
  ASSERT_TRUE(table.has_value()) << table.status().ToString();
  ASSERT_EQ(TimeColumn(*table), 0);
  auto parse = [&](std::size_t row) { return ParseCsvTime(*table, row, 0, "series.csv"); };
  EXPECT_EQ(FormatTimestamp(*parse(0)), "2026-01-31T12:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(*parse(1)), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(FormatTimestamp(*parse(2)), "2023-11-14T22:13:20.500Z");  // milliseconds
  ASSERT_FALSE(parse(3).has_value());
  EXPECT_THAT(parse(3).status().message(),
              HasSubstr("series.csv: line 5, column \"time\": \"yesterday\" is not a time"));
}

}  // namespace
}  // namespace rampart::detect
