// API bearer tokens: stored as SHA-256 hashes, each with a name and scopes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace rampart::store {

// Scopes a token may hold; admin implies every other scope.
inline constexpr const char* kTokenScopes[] = {"read", "import", "update", "approve", "admin"};

struct TokenInfo {
  std::string name;
  std::vector<std::string> scopes;
  std::string created_at;
  std::string revoked_at;  // empty while the token is valid
  // ProductArn patterns whose findings the token may import and update; empty means every
  // product. A `*` in a pattern matches any run of characters.
  std::vector<std::string> product_arns;

  // Returns true when the token holds `scope` or admin.
  bool HasScope(const std::string& scope) const;
  // Returns true when the token may write findings of `product_arn`.
  bool AllowsProduct(const std::string& product_arn) const;
};

// Tokens kept in a SQLite database file or a PostgreSQL database. The token text itself is
// returned once by Create and never stored. Thread-safe.
class TokenStore {
 public:
  // Opens the store at `location`: a SQLite path (also written "sqlite:PATH") or a
  // postgresql:// URL.
  static Result<std::unique_ptr<TokenStore>> Open(const std::string& location,
                                                  const Clock& clock = DefaultClock());
  ~TokenStore();
  TokenStore(const TokenStore&) = delete;
  TokenStore& operator=(const TokenStore&) = delete;

  // Creates a token named `name` (unique among unrevoked tokens) with `scopes`. A non-empty
  // `product_arns` limits it to those products. Returns the token text, "rmp_" and 64 hex
  // digits.
  Result<std::string> Create(const std::string& name, const std::vector<std::string>& scopes,
                             const std::vector<std::string>& product_arns = {});

  // Returns the token's details when `token` is valid and not revoked, otherwise nullopt.
  Result<std::optional<TokenInfo>> Authenticate(const std::string& token);

  Result<std::vector<TokenInfo>> List();

  // Revokes the valid token named `name`; NotFound when there is none.
  Status Revoke(const std::string& name);

 private:
  struct Impl;
  explicit TokenStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses a comma-separated scope list such as "read,import"; an unknown scope is an error
// that lists the valid ones.
Result<std::vector<std::string>> ParseScopes(const std::string& text);

// Checks ProductArn patterns for a token: each must start with "arn:" and contain no comma
// or white space. The error names the pattern.
Status CheckProductPatterns(const std::vector<std::string>& patterns);

// Returns true when `patterns` is empty (a token without product limits) or one of them
// matches `product_arn`.
bool AllowsProduct(const std::vector<std::string>& patterns, const std::string& product_arn);

// Returns true when `text` matches `pattern`, where `*` matches any run of characters.
bool MatchesGlob(std::string_view pattern, std::string_view text);

}  // namespace rampart::store
