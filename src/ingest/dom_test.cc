#include "ingest/dom.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace rampart::ingest {
namespace {

using ::testing::HasSubstr;

// An array of `count` zeros: about two bytes of JSON per value.
std::string Zeros(std::size_t count) {
  std::string text = "[0";
  for (std::size_t i = 1; i < count; ++i) {
    text += ",0";
  }
  return text + "]";
}

TEST(DomDocument, KeepsParserUpToItsRetainedCapacity) {
  const std::string text = Zeros(50'000);
  {
    DomDocument document;
    ASSERT_TRUE(document.Parse(text, "zeros").ok());
  }
  EXPECT_GE(DomDocument::SpareCapacity(), text.size());
  {
    DomDocument document(4096);
    ASSERT_TRUE(document.Parse(text, "zeros").ok());
  }
  // The large parser went to the second document and was freed with it.
  EXPECT_EQ(DomDocument::SpareCapacity(), 0u);
  {
    DomDocument document(4096);
    ASSERT_TRUE(document.Parse("[1, 2]", "small").ok());
  }
  EXPECT_GT(DomDocument::SpareCapacity(), 0u);
  EXPECT_LE(DomDocument::SpareCapacity(), 4096u);
}

TEST(DomDocument, NulByteAfterDocumentIsRejected) {
  DomDocument document;
  const std::string text("{\"a\": 1}\0{", 10);
  EXPECT_FALSE(document.TryParse(text));
  const Status status = document.Parse(text, "report.json");
  EXPECT_THAT(status.message(), HasSubstr("report.json: invalid JSON at line 1, column 9"));
  EXPECT_THAT(status.message(), HasSubstr("NUL byte"));
}

TEST(DomDocument, LastDuplicateKeyWins) {
  DomDocument document;
  ASSERT_TRUE(document.Parse(R"({"Id": "first", "Id": "last"})", "dup.json").ok());
  EXPECT_EQ(document.root().ToJson()["Id"], "last");
}

TEST(DomDocument, HugeIntegerIsExplained) {
  DomDocument document;
  const Status status = document.Parse(R"({"n": 123456789012345678901234567890})", "big.json");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("big.json: the JSON cannot be read"));
}

}  // namespace
}  // namespace rampart::ingest
