// The audit log in a PostgreSQL database: one chain that every worker appends to.
#include "store/audit_backend.h"
#include "store/postgres_session.h"

namespace rampart::store {
namespace {

using postgres::Session;

// Details stay text, not JSONB, since the hash covers the exact bytes written.
constexpr postgres::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE audit_log (
  sequence      BIGINT PRIMARY KEY,
  time          TEXT NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  subject       TEXT NOT NULL,
  details       TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash          TEXT NOT NULL
);
)sql"},
};

class PostgresAudit final : public AuditBackend {
 public:
  PostgresAudit(std::unique_ptr<Session> session, const Clock& clock)
      : session_(std::move(session)), clock_(clock) {}

  Result<std::vector<Entry>> AppendAll(const std::vector<EntryDraft>& drafts) override {
    return session_->Run(
        "appending to the audit log",
        [&](pqxx::connection& connection) -> Result<std::vector<Entry>> {
          pqxx::work work(connection);
          // Appends queue on this lock, held until the commit, so each one
          // reads the hash its predecessor committed.
          work.exec_params("SELECT pg_advisory_xact_lock($1, $2)", postgres::kAdvisoryLockClass,
                           postgres::kAuditAppendLock);
          const pqxx::result last = work.exec(
              "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC "
              "LIMIT 1");
          std::int64_t last_sequence = last.empty() ? 0 : last[0][0].as<std::int64_t>();
          std::string last_hash = last.empty() ? "" : last[0][1].as<std::string>();
          const std::string time = FormatTimestamp(clock_.Now());
          std::vector<Entry> entries;
          entries.reserve(drafts.size());
          for (const EntryDraft& draft : drafts) {
            const EntryDraft storable{postgres::StorableText(draft.actor),
                                      postgres::StorableText(draft.action),
                                      postgres::StorableText(draft.subject), draft.details};
            const std::string details_text = draft.details.dump();
            Entry entry = NextEntry(last_sequence, last_hash, time, storable, details_text);
            work.exec_params0(
                "INSERT INTO audit_log (sequence, time, actor, action, subject, "
                "details, previous_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                entry.sequence, entry.time, entry.actor, entry.action, entry.subject, details_text,
                entry.previous_hash, entry.hash);
            last_sequence = entry.sequence;
            last_hash = entry.hash;
            entries.push_back(std::move(entry));
          }
          work.commit();
          return entries;
        });
  }

  Result<std::vector<Entry>> ReadEntries(std::int64_t after_sequence, std::size_t limit,
                                         std::vector<std::string>* details_texts) override {
    return session_->Run(
        "reading the audit log", [&](pqxx::connection& connection) -> Result<std::vector<Entry>> {
          pqxx::read_transaction work(connection);
          const pqxx::result rows = work.exec_params(
              "SELECT sequence, time, actor, action, subject, details, previous_hash, hash "
              "FROM audit_log WHERE sequence > $1 ORDER BY sequence LIMIT $2",
              after_sequence, static_cast<std::int64_t>(limit));
          std::vector<Entry> entries;
          entries.reserve(rows.size());
          for (const pqxx::row& row : rows) {
            Entry entry;
            entry.sequence = row[0].as<std::int64_t>();
            entry.time = row[1].as<std::string>();
            entry.actor = row[2].as<std::string>();
            entry.action = row[3].as<std::string>();
            entry.subject = row[4].as<std::string>();
            std::string details_text = row[5].as<std::string>();
            entry.details = Json::parse(details_text, nullptr, false);
            if (details_texts != nullptr) {
              details_texts->push_back(std::move(details_text));
            }
            entry.previous_hash = row[6].as<std::string>();
            entry.hash = row[7].as<std::string>();
            entries.push_back(std::move(entry));
          }
          return entries;
        });
  }

 private:
  std::unique_ptr<Session> session_;
  const Clock& clock_;
};

}  // namespace

Result<std::unique_ptr<AuditBackend>> OpenPostgresAudit(const std::string& url,
                                                        const Clock& clock) {
  auto session = Session::Open(url, "audit", kMigrations);
  if (!session) {
    return session.status();
  }
  return std::unique_ptr<AuditBackend>(std::make_unique<PostgresAudit>(std::move(*session), clock));
}

}  // namespace rampart::store
