#include "store/token_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file.h"
#include "core/hash.h"
#include "store/testing/raw_sql.h"
#include "store/testing/store_backends.h"

namespace rampart::store {
namespace {

using testing::TestBackend;

class TokenStoreTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<testing::TestDatabase>(GetParam());
    ASSERT_TRUE(database_->status().ok()) << database_->status().ToString();
    location_ = database_->location();
    auto store = TokenStore::Open(location_);
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store_ = std::move(*store);
  }
  std::unique_ptr<testing::TestDatabase> database_;
  std::string location_;
  std::unique_ptr<TokenStore> store_;
};

TEST_P(TokenStoreTest, CreatedTokenAuthenticates) {
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

TEST_P(TokenStoreTest, ProductLimitsAreKept) {
  auto token =
      store_->Create("trivy-ci", {"import"},
                     {"arn:aws:securityhub:*:*:product/aquasecurity/aquasecurity",
                      "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"});
  ASSERT_TRUE(token.has_value()) << token.status().ToString();
  auto info = store_->Authenticate(*token);
  ASSERT_TRUE(info.has_value());
  ASSERT_TRUE(info->has_value());
  ASSERT_EQ((*info)->product_arns.size(), 2u);
  EXPECT_TRUE(
      (*info)->AllowsProduct("arn:aws:securityhub:us-east-1::product/aquasecurity/aquasecurity"));
  EXPECT_TRUE((*info)->AllowsProduct(
      "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"));
  EXPECT_FALSE((*info)->AllowsProduct(
      "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default2"));
  EXPECT_FALSE((*info)->AllowsProduct("arn:aws:securityhub:us-east-1::product/aws/guardduty"));
  auto listed = store_->List();
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().product_arns, (*info)->product_arns);
}

TEST_P(TokenStoreTest, UnlimitedTokenAllowsEveryProduct) {
  auto token = store_->Create("ci", {"import"});
  ASSERT_TRUE(token.has_value());
  auto info = store_->Authenticate(*token);
  ASSERT_TRUE(info.has_value());
  ASSERT_TRUE(info->has_value());
  EXPECT_TRUE((*info)->product_arns.empty());
  EXPECT_TRUE((*info)->AllowsProduct("arn:aws:securityhub:us-east-1::product/aws/guardduty"));
}

TEST_P(TokenStoreTest, InvalidProductPatternIsRejected) {
  auto token = store_->Create("ci", {"import"}, {"aquasecurity"});
  ASSERT_FALSE(token.has_value());
  EXPECT_NE(token.status().message().find("\"aquasecurity\""), std::string::npos);
  auto comma = store_->Create("ci", {"import"}, {"arn:aws:a,arn:aws:b"});
  EXPECT_FALSE(comma.has_value());
}

TEST_P(TokenStoreTest, WrongTokenIsRejected) {
  ASSERT_TRUE(store_->Create("ci", {"read"}).has_value());
  auto info = store_->Authenticate("rmp_" + std::string(64, '0'));
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->has_value());
}

TEST_P(TokenStoreTest, TokenTextIsNotStored) {
  if (GetParam().kind != testing::BackendKind::kSqlite) {
    GTEST_SKIP() << "reads the bytes of the SQLite file";
  }
  auto token = store_->Create("ci", {"read"});
  ASSERT_TRUE(token.has_value());
  store_.reset();
  auto bytes = ReadFile(location_);
  auto wal = ReadFile(location_ + "-wal");
  ASSERT_TRUE(bytes.has_value());
  const std::string secret_part = token->substr(4);
  EXPECT_EQ(bytes->find(secret_part), std::string::npos);
  if (wal.has_value()) {
    EXPECT_EQ(wal->find(secret_part), std::string::npos);
  }
}

TEST_P(TokenStoreTest, RevokedTokenIsRejected) {
  auto token = store_->Create("ci", {"admin"});
  ASSERT_TRUE(token.has_value());
  ASSERT_TRUE(store_->Revoke("ci").ok());
  auto info = store_->Authenticate(*token);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->has_value());
  EXPECT_EQ(store_->Revoke("ci").code(), StatusCode::kNotFound);
}

TEST_P(TokenStoreTest, DuplicateNameIsRejected) {
  ASSERT_TRUE(store_->Create("ci", {"read"}).has_value());
  auto second = store_->Create("ci", {"read"});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
}

TEST_P(TokenStoreTest, AdminImpliesEveryScope) {
  TokenInfo info{"root", {"admin"}, "", "", {}};
  EXPECT_TRUE(info.HasScope("approve"));
}

INSTANTIATE_TEST_SUITE_P(Backends, TokenStoreTest, ::testing::ValuesIn(testing::StoreBackends()),
                         testing::BackendName);

TEST(TokenStoreSchema, TableWithoutProductLimitsIsUpgraded) {
  const std::string path = ::testing::TempDir() + "/tokens-before-product-limits.db";
  std::filesystem::remove(path);
  const std::string token = "rmp_" + std::string(64, 'a');
  ASSERT_TRUE(testing::RunSql(path,
                              "CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, name TEXT "
                              "NOT NULL, scopes TEXT NOT NULL, created_at TEXT NOT NULL, "
                              "revoked_at TEXT NOT NULL DEFAULT '');"
                              "INSERT INTO api_tokens (token_hash, name, scopes, created_at) "
                              "VALUES ('" +
                                  Sha256Hex(token) + "', 'old', 'import', '2026-01-01T00:00:00Z');")
                  .ok());
  auto store = TokenStore::Open(path);
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  auto info = (*store)->Authenticate(token);
  ASSERT_TRUE(info.has_value());
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->name, "old");
  EXPECT_TRUE((*info)->product_arns.empty());
  auto limited = (*store)->Create("new", {"import"}, {"arn:aws:securityhub:*"});
  ASSERT_TRUE(limited.has_value()) << limited.status().ToString();
}

TEST(MatchesGlob, StarMatchesAnyRun) {
  EXPECT_TRUE(MatchesGlob("arn:*:product/a/b", "arn:aws:securityhub:x:1:product/a/b"));
  EXPECT_TRUE(MatchesGlob("*", ""));
  EXPECT_TRUE(MatchesGlob("a*b*c", "abbbc"));
  EXPECT_FALSE(MatchesGlob("a*b*c", "abbb"));
  EXPECT_FALSE(MatchesGlob("arn:aws", "arn:aws:x"));
  EXPECT_TRUE(MatchesGlob("arn:aws*", "arn:aws"));
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
