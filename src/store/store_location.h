// The location of a store: a SQLite file (a path, or "sqlite:PATH") or a PostgreSQL database
// (a postgresql:// or postgres:// URL). Every store's Open takes either form.
#pragma once

#include <string>
#include <string_view>

namespace rampart::store {

struct StoreLocation {
  bool postgres = false;
  std::string target;  // the SQLite path or the PostgreSQL URL
};

// Splits `text` into the backend and its target; "sqlite:" is removed from a SQLite path.
StoreLocation ParseStoreLocation(std::string_view text);

}  // namespace rampart::store
