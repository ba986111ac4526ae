// The building blocks of the matcher, each checked against a plain reference.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pattern/byte_trie.h"
#include "pattern/case_fold.h"
#include "pattern/consistency.h"
#include "pattern/event_reader.h"
#include "pattern/flat_map.h"
#include "pattern/ip_address.h"
#include "pattern/range_index.h"
#include "pattern/wildcard.h"

namespace rampart::pattern {
namespace {

std::vector<std::uint32_t> Sorted(std::vector<std::uint32_t> values) {
  std::sort(values.begin(), values.end());
  return values;
}

TEST(IpAddress, ParsesBothFamilies) {
  const auto v4 = ParseIpAddress("10.1.2.3");
  ASSERT_TRUE(v4.has_value());
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->address.low, 0x0A010203u);
  const auto v6 = ParseIpAddress("2001:db8::1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->v6);
  EXPECT_EQ(v6->address.high, 0x20010DB800000000u);
  EXPECT_EQ(v6->address.low, 1u);
  EXPECT_FALSE(ParseIpAddress("10.1.2").has_value());
  EXPECT_FALSE(ParseIpAddress("10.1.2.3.4").has_value());
  EXPECT_FALSE(ParseIpAddress("256.1.2.3").has_value());
  EXPECT_FALSE(ParseIpAddress("2001:db8:::1").has_value());
  EXPECT_FALSE(ParseIpAddress("").has_value());
}

TEST(IpAddress, CidrRanges) {
  IpRange range;
  std::string reason;
  ASSERT_EQ(ParseCidr("192.168.1.77/24", range, reason), CidrProblem::kNone);
  EXPECT_EQ(range.first.low, 0xC0A80100u);
  EXPECT_EQ(range.last.low, 0xC0A801FFu);
  ASSERT_EQ(ParseCidr("2001:db8::/32", range, reason), CidrProblem::kNone);
  EXPECT_EQ(range.first.high, 0x20010DB800000000u);
  EXPECT_EQ(range.last.high, 0x20010DB8FFFFFFFFu);
  EXPECT_EQ(range.last.low, ~0ULL);
  ASSERT_EQ(ParseCidr("::/0", range, reason), CidrProblem::kNone);
  EXPECT_EQ(range.last.high, ~0ULL);
  ASSERT_EQ(ParseCidr("10.0.0.9/32", range, reason), CidrProblem::kNone);
  EXPECT_EQ(range.first, range.last);
  EXPECT_EQ(ParseCidr("10.0.0.0/08", range, reason), CidrProblem::kMask);
  EXPECT_EQ(ParseCidr("10.0.0.0/", range, reason), CidrProblem::kMask);
  EXPECT_EQ(ParseCidr("10.0.0.0/99999999999", range, reason), CidrProblem::kMask);
  EXPECT_EQ(ParseCidr("10.0.0.0/3x", range, reason), CidrProblem::kMask);
  EXPECT_EQ(ParseCidr("fe80::1%eth0/64", range, reason), CidrProblem::kAddress);
}

TEST(CaseFold, MapsUpperToLower) {
  EXPECT_EQ(FoldCase("HeLLo, World 42"), "hello, world 42");
  EXPECT_EQ(FoldCase("ÀÉÎÕÜ"), "àéîõü");
  EXPECT_EQ(FoldCase("ŁÓDŹ"), "łódź");
  EXPECT_EQ(FoldCase("ΣΟΦΊΑ"), "σοφία");
  EXPECT_EQ(FoldCase("ς"), "σ");
  EXPECT_EQ(FoldCase("ПРИВЕТ ЁЖ"), "привет ёж");
  EXPECT_EQ(FoldCase("ԱՐԱՄ"), "արամ");
  EXPECT_EQ(FoldCase("ＡＢＣ"), "ａｂｃ");
  EXPECT_EQ(FoldCase("×÷"), "×÷");
  EXPECT_EQ(FoldCase("日本"), "日本");
  EXPECT_EQ(FoldCase(std::string("\xC3\x28\xFF", 3)), std::string("\xC3\x28\xFF", 3));
}

// Reference glob matcher: exponential in the worst case, fine for short test inputs.
bool GlobMatches(std::string_view pattern, std::string_view value) {
  if (pattern.empty()) {
    return value.empty();
  }
  if (pattern[0] == '*') {
    for (std::size_t skip = 0; skip <= value.size(); ++skip) {
      if (GlobMatches(pattern.substr(1), value.substr(skip))) {
        return true;
      }
    }
    return false;
  }
  return !value.empty() && pattern[0] == value[0] &&
         GlobMatches(pattern.substr(1), value.substr(1));
}

std::string RandomText(std::mt19937_64& random, std::size_t max_length, const char* alphabet) {
  std::uniform_int_distribution<std::size_t> length(0, max_length);
  std::uniform_int_distribution<std::size_t> pick(0, std::char_traits<char>::length(alphabet) - 1);
  std::string text;
  for (std::size_t n = length(random); n > 0; --n) {
    text += alphabet[pick(random)];
  }
  return text;
}

std::string RandomGlob(std::mt19937_64& random) {
  std::string glob;
  for (char c : RandomText(random, 6, "ab*")) {
    if (c != '*' || glob.empty() || glob.back() != '*') {
      glob += c;
    }
  }
  return glob;
}

TEST(WildcardSet, DfaAndIndexAgreeWithReference) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 40; ++round) {
    std::vector<std::string> globs;
    WildcardSet dfa;
    WildcardSet indexed;
    for (std::uint32_t i = 0; i < 12; ++i) {
      globs.push_back(RandomGlob(random));
      WildcardProgram program;
      std::size_t offset = 0;
      ASSERT_EQ(ParseWildcard(globs.back(), program, offset), WildcardProblem::kNone);
      dfa.Add(program, i);
      indexed.Add(program, i);
    }
    dfa.Build();
    indexed.Build(/*max_dfa_states=*/2);
    ASSERT_FALSE(dfa.indexed());
    ASSERT_TRUE(indexed.indexed());
    for (int v = 0; v < 60; ++v) {
      const std::string value = RandomText(random, 8, "abc");
      std::vector<std::uint32_t> expected;
      for (std::uint32_t i = 0; i < globs.size(); ++i) {
        if (GlobMatches(globs[i], value)) {
          expected.push_back(i);
        }
      }
      std::vector<std::uint32_t> from_dfa;
      std::vector<std::uint32_t> from_index;
      dfa.Match(value, from_dfa);
      indexed.Match(value, from_index);
      EXPECT_EQ(Sorted(from_dfa), expected) << "value " << value;
      EXPECT_EQ(Sorted(from_index), expected) << "value " << value;
    }
  }
}

