#include <gtest/gtest.h>

#include "ingest/reader.h"

namespace rampart::ingest {
namespace {

TEST(ReadReportTest, EmptyInputIsRejected) {
  auto result = ReadReport("  \n", {});
  ASSERT_FALSE(result);
  EXPECT_NE(result.status().message().find("empty"), std::string::npos);
}

}  // namespace
}  // namespace rampart::ingest
