#include "store/store_location.h"

#include <fmt/format.h>

#include "store/postgres_support.h"

namespace rampart::store {

Result<StoreLocation> ParseStoreLocation(std::string_view text) {
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
    return StoreLocation{true, std::string(text)};
  }
  constexpr std::string_view kSqlite = "sqlite:";
  const bool sqlite_url = text.starts_with(kSqlite);
  if (sqlite_url) {
    text.remove_prefix(kSqlite.size());
  }
  if (!sqlite_url && text.find("://") != std::string_view::npos) {
    return InvalidArgument(
        fmt::format("unsupported store URL \"{}\"; use a SQLite path, sqlite:PATH or "
                    "postgresql://USER@HOST:PORT/DATABASE",
                    postgres::RedactUrl(text)));
  }
  if (text.empty()) {
    return InvalidArgument(
        "the store location names no SQLite file; use a path or sqlite:PATH, such as "
        "sqlite:rampart.db");
  }
  return StoreLocation{false, std::string(text)};
}

}  // namespace rampart::store
