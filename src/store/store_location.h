// The location of a store: a SQLite file (a path, or "sqlite:PATH") or a PostgreSQL database
// (a postgresql:// or postgres:// URL). Every store's Open takes either form.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart::store {

struct StoreLocation {
  bool postgres = false;
  std::string target;  // the SQLite path or the PostgreSQL URL
};

// Splits `text` into the backend and its target, removing "sqlite:" from a SQLite path.
// Fails on an empty path and on a URL of another scheme, naming it without its password.
Result<StoreLocation> ParseStoreLocation(std::string_view text);

}  // namespace rampart::store
