#include "store/testing/store_backends.h"

#include "store/sqlite_finding_store.h"
#include "store/testing/postgres_server.h"

namespace rampart::store::testing {

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
    SqliteStoreOptions sqlite;
    sqlite.clock = options.clock;
    sqlite.random_seed = options.random_seed;
    sqlite.max_finding_bytes = options.max_finding_bytes;
    sqlite.outbox_signal = options.outbox_signal;
    sqlite.many_side_rows = backend_.many_side_rows;
    auto store = SqliteFindingStore::Open(location_, sqlite);
    if (!store) {
      return store.status();
    }
    return std::unique_ptr<FindingStore>(std::move(*store));
  }
  return OpenFindingStore(location_, options);
}

}  // namespace rampart::store::testing
