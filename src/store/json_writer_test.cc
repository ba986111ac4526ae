#include "store/json_writer.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/file.h"
#include "store/test_support.h"

namespace rampart::store {
namespace {

TEST(WriteJson, MatchesDumpOnEverySharedFindingsFile) {
  RAMPART_REQUIRE_SHARED_DATA();
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(RAMPART_SHARED_DATA) / "findings")) {
    if (entry.path().extension() != ".json") {
      continue;
    }
    auto text = ReadFile(entry.path().string());
    ASSERT_TRUE(text.has_value());
    auto json = ParseJson(*text, entry.path().string());
    if (!json) {
      continue;  // not JSON as a whole, such as JSON lines
    }
    std::string written;
    ASSERT_TRUE(WriteJson(*json, written)) << entry.path();
    EXPECT_EQ(Json::parse(written), *json) << entry.path();
    EXPECT_EQ(written, json->dump()) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 20);
}

TEST(WriteJson, EscapesControlCharactersAndQuotes) {
  const Json value = {{"text", std::string("a\"b\\c\nd\te\x01\x1f/")},
                      {"emoji", "caf\u00e9 \U0001F510"}};
  std::string written;
  ASSERT_TRUE(WriteJson(value, written));
  EXPECT_EQ(written, value.dump());
  EXPECT_EQ(Json::parse(written), value);
}

// Plain characters are skipped eight at a time, so put each kind of special byte at every
// offset of a string longer than two words.
TEST(WriteJson, EscapesAtEveryOffset) {
  for (const std::string& special : std::vector<std::string>{
           "\"", "\\", "\n", std::string(1, '\x01'), "\x1f", "\x7f", "\u00e9", "\U0001F510"}) {
    for (std::size_t offset = 0; offset < 20; ++offset) {
      std::string text(20, 'x');
      text.insert(offset, special);
      std::string written;
      ASSERT_TRUE(WriteJson(Json(text), written)) << offset;
      EXPECT_EQ(written, Json(text).dump()) << offset;
    }
  }
  std::string invalid(20, 'x');
  invalid[13] = '\xff';
  std::string written;
  EXPECT_FALSE(WriteJson(Json(invalid), written));
}

TEST(WriteJson, WritesNumbersAndLiterals) {
  const Json value =
      Json::parse(R"([0, -7, 18446744073709551615, 40.0, 5.3, 1e+20, true, false, null])");
  std::string written;
  ASSERT_TRUE(WriteJson(value, written));
  EXPECT_EQ(written, value.dump());
  EXPECT_EQ(Json::parse(written), value);
}

TEST(WriteJson, NonFiniteFloatBecomesNull) {
  std::string written;
  ASSERT_TRUE(WriteJson(Json(std::nan("")), written));
  EXPECT_EQ(written, "null");
}

TEST(WriteJson, RejectsInvalidUtf8) {
  std::string written;
  for (const std::string& bad :
       {std::string("\xff"), std::string("ab\xc3"), std::string("\xc0\xaf"),
        std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80")}) {
    EXPECT_FALSE(WriteJson(Json(bad), written));
    EXPECT_FALSE(WriteJson(Json{{bad, 1}}, written));
  }
}

TEST(WriteJson, KeepsBufferCapacity) {
  std::string buffer;
  buffer.reserve(4096);
  const auto* data = buffer.data();
  ASSERT_TRUE(WriteJson(Json{{"a", 1}}, buffer));
  EXPECT_EQ(buffer, R"({"a":1})");
  EXPECT_EQ(buffer.data(), data);
}

TEST(EscapesNul, OnlyRealEscapes) {
  EXPECT_TRUE(EscapesNul(R"({"a":"x\u0000y"})"));
  EXPECT_FALSE(EscapesNul(R"({"a":"x\\u0000y"})"));
  EXPECT_TRUE(EscapesNul(R"({"a":"x\\\u0000y"})"));
  EXPECT_FALSE(EscapesNul(R"({"a":"u0000"})"));
}

}  // namespace
}  // namespace rampart::store
