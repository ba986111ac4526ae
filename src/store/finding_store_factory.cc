#include "store/finding_store_factory.h"

#include <fmt/format.h>

#include "store/postgres_finding_store.h"
#include "store/postgres_support.h"
#include "store/sqlite_finding_store.h"

namespace rampart::store {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite:";

// Returns the backend options with the fields that every backend takes.
template <typename Options>
Options BackendOptions(const FindingStoreOptions& common) {
  Options options;
  options.clock = common.clock;
  options.random_seed = common.random_seed;
  options.max_finding_bytes = common.max_finding_bytes;
  options.outbox_signal = common.outbox_signal;
  return options;
}

template <typename Store>
Result<std::unique_ptr<FindingStore>> Upcast(Result<std::unique_ptr<Store>> store) {
  if (!store) {
    return store.status();
  }
  return std::unique_ptr<FindingStore>(std::move(*store));
}

}  // namespace

Result<std::unique_ptr<FindingStore>> OpenFindingStore(std::string_view url,
                                                       const FindingStoreOptions& options) {
  if (url.starts_with(kSqliteScheme)) {
    const std::string path(url.substr(kSqliteScheme.size()));
    if (path.empty()) {
      return InvalidArgument(
          "store URL \"sqlite:\" names no file; use sqlite:PATH, such as sqlite:findings.db");
    }
    return Upcast(SqliteFindingStore::Open(path, BackendOptions<SqliteStoreOptions>(options)));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return Upcast(PostgresFindingStore::Open(std::string(url),
                                             BackendOptions<PostgresStoreOptions>(options)));
  }
  return InvalidArgument(
      fmt::format("unsupported store URL \"{}\"; use sqlite:PATH or "
                  "postgresql://USER:PASSWORD@HOST:PORT/DATABASE",
                  postgres::RedactUrl(url)));
}

}  // namespace rampart::store