TEST(WildcardSet, ManyPatternsStayLinear) {
  // Patterns such as *a*a*a*...b make a DFA grow exponentially. The cap must stop that
  // growth, and the index must still find the right targets.
  WildcardSet set;
  std::vector<std::string> globs;
  for (std::uint32_t i = 0; i < 64; ++i) {
    std::string glob = "*";
    for (std::uint32_t k = 0; k <= i % 8; ++k) {
      glob += std::string(1, static_cast<char>('a' + (i + k) % 3)) + "*";
    }
    glob += "z";
    globs.push_back(glob);
    WildcardProgram program;
    std::size_t offset = 0;
    ASSERT_EQ(ParseWildcard(glob, program, offset), WildcardProblem::kNone);
    set.Add(program, i);
  }
  set.Build(/*max_dfa_states=*/256);
  const std::string value = std::string(200, 'a') + "bcbcbcz";
  std::vector<std::uint32_t> matched;
  set.Match(value, matched);
  std::vector<std::uint32_t> expected;
  for (std::uint32_t i = 0; i < globs.size(); ++i) {
    if (GlobMatches(globs[i], value)) {
      expected.push_back(i);
    }
  }
  EXPECT_EQ(Sorted(matched), expected);
  EXPECT_FALSE(expected.empty());
}

TEST(ByteTrie, HashedAndWalkedAgree) {
  ByteTrie hashed;
  ByteTrie walked;
  const std::vector<std::string> keys = {"", "a", "ab", "abc", "b", "abd"};
  for (std::uint32_t i = 0; i < keys.size(); ++i) {
    hashed.Insert(keys[i], i);
    walked.Insert(keys[i], i);
  }
  // Keys of more than eight distinct lengths make the trie walk.
  for (std::uint32_t length = 4; length < 14; ++length) {
    walked.Insert(std::string(length, 'z'), 100 + length);
  }
  hashed.Freeze();
  walked.Freeze();
  for (const std::string value : {"abc", "abdx", "b", "", "c"}) {
    std::vector<std::uint32_t> a;
    std::vector<std::uint32_t> b;
    hashed.MatchPrefixes(value, a);
    walked.MatchPrefixes(value, b);
    EXPECT_EQ(Sorted(a), Sorted(b)) << value;
  }
  std::vector<std::uint32_t> found;
  hashed.MatchPrefixes("abc", found);
  EXPECT_EQ(Sorted(found), (std::vector<std::uint32_t>{0, 1, 2, 3}));
  EXPECT_TRUE(hashed.Remove("ab", 2));
  EXPECT_FALSE(hashed.Remove("ab", 2));
  hashed.Freeze();
  found.clear();
  hashed.MatchPrefixes("abc", found);
  EXPECT_EQ(Sorted(found), (std::vector<std::uint32_t>{0, 1, 3}));
}

TEST(ByteTrie, SuffixesReadBackwards) {
  ByteTrie suffixes;
  suffixes.Insert(".png", 1, /*reversed=*/true);
  suffixes.Insert("g", 2, /*reversed=*/true);
  suffixes.Insert(".jpg", 3, /*reversed=*/true);
  suffixes.Freeze();
  std::vector<std::uint32_t> found;
  suffixes.MatchSuffixes("a.png", found);
  EXPECT_EQ(Sorted(found), (std::vector<std::uint32_t>{1, 2}));
}

