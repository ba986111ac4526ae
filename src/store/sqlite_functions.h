// SQL functions that Rampart's queries call, registered on every SQLite connection.
#pragma once

#include "core/status.h"

struct sqlite3;

namespace rampart::store::sqlite {

// Registers, as deterministic functions:
//   rampart_micros(text): an RFC 3339 timestamp as microseconds since the Unix epoch, or
//     NULL when it is not one, so dates written with and without fractions compare right;
//   rampart_cidr_contains(cidr, address): 1 when the IPv4 or IPv6 address lies in the CIDR
//     block (a bare address is a /32 or /128), 0 when it does not or is not an address.
Status RegisterFunctions(sqlite3* db);

}  // namespace rampart::store::sqlite
