#include "store/token_store.h"

#include <openssl/rand.h>

#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/hash.h"
#include "store/store_location.h"
#include "store/token_backend.h"

namespace rampart::store {

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> scopes;
  std::stringstream stream(text);
  std::string scope;
  while (std::getline(stream, scope, ',')) {
    scope.erase(0, scope.find_first_not_of(" \t"));
    scope.erase(scope.find_last_not_of(" \t") + 1);
    if (!scope.empty()) {
      scopes.push_back(scope);
    }
  }
  return scopes;
}

Status TokenNameTaken(const std::string& name) {
  return Status(StatusCode::kAlreadyExists,
                fmt::format("a valid token named \"{}\" exists; revoke it first", name));
}

bool TokenInfo::HasScope(const std::string& scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end() ||
         std::find(scopes.begin(), scopes.end(), "admin") != scopes.end();
}

bool AllowsProduct(const std::vector<std::string>& patterns, const std::string& product_arn) {
  return patterns.empty() ||
         std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return MatchesGlob(pattern, product_arn); });
}

bool TokenInfo::AllowsProduct(const std::string& product_arn) const {
  return store::AllowsProduct(product_arns, product_arn);
}

bool MatchesGlob(std::string_view pattern, std::string_view text) {
  // Greedy matching that backtracks only to the last star, which is enough for `*` alone.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

Status CheckProductPatterns(const std::vector<std::string>& patterns) {
  for (const auto& pattern : patterns) {
    if (pattern.rfind("arn:", 0) != 0 || pattern.find_first_of(", \t\r\n") != std::string::npos) {
      return InvalidArgument(fmt::format(
          "product ARN pattern \"{}\" is invalid; give an ARN such as "
          "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default, where * "
          "matches any characters",
          pattern));
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ParseScopes(const std::string& text) {
  std::vector<std::string> scopes = SplitScopes(text);
  if (scopes.empty()) {
    return InvalidArgument("no scopes given; use a list such as read,import");
  }
  for (const auto& scope : scopes) {
    const bool known = std::any_of(std::begin(kTokenScopes), std::end(kTokenScopes),
                                   [&](const char* valid) { return scope == valid; });
    if (!known) {
      return InvalidArgument(fmt::format(
          "unknown scope \"{}\"; valid scopes are read, import, update, approve, admin", scope));
    }
  }
  return scopes;
}

struct TokenStore::Impl {
  std::unique_ptr<TokenBackend> backend;
  const Clock* clock = nullptr;
};

TokenStore::TokenStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TokenStore::~TokenStore() = default;

Result<std::unique_ptr<TokenStore>> TokenStore::Open(const std::string& location,
                                                     const Clock& clock) {
  auto where = ParseStoreLocation(location);
  if (!where) {
    return where.status();
  }
  auto backend =
      where->postgres ? OpenPostgresTokens(where->target) : OpenSqliteTokens(where->target);
  if (!backend) {
    return backend.status();
  }
  auto impl = std::make_unique<Impl>();
  impl->backend = std::move(*backend);
  impl->clock = &clock;
  return std::unique_ptr<TokenStore>(new TokenStore(std::move(impl)));
}

Result<std::string> TokenStore::Create(const std::string& name,
                                       const std::vector<std::string>& scopes,
                                       const std::vector<std::string>& product_arns) {
  if (name.empty()) {
    return InvalidArgument("a token needs a name, such as --name ci-importer");
  }
  RAMPART_RETURN_IF_ERROR(CheckProductPatterns(product_arns));
  auto existing = List();
  if (!existing) {
    return existing.status();
  }
  for (const auto& info : *existing) {
    if (info.name == name && info.revoked_at.empty()) {
      return TokenNameTaken(name);
    }
  }
  unsigned char secret[32];
  if (RAND_bytes(secret, sizeof(secret)) != 1) {
    return Internal("the system random source failed");
  }
  std::string token = "rmp_";
  for (const unsigned char byte : secret) {
    token += fmt::format("{:02x}", byte);
  }
  RAMPART_RETURN_IF_ERROR(impl_->backend->Insert(
      Sha256Hex(token), name, fmt::format("{}", fmt::join(scopes, ",")),
      fmt::format("{}", fmt::join(product_arns, ",")), FormatTimestamp(impl_->clock->Now())));
  return token;
}

Result<std::optional<TokenInfo>> TokenStore::Authenticate(const std::string& token) {
  return impl_->backend->Find(Sha256Hex(token));
}

Result<std::vector<TokenInfo>> TokenStore::List() { return impl_->backend->List(); }

Status TokenStore::Revoke(const std::string& name) {
  auto revoked = impl_->backend->Revoke(name, FormatTimestamp(impl_->clock->Now()));
  if (!revoked) {
    return revoked.status();
  }
  if (*revoked == 0) {
    return NotFound(fmt::format("no valid token named \"{}\"; see rampart token list", name));
  }
  return Status::Ok();
}

}  // namespace rampart::store