TEST(FlatTargetMap, FindsEveryKeyAndNoOther) {
  std::unordered_map<std::string, std::vector<std::uint32_t>> source;
  for (std::uint32_t i = 0; i < 5000; ++i) {
    source[std::to_string(i * 7)] = {i};
  }
  source["shared"] = {1, 2, 3};
  FlatTargetMap map;
  map.Build(source);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    std::vector<std::uint32_t> found;
    map.Find(std::to_string(i * 7), found);
    ASSERT_EQ(found, std::vector<std::uint32_t>{i});
    found.clear();
    map.Find(std::to_string(i * 7 + 1), found);
    ASSERT_TRUE(found.empty());
  }
  std::vector<std::uint32_t> shared;
  map.Find("shared", shared);
  EXPECT_EQ(shared, (std::vector<std::uint32_t>{1, 2, 3}));
}

TEST(RangeIndex, FlatAndTreeAgreeWithBruteForce) {
  std::mt19937_64 random(11);
  std::uniform_int_distribution<int> point(-20, 20);
  for (const bool overlapping : {false, true}) {
    RangeIndex<double> index;
    std::vector<KeyRange<double>> ranges;
    for (std::uint32_t i = 0; i < 200; ++i) {
      double low = point(random);
      double high = overlapping ? low + 30 : low + (i % 3);
      ranges.push_back({low, i % 2 == 0, high, i % 4 < 2});
      index.Add(ranges.back(), i);
    }
    index.Build();
    for (double key = -25; key <= 55; key += 0.5) {
      std::vector<std::uint32_t> expected;
      for (std::uint32_t i = 0; i < ranges.size(); ++i) {
        const auto& r = ranges[i];
        const bool above = r.low_inclusive ? key >= r.low : key > r.low;
        const bool below = r.high_inclusive ? key <= r.high : key < r.high;
        if (above && below) {
          expected.push_back(i);
        }
      }
      std::vector<std::uint32_t> found;
      index.Query(key, found);
      ASSERT_EQ(Sorted(found), expected) << "key " << key << " overlapping " << overlapping;
    }
  }
}

TEST(Consistency, OneElementPerArray) {
  // chain 1 = d[0], chain 2 = d[1] (array 0); chain 3 = e[0] (array 1).
  const std::vector<ChainNode> chains = {{0, 0, 0}, {0, 0, 0}, {0, 0, 1}, {0, 1, 0}};
  ConsistencyScratch scratch;
  const std::vector<std::uint32_t> none;
  const std::vector<Witness> split = {{1, 1}, {2, 2}};
  EXPECT_FALSE(ConsistentChoiceExists(chains, split, none, 3, scratch));
  const std::vector<Witness> same = {{1, 1}, {2, 2}, {2, 1}};
  EXPECT_TRUE(ConsistentChoiceExists(chains, same, none, 3, scratch));
  const std::vector<Witness> two_arrays = {{1, 1}, {3, 2}};
  EXPECT_TRUE(ConsistentChoiceExists(chains, two_arrays, none, 3, scratch));
  const std::vector<Witness> root_and_array = {{0, 1}, {2, 2}};
  EXPECT_TRUE(ConsistentChoiceExists(chains, root_and_array, none, 3, scratch));
  // A missing-field value in d[1] is hidden by choosing d[0], but not when only d[1] works.
  const std::vector<std::uint32_t> absent_in_second = {2};
  const std::vector<Witness> both_elements = {{1, 1}, {2, 1}};
  EXPECT_TRUE(ConsistentChoiceExists(chains, both_elements, absent_in_second, 1, scratch));
  const std::vector<Witness> second_only = {{2, 1}};
  EXPECT_FALSE(ConsistentChoiceExists(chains, second_only, absent_in_second, 1, scratch));
}

TEST(Consistency, LargeArraysStayFast) {
  // 20,000 elements, "a" in even ones and "b" in odd ones, so no element has both.
  std::vector<ChainNode> chains = {{0, 0, 0}};
  std::vector<Witness> witnesses;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    chains.push_back({0, 0, i});
    witnesses.push_back({i + 1, i % 2 == 0 ? 1u : 2u});
  }
  ConsistencyScratch scratch;
  EXPECT_FALSE(ConsistentChoiceExists(chains, witnesses, {}, 3, scratch));
  witnesses.push_back({20000, 1});  // the last element (odd, has "b") gets "a" too
  EXPECT_TRUE(ConsistentChoiceExists(chains, witnesses, {}, 3, scratch));
}

// A broken event names the line and column of the fault: the '}' after the trailing comma is
// the 21st character of line 3. simdjson alone gives only the kind of fault.
TEST(EventReader, InvalidEventNamesLineAndColumn) {
  EventReader reader;
  const Status status =
      reader.Validate("{\n  \"source\": \"aws.s3\",\n  \"detail\": {\"x\": 1,}\n}\n");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().rfind("invalid event JSON at line 3, column 21: ", 0), 0u)
      << status.message();
}

}  // namespace
}  // namespace rampart::pattern
