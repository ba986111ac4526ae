// The schema of the PostgreSQL finding store, as versioned migrations of the "findings"
// component (see postgres_support.h).
#pragma once

#include <span>

#include "store/postgres_support.h"

namespace rampart::store::postgres {

inline constexpr std::string_view kFindingsComponent = "findings";

// Returns the migrations of the finding store, oldest first.
std::span<const Migration> FindingMigrations();

}  // namespace rampart::store::postgres
