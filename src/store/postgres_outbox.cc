// The outbox of the PostgreSQL finding store: writing, reading, claiming and acknowledging
// events.
#include <algorithm>

#include <fmt/format.h>

#include "store/event.h"
#include "store/json_writer.h"
#include "store/postgres_finding_store.h"
#include "store/postgres_support.h"

namespace rampart::store {
namespace {

// Takes the outbox lock until the end of the transaction. Every transaction that writes
// events takes it just before inserting them, so sequences are handed out in commit order: a
// transaction that drew a lower sequence has committed (or rolled back) before another draws
// a higher one. Without it, a reader that resumes after sequence N could see N committed
// while N - 1 is still in flight, and then skip N - 1 for good.
constexpr std::string_view kLockOutbox = "SELECT pg_advisory_xact_lock($1, $2)";
// The events come as one JSON array of [event_id, text], inserted in array order.
constexpr std::string_view kInsertEvents =
    "INSERT INTO outbox (event_id, created_at, event) "
    "SELECT e ->> 0, $1, e ->> 1 FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(e, n) "
    "ORDER BY n";
constexpr std::string_view kInsertPublished =
    "INSERT INTO outbox (event_id, created_at, event) VALUES ($1, $2, $3) RETURNING sequence";
constexpr std::string_view kReadEvents =
    "SELECT sequence, event_id, created_at, event FROM outbox WHERE sequence > $1 "
    "ORDER BY sequence LIMIT $2";
// SKIP LOCKED passes over the events that a concurrent claim has locked, and a row whose
// claim committed meanwhile is checked again against the WHERE clause before it is locked,
// so two consumers never take the same event.
constexpr std::string_view kClaimEvents =
    "WITH picked AS (SELECT sequence FROM outbox WHERE delivered_at IS NULL "
    "AND (claimed_until IS NULL OR claimed_until <= $3 OR claimed_by = $1) "
    "ORDER BY sequence LIMIT $4 FOR UPDATE SKIP LOCKED) "
    "UPDATE outbox o SET claimed_by = $1, claimed_until = $2 FROM picked "
    "WHERE o.sequence = picked.sequence "
    "RETURNING o.sequence, o.event_id, o.created_at, o.event";
constexpr std::string_view kMarkDelivered =
    "UPDATE outbox SET delivered_at = $2, claimed_by = NULL, claimed_until = NULL "
    "WHERE sequence = ANY($1::bigint[]) AND delivered_at IS NULL";
constexpr std::string_view kPruneDelivered =
    "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND created_at < $1";

std::vector<OutboxEvent> EventsOf(const pqxx::result& rows) {
  std::vector<OutboxEvent> events;
  events.reserve(rows.size());
  for (const pqxx::row& row : rows) {
    events.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                      FromUnixMicros(row[2].as<std::int64_t>()), row[3].as<std::string>()});
  }
  return events;
}

void LockOutbox(pqxx::work& work) {
  work.exec_params(std::string(kLockOutbox), postgres::kAdvisoryLockClass, postgres::kOutboxLock);
}

}  // namespace

std::size_t PostgresFindingStore::InsertPendingEvents(pqxx::work& work, TimePoint now) {
  if (pending_events_.empty()) {
    return 0;
  }
  Json rows = Json::array();
  for (PendingEvent& event : pending_events_) {
    rows.push_back(Json::array({std::move(event.event_id), std::move(event.text)}));
  }
  const std::size_t count = pending_events_.size();
  pending_events_.clear();
  std::string text;
  if (!WriteJson(rows, text)) {
    throw std::invalid_argument("an outbox event is not valid UTF-8");
  }
  LockOutbox(work);
  work.exec_params0(std::string(kInsertEvents), ToUnixMicros(now), text);
  return count;
}

Result<std::int64_t> PostgresFindingStore::PublishEvent(const Json& event) {
  RAMPART_RETURN_IF_ERROR(CheckPublishedEvent(event));
  std::string text;
  if (!WriteJson(event, text)) {
    return InvalidArgument(fmt::format("PublishEvent: event {} holds text that is not valid UTF-8",
                                       event["id"].get<std::string>()));
  }
  if (EscapesNul(text)) {
    return InvalidArgument(fmt::format(
        "PublishEvent: event {} holds the character U+0000, which PostgreSQL cannot store",
        event["id"].get<std::string>()));
  }
  auto sequence = RunRetrying("publishing an event", [&]() -> Result<std::int64_t> {
    pqxx::work work(*connection_);
    LockOutbox(work);
    const pqxx::row row =
        work.exec_params1(std::string(kInsertPublished), event["id"].get<std::string>(),
                          ToUnixMicros(clock_->Now()), text);
    const auto inserted = row[0].as<std::int64_t>();
    work.commit();
    return inserted;
  });
  if (sequence) {
    NotifyOutbox();
  }
  return sequence;
}

Result<std::vector<OutboxEvent>> PostgresFindingStore::ReadEvents(std::int64_t after_sequence,
                                                                  std::size_t limit) {
  return RunRetrying("reading outbox events", [&]() -> Result<std::vector<OutboxEvent>> {
    pqxx::nontransaction work(*connection_);
    return EventsOf(work.exec_params(std::string(kReadEvents), after_sequence,
                                     static_cast<std::int64_t>(limit)));
  });
}

Result<std::vector<OutboxEvent>> PostgresFindingStore::ClaimEvents(std::string_view consumer,
                                                                   std::size_t limit,
                                                                   std::chrono::seconds lease) {
  if (consumer.empty()) {
    return InvalidArgument("ClaimEvents: the consumer must be named");
  }
  const TimePoint now = clock_->Now();
  auto claimed = RunRetrying("claiming outbox events", [&]() -> Result<std::vector<OutboxEvent>> {
    pqxx::work work(*connection_);
    auto rows = EventsOf(work.exec_params(std::string(kClaimEvents), std::string(consumer),
                                          ToUnixMicros(now + lease), ToUnixMicros(now),
                                          static_cast<std::int64_t>(limit)));
    work.commit();
    return rows;
  });
  if (!claimed) {
    return claimed.status();
  }
  std::vector<OutboxEvent> events = std::move(*claimed);
  // RETURNING gives rows in no defined order.
  std::sort(events.begin(), events.end(),
            [](const OutboxEvent& a, const OutboxEvent& b) { return a.sequence < b.sequence; });
  return events;
}

Status PostgresFindingStore::MarkDelivered(std::span<const std::int64_t> sequences) {
  if (sequences.empty()) {
    return Status::Ok();
  }
  return RunRetrying("marking outbox events delivered", [&]() -> Status {
    pqxx::work work(*connection_);
    work.exec_params0(std::string(kMarkDelivered), fmt::format("{{{}}}", fmt::join(sequences, ",")),
                      ToUnixMicros(clock_->Now()));
    work.commit();
    return Status::Ok();
  });
}

Result<std::string> PostgresFindingStore::Identity() {
  return RunRetrying("reading the store identity", [&]() -> Result<std::string> {
    pqxx::nontransaction work(*connection_);
    return work.exec1("SELECT id FROM store_identity")[0].as<std::string>();
  });
}

Result<std::int64_t> PostgresFindingStore::PruneDelivered(TimePoint before) {
  return RunRetrying("pruning delivered outbox events", [&]() -> Result<std::int64_t> {
    pqxx::work work(*connection_);
    const pqxx::result result =
        work.exec_params0(std::string(kPruneDelivered), ToUnixMicros(before));
    work.commit();
    return static_cast<std::int64_t>(result.affected_rows());
  });
}

}  // namespace rampart::store
