#include "core/file.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "core/hash.h"

namespace rampart {
namespace {

std::string Gzip(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(static_cast<uLong>(data.size())) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

TEST(ReadFile, ReadsGzipTransparently) {
  const auto path = std::filesystem::temp_directory_path() / "rampart_file_test.gz";
  ASSERT_TRUE(WriteFileAtomic(path.string(), Gzip("hello world")).ok());
  auto data = ReadFile(path.string());
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(*data, "hello world");
  std::filesystem::remove(path);
}

TEST(ReadFile, TruncatedGzipIsAnError) {
  const auto path = std::filesystem::temp_directory_path() / "rampart_file_test_cut.gz";
  const std::string packed = Gzip(std::string(10000, 'x') + "tail");
  ASSERT_TRUE(WriteFileAtomic(path.string(), packed.substr(0, packed.size() / 2)).ok());
  auto data = ReadFile(path.string());
  ASSERT_FALSE(data.has_value());
  EXPECT_NE(data.status().message().find("truncated"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(ReadFile, UpToCutKeepsWhatPrecedesTheCut) {
  const auto path = std::filesystem::temp_directory_path() / "rampart_file_test_upto.gz";
  std::string lines;
  for (int i = 0; i < 20000; ++i) {
    lines += "line " + std::to_string(i) + "\n";
  }
  const std::string packed = Gzip(lines);
  ASSERT_TRUE(WriteFileAtomic(path.string(), packed.substr(0, packed.size() / 2)).ok());
  bool truncated = false;
  auto data = ReadFileUpToCut(path.string(), truncated);
  ASSERT_TRUE(data.has_value()) << data.status().ToString();
  EXPECT_TRUE(truncated);
  EXPECT_GT(data->size(), lines.size() / 4);
  EXPECT_LT(data->size(), lines.size());
  EXPECT_EQ(*data, lines.substr(0, data->size()));  // a prefix of the original

  ASSERT_TRUE(WriteFileAtomic(path.string(), packed).ok());
  auto whole = ReadFileUpToCut(path.string(), truncated);
  ASSERT_TRUE(whole.has_value());
  EXPECT_FALSE(truncated);
  EXPECT_EQ(*whole, lines);

  std::string corrupt = packed;
  corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x5a);
  corrupt[corrupt.size() / 2 + 1] = static_cast<char>(corrupt[corrupt.size() / 2 + 1] ^ 0x33);
  ASSERT_TRUE(WriteFileAtomic(path.string(), corrupt).ok());
  auto damaged = ReadFileUpToCut(path.string(), truncated);
  ASSERT_FALSE(damaged.has_value()) << "a corrupt stream is not a cut one";
  EXPECT_NE(damaged.status().message().find("corrupt"), std::string::npos)
      << damaged.status().ToString();
  std::filesystem::remove(path);
}

TEST(ReadFile, ReadsEveryGzipMember) {
  const auto path = std::filesystem::temp_directory_path() / "rampart_file_test_members.gz";
  ASSERT_TRUE(WriteFileAtomic(path.string(), Gzip("first\n") + Gzip("second\n")).ok());
  auto data = ReadFile(path.string());
  ASSERT_TRUE(data.has_value()) << data.status().ToString();
  EXPECT_EQ(*data, "first\nsecond\n");

  const std::string second = Gzip(std::string(5000, 'y'));
  ASSERT_TRUE(
      WriteFileAtomic(path.string(), Gzip("first\n") + second.substr(0, second.size() / 2)).ok());
  bool truncated = false;
  auto cut = ReadFileUpToCut(path.string(), truncated);
  ASSERT_TRUE(cut.has_value()) << cut.status().ToString();
  EXPECT_TRUE(truncated);
  EXPECT_EQ(cut->substr(0, 6), "first\n");
  EXPECT_FALSE(ReadFile(path.string()).has_value());
  std::filesystem::remove(path);
}

TEST(ReadFile, MissingFileNamesPath) {
  auto data = ReadFile("/nonexistent/rampart.json");
  ASSERT_FALSE(data.has_value());
  EXPECT_NE(data.status().message().find("/nonexistent/rampart.json"), std::string::npos);
}

TEST(ReadFile, SizeLimitIsEnforced) {
  const auto path = std::filesystem::temp_directory_path() / "rampart_file_test_big";
  ASSERT_TRUE(WriteFileAtomic(path.string(), std::string(100, 'a')).ok());
  auto data = ReadFile(path.string(), 10);
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.status().code(), StatusCode::kResourceExhausted);
  std::filesystem::remove(path);
}

// A target that is a folder cannot be replaced; the temporary file must not stay behind.
TEST(WriteFileAtomic, FailedReplaceLeavesNoTemporaryFile) {
  const auto folder = std::filesystem::temp_directory_path() /
                      ("rampart_file_test_folder_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder / "inside");
  const Status status = WriteFileAtomic(folder.string(), "data");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("cannot replace it"), std::string::npos) << status.message();
  EXPECT_FALSE(std::filesystem::exists(folder.string() + ".tmp"));
  std::filesystem::remove_all(folder);
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(StableId, SeparatesParts) {
  EXPECT_NE(StableId({"ab", "c"}), StableId({"a", "bc"}));
  EXPECT_EQ(StableId({"a", "b"}).size(), 32u);
}

}  // namespace
}  // namespace rampart
