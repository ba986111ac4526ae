// The store backends that the FindingStore contract tests run against: SQLite in a
// temporary file and PostgreSQL on the test server, each with a fresh database per test.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "store/finding_store.h"
#include "store/finding_store_factory.h"
#include "store/outbox_signal.h"
#include "store/test_support.h"

namespace rampart::store::testing {

enum class BackendKind { kSqlite, kPostgres };

// One backend configuration of a parameterized test.
struct TestBackend {
  std::string name;  // the suffix of the test names, such as "Sqlite"
  BackendKind kind = BackendKind::kSqlite;
  // SqliteStoreOptions::many_side_rows; PostgreSQL has no such option.
  std::int64_t many_side_rows = 5000;
};

// Returns SQLite with its default options and PostgreSQL.
std::vector<TestBackend> StoreBackends();

// Returns the test name suffix of a backend parameter.
std::string BackendName(const ::testing::TestParamInfo<TestBackend>& info);

using TestStoreOptions = FindingStoreOptions;

// A fresh empty database of one backend: a file in a temporary folder, or a new database on
// the PostgreSQL server of this test process. Open connects any number of stores to it.
class TestDatabase {
 public:
  explicit TestDatabase(TestBackend backend);

  // Not ok when the database could not be created, for example when PostgreSQL is missing.
  const Status& status() const { return creation_status_; }
  // The SQLite file path or the PostgreSQL URL.
  const std::string& location() const { return location_; }

  Result<std::unique_ptr<FindingStore>> Open(const TestStoreOptions& options = {}) const;

 private:
  TestBackend backend_;
  TempDir dir_;
  std::string location_;
  Status creation_status_;
};

}  // namespace rampart::store::testing
