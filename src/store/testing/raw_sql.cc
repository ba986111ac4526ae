#include "store/testing/raw_sql.h"

#include <sqlite3.h>

#include <pqxx/pqxx>

namespace rampart::store::testing {

Status RunSql(const std::string& location, const std::string& sql) {
  if (location.starts_with("postgresql://")) {
    try {
      pqxx::connection connection(location);
      pqxx::work work(connection);
      work.exec(sql);
      work.commit();
    } catch (const std::exception& error) {
      return Internal(error.what());
    }
    return Status::Ok();
  }
  sqlite3* db = nullptr;
  const bool ok = sqlite3_open(location.c_str(), &db) == SQLITE_OK &&
                  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  Status status = ok ? Status::Ok() : Internal(sqlite3_errmsg(db));
  sqlite3_close(db);
  return status;
}

}  // namespace rampart::store::testing
