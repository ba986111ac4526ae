// The SQLite schema and its versioned migrations.
#pragma once

#include "core/status.h"
#include "store/sqlite_database.h"

namespace rampart::store::sqlite {

// Returns the schema version this program writes.
int CurrentSchemaVersion();

// Brings the schema of `db` to CurrentSchemaVersion(), applying each missing migration in
// order inside one write transaction; PRAGMA user_version records the version reached.
// Fails, changing nothing, on a database written by a newer Rampart.
Status Migrate(Database& db);

// Brings the schema of `db` to `target_version` at most, as Migrate does. For tests that
// need a database as an older Rampart left it.
Status MigrateTo(Database& db, int target_version);

}  // namespace rampart::store::sqlite
