// API tokens in a PostgreSQL database, shared by every worker connected to it.
#include "store/postgres_session.h"
#include "store/token_backend.h"

namespace rampart::store {
namespace {

using postgres::Session;

// The partial unique index keeps two workers from creating valid tokens of one name at once.
constexpr postgres::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX api_tokens_valid_name ON api_tokens (name) WHERE revoked_at = '';
)sql"},
    {2, "ALTER TABLE api_tokens ADD COLUMN product_arns TEXT NOT NULL DEFAULT '';"},
};

constexpr const char* kUniqueViolation = "23505";

TokenInfo ReadInfo(const pqxx::row& row) {
  TokenInfo info;
  info.name = row[0].as<std::string>();
  info.scopes = SplitScopes(row[1].as<std::string>());
  info.created_at = row[2].as<std::string>();
  info.revoked_at = row[3].as<std::string>();
  info.product_arns = SplitScopes(row[4].as<std::string>());
  return info;
}

class PostgresTokens final : public TokenBackend {
 public:
  explicit PostgresTokens(std::unique_ptr<Session> session) : session_(std::move(session)) {}

  Status Insert(const std::string& token_hash, const std::string& name, const std::string& scopes,
                const std::string& product_arns, const std::string& created_at) override {
    return session_->Run("creating a token", [&](pqxx::connection& connection) -> Status {
      try {
        pqxx::work work(connection);
        work.exec_params0(
            "INSERT INTO api_tokens (token_hash, name, scopes, created_at, product_arns) "
            "VALUES ($1,$2,$3,$4,$5)",
            token_hash, name, scopes, created_at, product_arns);
        work.commit();
      } catch (const pqxx::sql_error& error) {
        if (error.sqlstate() != kUniqueViolation) {
          throw;
        }
        return TokenNameTaken(name);
      }
      return Status::Ok();
    });
  }

  Result<std::optional<TokenInfo>> Find(const std::string& token_hash) override {
    return session_->Run("authenticating a token",
                         [&](pqxx::connection& connection) -> Result<std::optional<TokenInfo>> {
                           pqxx::read_transaction work(connection);
                           const pqxx::result rows = work.exec_params(
                               "SELECT name, scopes, created_at, revoked_at, product_arns "
                               "FROM api_tokens WHERE token_hash = $1 AND revoked_at = ''",
                               token_hash);
                           if (rows.empty()) {
                             return std::optional<TokenInfo>();
                           }
                           return std::optional<TokenInfo>(ReadInfo(rows[0]));
                         });
  }

  Result<std::vector<TokenInfo>> List() override {
    return session_->Run(
        "listing tokens", [&](pqxx::connection& connection) -> Result<std::vector<TokenInfo>> {
          pqxx::read_transaction work(connection);
          std::vector<TokenInfo> tokens;
          for (const pqxx::row& row :
               work.exec("SELECT name, scopes, created_at, revoked_at, "
                         "product_arns FROM api_tokens ORDER BY created_at COLLATE \"C\", "
                         "name COLLATE \"C\"")) {
            tokens.push_back(ReadInfo(row));
          }
          return tokens;
        });
  }

  Result<std::int64_t> Revoke(const std::string& name, const std::string& revoked_at) override {
    return session_->Run(
        "revoking a token", [&](pqxx::connection& connection) -> Result<std::int64_t> {
          pqxx::work work(connection);
          const pqxx::result result = work.exec_params(
              "UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at = ''",
              revoked_at, name);
          work.commit();
          return static_cast<std::int64_t>(result.affected_rows());
        });
  }

 private:
  std::unique_ptr<Session> session_;
};

}  // namespace

Result<std::unique_ptr<TokenBackend>> OpenPostgresTokens(const std::string& url) {
  auto session = Session::Open(url, "tokens", kMigrations);
  if (!session) {
    return session.status();
  }
  return std::unique_ptr<TokenBackend>(std::make_unique<PostgresTokens>(std::move(*session)));
}

}  // namespace rampart::store
