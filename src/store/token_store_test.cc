#include "store/token_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/file.h"
#include "core/hash.h"

namespace rampart::store {
namespace {

class TokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("rampart_tokens_" + std::to_string(::getpid()) + ".db"))
                .string();
    std::filesystem::remove(path_);
    auto store = TokenStore::Open(path_);
    ASSERT_TRUE(store.has_value());
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove(path_);
    std::filesystem::remove(path_ + "-wal");
    std::filesystem::remove(path_ + "-shm");
  }

  std::string path_;
  std::unique_ptr<TokenStore> store_;
};

TEST_F(TokenStoreTest, CreatedTokenAuthenticates) {
  auto token = store_->Create("ci", {"read", "import"});
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->rfind("rmp_", 0), 0u);
  EXPECT_EQ(token->size(), 68u);
  auto info = store_->Authenticate(*token);
  ASSERT_TRUE(info.has_value());
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->name, "ci");
  EXPECT_TRUE((*info)->HasScope("import"));
  EXPECT_FALSE((*info)->HasScope("approve"));
}

TEST_F(TokenStoreTest, WrongTokenIsRejected) {
  ASSERT_TRUE(store_->Create("ci", {"read"}).has_value());
  auto info = store_->Authenticate("rmp_" + std::string(64, '0'));
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->has_value());
}

TEST_F(TokenStoreTest, TokenTextIsNotStored) {
  auto token = store_->Create("ci", {"read"});
  ASSERT_TRUE(token.has_value());
  store_.reset();
  auto bytes = ReadFile(path_);
  auto wal = ReadFile(path_ + "-wal");
  ASSERT_TRUE(bytes.has_value());
  const std::string secret_part = token->substr(4);
  EXPECT_EQ(bytes->find(secret_part), std::string::npos);
  if (wal.has_value()) {
    EXPECT_EQ(wal->find(secret_part), std::string::npos);
  }
}

TEST_F(TokenStoreTest, RevokedTokenIsRejected) {
  auto token = store_->Create("ci", {"admin"});
  ASSERT_TRUE(token.has_value());
  ASSERT_TRUE(store_->Revoke("ci").ok());
  auto info = store_->Authenticate(*token);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->has_value());
  EXPECT_EQ(store_->Revoke("ci").code(), StatusCode::kNotFound);
}

TEST_F(TokenStoreTest, DuplicateNameIsRejected) {
  ASSERT_TRUE(store_->Create("ci", {"read"}).has_value());
  auto second = store_->Create("ci", {"read"});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
}

TEST_F(TokenStoreTest, AdminImpliesEveryScope) {
  TokenInfo info{"root", {"admin"}, "", ""};
  EXPECT_TRUE(info.HasScope("approve"));
}

TEST(ParseScopes, RejectsUnknownScope) {
  auto scopes = ParseScopes("read,delete");
  ASSERT_FALSE(scopes.has_value());
  EXPECT_NE(scopes.status().message().find("\"delete\""), std::string::npos);
}

TEST(ParseScopes, TrimsSpaces) {
  auto scopes = ParseScopes(" read , import ");
  ASSERT_TRUE(scopes.has_value());
  ASSERT_EQ(scopes->size(), 2u);
  EXPECT_EQ((*scopes)[1], "import");
}

}  // namespace
}  // namespace rampart::store
