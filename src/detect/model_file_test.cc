#include "detect/model_file.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/hash.h"
#include "detect/byte_codec.h"

namespace rampart::detect {
namespace {

ModelFile SampleFile() {
  ModelFile file;
  file.kind = ModelKind::kRandomCutForest;
  file.feature_names = {"cpu", "memory"};
  file.metadata = {{"threshold", "1.25"}};
  file.payload = std::string("payload\0bytes", 13);
  return file;
}

TEST(ModelFile, RoundTrips) {
  auto decoded = DecodeModelFile(EncodeModelFile(SampleFile()), "model.bin");
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
  EXPECT_EQ(decoded->kind, ModelKind::kRandomCutForest);
  EXPECT_EQ(decoded->feature_names, (std::vector<std::string>{"cpu", "memory"}));
  EXPECT_EQ(decoded->metadata.at("threshold"), "1.25");
  EXPECT_EQ(decoded->payload, std::string("payload\0bytes", 13));
}

TEST(ModelFile, RejectsOtherVersion) {
  for (const char version : {1, 2, 5}) {
    std::string bytes = EncodeModelFile(SampleFile());
    bytes[8] = version;  // the version field's low byte
    auto decoded = DecodeModelFile(bytes, "model.bin");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_NE(decoded.status().message().find(
                  fmt::format("format version {} is not supported", static_cast<int>(version))),
              std::string::npos)
        << decoded.status().message();
    EXPECT_NE(decoded.status().message().find("model.bin"), std::string::npos);
  }
}

// Returns `file` in format version 3, which has no entity history: the version 4 encoding
// without the history's length, with the version, body length and checksum to match.
std::string EncodeVersion3(const ModelFile& file) {
  const std::string version4 = EncodeModelFile(file);
  std::string bytes = version4.substr(0, version4.size() - 64);
  bytes.erase(bytes.size() - file.payload.size() - 8, 8);  // the empty history's u64 length
  ByteWriter header;
  header.PutU32(3);
  header.PutU32(static_cast<std::uint32_t>(file.kind));
  header.PutU64(bytes.size() - 24);
  bytes.replace(8, 16, header.bytes());
  return bytes + Sha256Hex(bytes);
}

TEST(ModelFile, ReadsVersion3) {
  auto decoded = DecodeModelFile(EncodeVersion3(SampleFile()), "model.bin");
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
  EXPECT_EQ(decoded->version, 3u);
  EXPECT_EQ(decoded->feature_names, (std::vector<std::string>{"cpu", "memory"}));
  EXPECT_EQ(decoded->metadata.at("threshold"), "1.25");
  EXPECT_EQ(decoded->entity_history, "");
  EXPECT_EQ(decoded->payload, std::string("payload\0bytes", 13));
}

TEST(ModelFile, KeepsEntityHistory) {
  ModelFile file = SampleFile();
  file.entity_history = std::string("history\0bytes", 13);
  auto decoded = DecodeModelFile(EncodeModelFile(file), "model.bin");
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
  EXPECT_EQ(decoded->version, kModelFileVersion);
  EXPECT_EQ(decoded->entity_history, file.entity_history);
  EXPECT_EQ(decoded->payload, file.payload);
}

TEST(ModelFile, RejectsFlippedByte) {
  std::string bytes = EncodeModelFile(SampleFile());
  bytes[30] ^= 0x01;
  auto decoded = DecodeModelFile(bytes, "model.bin");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.status().message().find("checksum"), std::string::npos)
      << decoded.status().message();
}

TEST(ModelFile, RejectsTruncatedFile) {
  const std::string bytes = EncodeModelFile(SampleFile());
  for (std::size_t length : {0ul, 5ul, 12ul, 30ul, bytes.size() - 1}) {
    auto decoded = DecodeModelFile(bytes.substr(0, length), "model.bin");
    EXPECT_FALSE(decoded.has_value()) << "length " << length;
  }
}

TEST(ModelFile, RejectsOtherFile) {
  auto decoded = DecodeModelFile("{\"not\": \"a model\"}", "notes.json");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.status().message().find("not a Rampart model file"), std::string::npos);
}

TEST(ModelFile, WritesAndReadsFile) {
  const auto path = std::filesystem::temp_directory_path() / "rampart_model_file_test.bin";
  ASSERT_TRUE(WriteModelFile(SampleFile(), path.string()).ok());
  auto read = ReadModelFile(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(read.has_value()) << read.status().ToString();
  EXPECT_EQ(read->payload, SampleFile().payload);
}

}  // namespace
}  // namespace rampart::detect
