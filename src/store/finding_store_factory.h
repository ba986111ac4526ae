// Opens a FindingStore from a URL, so a command or a worker picks its backend by
// configuration: an embedded SQLite file or a shared PostgreSQL database.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/clock.h"
#include "store/finding_store.h"
#include "store/outbox_signal.h"

namespace rampart::store {

// The options that every backend takes.
struct FindingStoreOptions {
  const Clock* clock = &DefaultClock();  // for ProcessedAt, history times, events and leases
  // Seeds the event id generator, for reproducible tests; empty seeds from std::random_device.
  std::optional<std::uint64_t> random_seed;
  // The largest stored document. 240 KiB is Security Hub's limit per finding.
  std::size_t max_finding_bytes = 240 * 1024;
  // Notified after every commit that wrote outbox events; not owned, may be null.
  OutboxSignal* outbox_signal = nullptr;
};

// Opens the finding store at `url` and migrates its schema:
// - "sqlite:PATH" opens or creates the SQLite file PATH (relative to the working folder
//   unless absolute, so "sqlite:///var/lib/rampart/findings.db" is an absolute path);
// - "postgresql://USER:PASSWORD@HOST:PORT/DATABASE" (or "postgres://...", with libpq's
//   query parameters such as ?sslmode=require) connects to an existing PostgreSQL database.
// Any other URL is an InvalidArgument error naming it without its password.
Result<std::unique_ptr<FindingStore>> OpenFindingStore(std::string_view url,
                                                       const FindingStoreOptions& options = {});

}  // namespace rampart::store
