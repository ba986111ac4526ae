// Direct SQL on a store's database for tests that tamper with stored rows.
#pragma once

#include <string>

#include "core/status.h"

namespace rampart::store::testing {

// Runs `sql` directly on the database at `location` (a SQLite path or a postgresql:// URL),
// bypassing the stores, as an attacker with database access would.
Status RunSql(const std::string& location, const std::string& sql);

}  // namespace rampart::store::testing
