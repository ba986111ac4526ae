// The storage behind TokenStore: one implementation on SQLite, one on PostgreSQL. Tokens are
// stored as SHA-256 hashes only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/token_store.h"

namespace rampart::store {

class TokenBackend {
 public:
  virtual ~TokenBackend() = default;

  // Stores a new token; `scopes` and `product_arns` are comma-separated lists.
  virtual Status Insert(const std::string& token_hash, const std::string& name,
                        const std::string& scopes, const std::string& product_arns,
                        const std::string& created_at) = 0;

  // Returns the unrevoked token whose hash is `token_hash`, if any.
  virtual Result<std::optional<TokenInfo>> Find(const std::string& token_hash) = 0;

  // Every token, revoked or not, by creation time and name.
  virtual Result<std::vector<TokenInfo>> List() = 0;

  // Revokes the unrevoked tokens named `name`; returns how many there were.
  virtual Result<std::int64_t> Revoke(const std::string& name, const std::string& revoked_at) = 0;
};

Result<std::unique_ptr<TokenBackend>> OpenSqliteTokens(const std::string& path);
Result<std::unique_ptr<TokenBackend>> OpenPostgresTokens(const std::string& url);

// Splits a comma-separated list of scopes or ProductArn patterns, trimming spaces and
// dropping empty items.
std::vector<std::string> SplitScopes(const std::string& text);

// The error of creating a second valid token named `name`.
Status TokenNameTaken(const std::string& name);

}  // namespace rampart::store
