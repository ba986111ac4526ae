#include "store/token_store.h"

#include <openssl/rand.h>
#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "core/hash.h"

namespace rampart::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS api_tokens (
  token_hash TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS api_tokens_name ON api_tokens(name);)sql";

std::string ColumnText(sqlite3_stmt* statement, int column) {
  const auto* text = sqlite3_column_text(statement, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

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

TokenInfo ReadInfo(sqlite3_stmt* statement) {
  TokenInfo info;
  info.name = ColumnText(statement, 0);
  info.scopes = SplitScopes(ColumnText(statement, 1));
  info.created_at = ColumnText(statement, 2);
  info.revoked_at = ColumnText(statement, 3);
  return info;
}

}  // namespace

bool TokenInfo::HasScope(const std::string& scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end() ||
         std::find(scopes.begin(), scopes.end(), "admin") != scopes.end();
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
  sqlite3* db = nullptr;
  const Clock* clock = nullptr;
  std::mutex mutex;
  ~Impl() { sqlite3_close(db); }

  Status Error(const char* what) {
    return IoError(fmt::format("token store: {}: {}", what, sqlite3_errmsg(db)));
  }
};

TokenStore::TokenStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TokenStore::~TokenStore() = default;

Result<std::unique_ptr<TokenStore>> TokenStore::Open(const std::string& path, const Clock& clock) {
  auto impl = std::make_unique<Impl>();
  impl->clock = &clock;
  if (sqlite3_open(path.c_str(), &impl->db) != SQLITE_OK) {
    return IoError(fmt::format("{}: cannot open token store: {}", path, sqlite3_errmsg(impl->db)));
  }
  sqlite3_busy_timeout(impl->db, 10000);
  if (sqlite3_exec(impl->db, "PRAGMA journal_mode=WAL;", nullptr, nullptr, nullptr) != SQLITE_OK ||
      sqlite3_exec(impl->db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return impl->Error("schema setup failed");
  }
  return std::unique_ptr<TokenStore>(new TokenStore(std::move(impl)));
}

Result<std::string> TokenStore::Create(const std::string& name,
                                       const std::vector<std::string>& scopes) {
  if (name.empty()) {
    return InvalidArgument("a token needs a name, such as --name ci-importer");
  }
  auto existing = List();
  if (!existing) {
    return existing.status();
  }
  for (const auto& info : *existing) {
    if (info.name == name && info.revoked_at.empty()) {
      return Status(StatusCode::kAlreadyExists,
                    fmt::format("a valid token named \"{}\" exists; revoke it first", name));
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
  std::string joined;
  for (const auto& scope : scopes) {
    joined += (joined.empty() ? "" : ",") + scope;
  }

  std::lock_guard lock(impl_->mutex);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(impl_->db,
                     "INSERT INTO api_tokens (token_hash, name, scopes, created_at) "
                     "VALUES (?, ?, ?, ?)",
                     -1, &insert, nullptr);
  const std::string hash = Sha256Hex(token);
  const std::string now = FormatTimestamp(impl_->clock->Now());
  sqlite3_bind_text(insert, 1, hash.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(insert, 2, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(insert, 3, joined.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(insert, 4, now.c_str(), -1, SQLITE_TRANSIENT);
  const int code = sqlite3_step(insert);
  sqlite3_finalize(insert);
  if (code != SQLITE_DONE) {
    return impl_->Error("insert failed");
  }
  return token;
}

Result<std::optional<TokenInfo>> TokenStore::Authenticate(const std::string& token) {
  const std::string hash = Sha256Hex(token);
  std::lock_guard lock(impl_->mutex);
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(impl_->db,
                     "SELECT name, scopes, created_at, revoked_at FROM api_tokens "
                     "WHERE token_hash = ? AND revoked_at = ''",
                     -1, &select, nullptr);
  sqlite3_bind_text(select, 1, hash.c_str(), -1, SQLITE_TRANSIENT);
  std::optional<TokenInfo> info;
  const int code = sqlite3_step(select);
  if (code == SQLITE_ROW) {
    info = ReadInfo(select);
  }
  sqlite3_finalize(select);
  if (code != SQLITE_ROW && code != SQLITE_DONE) {
    return impl_->Error("lookup failed");
  }
  return info;
}

Result<std::vector<TokenInfo>> TokenStore::List() {
  std::lock_guard lock(impl_->mutex);
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(impl_->db,
                     "SELECT name, scopes, created_at, revoked_at FROM api_tokens "
                     "ORDER BY created_at, name",
                     -1, &select, nullptr);
  std::vector<TokenInfo> tokens;
  int code = SQLITE_ROW;
  while ((code = sqlite3_step(select)) == SQLITE_ROW) {
    tokens.push_back(ReadInfo(select));
  }
  sqlite3_finalize(select);
  if (code != SQLITE_DONE) {
    return impl_->Error("list failed");
  }
  return tokens;
}

Status TokenStore::Revoke(const std::string& name) {
  const std::string now = FormatTimestamp(impl_->clock->Now());
  std::lock_guard lock(impl_->mutex);
  sqlite3_stmt* update = nullptr;
  sqlite3_prepare_v2(impl_->db,
                     "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at = ''", -1,
                     &update, nullptr);
  sqlite3_bind_text(update, 1, now.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(update, 2, name.c_str(), -1, SQLITE_TRANSIENT);
  const int code = sqlite3_step(update);
  sqlite3_finalize(update);
  if (code != SQLITE_DONE) {
    return impl_->Error("revoke failed");
  }
  if (sqlite3_changes(impl_->db) == 0) {
    return NotFound(fmt::format("no valid token named \"{}\"; see rampart token list", name));
  }
  return Status::Ok();
}

}  // namespace rampart::store
