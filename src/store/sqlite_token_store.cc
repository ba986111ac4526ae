// API tokens in a SQLite database file.
#include <sqlite3.h>

#include <mutex>

#include <fmt/format.h>

#include "store/sqlite_support.h"
#include "store/token_backend.h"

namespace rampart::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS api_tokens (
  token_hash TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  product_arns TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS api_tokens_name ON api_tokens(name);)sql";

constexpr const char* kColumns = "name, scopes, created_at, revoked_at, product_arns";

TokenInfo ReadInfo(sqlite3_stmt* statement) {
  TokenInfo info;
  info.name = ColumnText(statement, 0);
  info.scopes = SplitScopes(ColumnText(statement, 1));
  info.created_at = ColumnText(statement, 2);
  info.revoked_at = ColumnText(statement, 3);
  info.product_arns = SplitScopes(ColumnText(statement, 4));
  return info;
}

// Adds the product_arns column to a table written before tokens could be limited to
// products; its tokens keep writing every product.
bool HasProductColumn(sqlite3* db) {
  sqlite3_stmt* raw = nullptr;
  const int code =
      sqlite3_prepare_v2(db, "SELECT product_arns FROM api_tokens LIMIT 0", -1, &raw, nullptr);
  sqlite3_finalize(raw);
  return code == SQLITE_OK;
}

bool AddProductColumn(sqlite3* db) {
  if (HasProductColumn(db)) {
    return true;
  }
  // Another process may add the column between the check and this statement.
  return sqlite3_exec(db, "ALTER TABLE api_tokens ADD COLUMN product_arns TEXT NOT NULL DEFAULT ''",
                      nullptr, nullptr, nullptr) == SQLITE_OK ||
         HasProductColumn(db);
}

class SqliteTokens final : public TokenBackend {
 public:
  Status Open(const std::string& path) {
    sqlite3* db = nullptr;
    const int code = sqlite3_open(path.c_str(), &db);
    db_.reset(db);
    if (code != SQLITE_OK) {
      return IoError(fmt::format("{}: cannot open token store: {}", path, sqlite3_errmsg(db)));
    }
    sqlite3_busy_timeout(db, 10000);
    const std::string pragmas = sqlite::ConnectionPragmas({});
    if (sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK ||
        sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK ||
        !AddProductColumn(db)) {
      return Error("schema setup failed");
    }
    return Status::Ok();
  }

  Status Insert(const std::string& token_hash, const std::string& name, const std::string& scopes,
                const std::string& product_arns, const std::string& created_at) override {
    std::lock_guard lock(mutex_);
    SqliteStatement insert(db_.get(),
                           "INSERT INTO api_tokens (token_hash, name, scopes, created_at, "
                           "product_arns) VALUES (?, ?, ?, ?, ?)");
    BindText(insert.get(), 1, token_hash);
    BindText(insert.get(), 2, name);
    BindText(insert.get(), 3, scopes);
    BindText(insert.get(), 4, created_at);
    BindText(insert.get(), 5, product_arns);
    return sqlite3_step(insert.get()) == SQLITE_DONE ? Status::Ok() : Error("insert failed");
  }

  Result<std::optional<TokenInfo>> Find(const std::string& token_hash) override {
    std::lock_guard lock(mutex_);
    SqliteStatement select(
        db_.get(), fmt::format("SELECT {} FROM api_tokens WHERE token_hash = ? AND revoked_at = ''",
                               kColumns));
    BindText(select.get(), 1, token_hash);
    std::optional<TokenInfo> info;
    const int code = sqlite3_step(select.get());
    if (code == SQLITE_ROW) {
      info = ReadInfo(select.get());
    } else if (code != SQLITE_DONE) {
      return Error("lookup failed");
    }
    return info;
  }

  Result<std::vector<TokenInfo>> List() override {
    std::lock_guard lock(mutex_);
    SqliteStatement select(
        db_.get(), fmt::format("SELECT {} FROM api_tokens ORDER BY created_at, name", kColumns));
    std::vector<TokenInfo> tokens;
    int code = SQLITE_ROW;
    while ((code = sqlite3_step(select.get())) == SQLITE_ROW) {
      tokens.push_back(ReadInfo(select.get()));
    }
    if (code != SQLITE_DONE) {
      return Error("list failed");
    }
    return tokens;
  }

  Result<std::int64_t> Revoke(const std::string& name, const std::string& revoked_at) override {
    std::lock_guard lock(mutex_);
    SqliteStatement update(
        db_.get(), "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at = ''");
    BindText(update.get(), 1, revoked_at);
    BindText(update.get(), 2, name);
    if (sqlite3_step(update.get()) != SQLITE_DONE) {
      return Error("revoke failed");
    }
    return static_cast<std::int64_t>(sqlite3_changes(db_.get()));
  }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
  };

  Status Error(const char* what) const {
    return IoError(fmt::format("token store: {}: {}", what, sqlite3_errmsg(db_.get())));
  }

  std::unique_ptr<sqlite3, Close> db_;
  std::mutex mutex_;
};

}  // namespace

Result<std::unique_ptr<TokenBackend>> OpenSqliteTokens(const std::string& path) {
  auto tokens = std::make_unique<SqliteTokens>();
  RAMPART_RETURN_IF_ERROR(tokens->Open(path));
  return std::unique_ptr<TokenBackend>(std::move(tokens));
}

}  // namespace rampart::store
