#include "detect/model_file.h"

#include <gtest/gtest.h>

#include <filesystem>

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
  std::string bytes = EncodeModelFile(SampleFile());
  bytes[8] = 1;  // the version field's low byte: files of the first format
  auto decoded = DecodeModelFile(bytes, "model.bin");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_NE(decoded.status().message().find("format version 1 is not supported"), std::string::npos)
      << decoded.status().message();
  EXPECT_NE(decoded.status().message().find("model.bin"), std::string::npos);
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
