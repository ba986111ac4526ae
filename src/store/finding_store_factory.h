// Opens a FindingStore from a URL, so a command or a worker picks its backend by
// configuration: an embedded SQLite file or a shared PostgreSQL database.
#pragma once

#include <memory>
#include <string_view>

#include "store/finding_store.h"

namespace rampart::store {

// Opens the finding store at `url` and migrates its schema:
// - "sqlite:PATH" opens or creates the SQLite file PATH (relative to the working folder
//   unless absolute, so "sqlite:///var/lib/rampart/findings.db" is an absolute path);
// - "postgresql://USER:PASSWORD@HOST:PORT/DATABASE" (or "postgres://...", with libpq's
//   query parameters such as ?sslmode=require) connects to an existing PostgreSQL database.
// Any other URL is an InvalidArgument error naming it without its password.
Result<std::unique_ptr<FindingStore>> OpenFindingStore(std::string_view url,
                                                       const FindingStoreOptions& options = {});

}  // namespace rampart::store
