#include "store/postgres_support.h"

#include <fmt/format.h>
#include <optional>
#include <utility>
#include <vector>

namespace rampart::store::postgres {
namespace {

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS rampart_schema_versions ("
    "component TEXT NOT NULL, version INTEGER NOT NULL, "
    "applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (component, version))";

// Replaces the value after each "password=" with "***", up to the next space or '&', or the
// closing quote of a quoted value.
void RedactPasswordParameters(std::string& text) {
  constexpr std::string_view kKey = "password=";
  for (auto position = text.find(kKey); position != std::string::npos;
       position = text.find(kKey, position + kKey.size())) {
    const std::size_t start = position + kKey.size();
    std::size_t end = start;
    if (end < text.size() && text[end] == '\'') {
      end = text.find('\'', end + 1);
      end = end == std::string::npos ? text.size() : end + 1;
    } else {
      end = text.find_first_of(" &", start);
      end = end == std::string::npos ? text.size() : end;
    }
    text.replace(start, end - start, "***");
  }
}

Result<int> ReadVersion(pqxx::transaction_base& work, std::string_view component) {
  const pqxx::row row = work.exec_params1(
      "SELECT coalesce(max(version), 0) FROM rampart_schema_versions WHERE component = $1",
      std::string(component));
  return row[0].as<int>();
}

}  // namespace

// Returns the offset and length of the password in a URL's user information, or nullopt.
// The user information ends at the last '@', not at the first '/', '?' or '#': a password
// with such a character left unescaped must still be found.
std::optional<std::pair<std::size_t, std::size_t>> PasswordSpan(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t authority = scheme + 3;
  const auto at = url.rfind('@');
  const auto colon = url.find(':', authority);
  if (at == std::string_view::npos || at < authority || colon == std::string_view::npos ||
      colon > at) {
    return std::nullopt;
  }
  return std::pair{colon + 1, at - colon - 1};
}

std::string RedactUrl(std::string_view url) {
  std::string text(url);
  if (const auto span = PasswordSpan(text)) {
    text.replace(span->first, span->second, "***");
  }
  RedactPasswordParameters(text);
  return text;
}

// Replaces in `message` the password of `url` and each of its pieces between '/', '?' and
// '#', which a parser that split the URL there may quote.
void RedactUrlPassword(std::string_view url, std::string& message) {
  const auto span = PasswordSpan(url);
  if (!span || span->second == 0) {
    return;
  }
  const std::string_view password = url.substr(span->first, span->second);
  std::vector<std::string_view> secrets = {password};
  for (std::size_t start = 0; start <= password.size();) {
    const auto end = std::min(password.find_first_of("/?#", start), password.size());
    if (end - start >= 3) {
      secrets.push_back(password.substr(start, end - start));
    }
    start = end + 1;
  }
  for (const std::string_view secret : secrets) {
    for (auto found = message.find(secret); found != std::string::npos;
         found = message.find(secret, found + 3)) {
      message.replace(found, secret.size(), "***");
    }
  }
}

Status ErrorStatus(const std::exception& error, std::string_view url, std::string_view action) {
  const std::string where = RedactUrl(url);
  // A message may quote part of a key=value connection string, so passwords are hidden there too.
  std::string message = error.what();
  RedactPasswordParameters(message);
  RedactUrlPassword(url, message);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) {
    return Unavailable(
        fmt::format("{}: {} failed, the database connection is lost or cannot be "
                    "made: {}; check that the server is running and the URL",
                    where, action, message));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    return Internal(
        fmt::format("{}: {} failed with SQLSTATE {}: {}", where, action, sql->sqlstate(), message));
  }
  return Internal(fmt::format("{}: {} failed: {}", where, action, message));
}

bool IsRetryable(const std::exception& error) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error);
  return sql != nullptr && (sql->sqlstate() == "40001" || sql->sqlstate() == "40P01");
}

Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& url) {
  try {
    return std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& error) {
    return ErrorStatus(error, url, "connecting");
  }
}

Status Migrate(pqxx::connection& connection, std::string_view url, std::string_view component,
               std::span<const Migration> migrations) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  try {
    pqxx::work work(connection);
    // Every component migrates under this one lock, which is held until the commit.
    work.exec_params("SELECT pg_advisory_xact_lock($1, $2)", kAdvisoryLockClass, kMigrationLock);
    work.exec0(std::string(kCreateVersionTable));
    auto version = ReadVersion(work, component);
    if (!version) {
      return version.status();
    }
    if (*version > latest) {
      return FailedPrecondition(fmt::format(
          "{}: the {} schema has version {}, newer than the {} this rampart writes; use a "
          "newer rampart",
          RedactUrl(url), component, *version, latest));
    }
    for (const Migration& migration : migrations) {
      if (migration.version <= *version) {
        continue;
      }
      work.exec0(migration.sql);
      work.exec_params0("INSERT INTO rampart_schema_versions (component, version) VALUES ($1, $2)",
                        std::string(component), migration.version);
    }
    work.commit();
  } catch (const std::exception& error) {
    return ErrorStatus(error, url, fmt::format("migrating the {} schema", component));
  }
  return Status::Ok();
}

Result<int> SchemaVersion(pqxx::connection& connection, std::string_view url,
                          std::string_view component) {
  try {
    pqxx::read_transaction work(connection);
    const pqxx::row exists =
        work.exec1("SELECT to_regclass('rampart_schema_versions') IS NOT NULL");
    if (!exists[0].as<bool>()) {
      return 0;
    }
    return ReadVersion(work, component);
  } catch (const std::exception& error) {
    return ErrorStatus(error, url, "reading the schema version");
  }
}

}  // namespace rampart::store::postgres
