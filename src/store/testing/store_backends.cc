#include "store/testing/store_backends.h"

#include "store/postgres_finding_store.h"
#include "store/sqlite_finding_store.h"
#include "store/testing/postgres_server.h"

namespace rampart::store::testing {
namespace {

// Returns the options of one backend with the fields that every backend takes.
template <typename Options>
Options CommonOptions(const TestStoreOptions& common) {
  Options options;
  options.clock = common.clock;
  options.random_seed = common.random_seed;
  options.max_finding_bytes = common.max_finding_bytes;
  options.outbox_signal = common.outbox_signal;
  return options;
}

}  // namespace

std::vector<TestBackend> StoreBackends() {
  return {{"Sqlite", BackendKind::kSqlite}, {"Postgres", BackendKind::kPostgres}};
}

std::string BackendName(const ::testing::TestParamInfo<TestBackend>& info) {
  return info.param.name;
}

TestDatabase::TestDatabase(TestBackend backend) : backend_(std::move(backend)) {
  if (backend_.kind == BackendKind::kSqlite) {
    location_ = dir_.File("findings.db");
    return;
  }
  auto server = SharedPostgresServer();
  if (!server) {
    creation_status_ = server.status();
    return;
  }
  auto url = (*server)->CreateDatabase();
  if (!url) {
    creation_status_ = url.status();
    return;
  }
  location_ = *url;
}

Result<std::unique_ptr<FindingStore>> TestDatabase::Open(const TestStoreOptions& options) const {
  RAMPART_RETURN_IF_ERROR(creation_status_);
  if (backend_.kind == BackendKind::kSqlite) {
    auto sqlite = CommonOptions<SqliteStoreOptions>(options);
    sqlite.many_side_rows = backend_.many_side_rows;
    auto store = SqliteFindingStore::Open(location_, sqlite);
    if (!store) {
      return store.status();
    }
    return std::unique_ptr<FindingStore>(std::move(*store));
  }
  auto store = PostgresFindingStore::Open(location_, CommonOptions<PostgresStoreOptions>(options));
  if (!store) {
    return store.status();
  }
  return std::unique_ptr<FindingStore>(std::move(*store));
}

}  // namespace rampart::store::testing
