#include "core/utf8.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace rampart {
namespace {

TEST(FindInvalidUtf8, AcceptsValidText) {
  EXPECT_EQ(FindInvalidUtf8(""), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("plain ASCII\n"), std::string_view::npos);
  // U+00E9, U+20AC, U+10348 and U+10FFFF: two, three and four bytes.
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x90\x8D\x88 \xF4\x8F\xBF\xBF"),
            std::string_view::npos);
}

TEST(FindInvalidUtf8, ReturnsOffsetOfFirstBadByte) {
  EXPECT_EQ(FindInvalidUtf8("ab\x8D"), 2u);            // continuation byte without a lead
  EXPECT_EQ(FindInvalidUtf8("caf\xE9 latte"), 3u);     // Latin-1, not UTF-8
  EXPECT_EQ(FindInvalidUtf8("x\xC0\xAF"), 1u);         // overlong form of '/'
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("ok \xE2\x82"), 3u);       // sequence cut short
  EXPECT_EQ(FindInvalidUtf8(std::string("a\0\xFF", 3)), 2u);
}

TEST(ToValidUtf8, ReplacesEachInvalidByte) {
  EXPECT_EQ(ToValidUtf8("plain"), "plain");
  EXPECT_EQ(ToValidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(ToValidUtf8("r\xFFoot"), "r\xEF\xBF\xBDoot");
  EXPECT_EQ(ToValidUtf8("temp\xE9rature"), "temp\xEF\xBF\xBDrature");              // Latin-1
  EXPECT_EQ(ToValidUtf8("\xC3"), "\xEF\xBF\xBD");                                  // cut short
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(FindInvalidUtf8(ToValidUtf8("\x80\x81 \xF5")), std::string_view::npos);
}

}  // namespace
}  // namespace rampart
