// SQL functions that Rampart's queries call, registered on every SQLite connection.
#pragma once

#include "core/status.h"

struct sqlite3;

namespace rampart::store::sqlite {

// Registers two deterministic functions.
//   rampart_micros(text) returns an RFC 3339 timestamp as microseconds since the Unix epoch,
//     or NULL when the text is not one. Dates written with and without fractions then
//     compare right.
//   rampart_cidr_contains(cidr, address) returns 1 when the IPv4 or IPv6 address lies in the
//     CIDR block (a bare address is a /32 or /128), and 0 otherwise.
Status RegisterFunctions(sqlite3* db);

}  // namespace rampart::store::sqlite
