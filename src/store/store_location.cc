#include "store/store_location.h"

namespace rampart::store {

StoreLocation ParseStoreLocation(std::string_view text) {
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
    return {true, std::string(text)};
  }
  constexpr std::string_view kSqlite = "sqlite:";
  if (text.starts_with(kSqlite)) {
    text.remove_prefix(kSqlite.size());
  }
  return {false, std::string(text)};
}

}  // namespace rampart::store
