// Runs one store test suite on both backends: a value-parameterized test takes a Backend and
// opens its store at NewLocation(backend, ...).
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "core/status.h"

namespace rampart::store::testing {

enum class Backend { kSqlite, kPostgres };

inline constexpr Backend kBothBackends[] = {Backend::kSqlite, Backend::kPostgres};

// Names the test instances "Sqlite" and "Postgres".
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// Returns where a fresh store of `backend` lives: `sqlite_path` (removed first, with its WAL
// files) or a new database on the shared test PostgreSQL server.
Result<std::string> NewLocation(Backend backend, const std::filesystem::path& sqlite_path);

// Runs `sql` directly on the database at `location` (a SQLite path or a postgresql:// URL),
// bypassing the stores, as an attacker with database access would.
Status RunSql(const std::string& location, const std::string& sql);

}  // namespace rampart::store::testing
