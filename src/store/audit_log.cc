#include "store/audit_log.h"

#include <fmt/format.h>

#include "core/hash.h"
#include "store/audit_backend.h"
#include "store/store_location.h"

namespace rampart::store {
namespace {

const std::string kZeroHash(64, '0');

}  // namespace

struct AuditLog::Impl {
  std::unique_ptr<AuditBackend> backend;
};

std::string ComputeEntryHash(const Entry& entry, std::string_view details_text) {
  const std::string sequence = std::to_string(entry.sequence);
  return StableId({entry.previous_hash, sequence, entry.time, entry.actor, entry.action,
                   entry.subject, details_text},
                  64);
}

Json EntryToJson(const Entry& entry) {
  return Json{{"sequence", entry.sequence},
              {"time", entry.time},
              {"actor", entry.actor},
              {"action", entry.action},
              {"subject", entry.subject},
              {"details", entry.details},
              {"previous_hash", entry.previous_hash},
              {"hash", entry.hash}};
}

Entry NextEntry(std::int64_t last_sequence, const std::string& last_hash, std::string time,
                const EntryDraft& draft, const std::string& details_text) {
  Entry entry;
  entry.sequence = last_sequence + 1;
  entry.previous_hash = last_hash.empty() ? kZeroHash : last_hash;
  entry.time = std::move(time);
  entry.actor = draft.actor;
  entry.action = draft.action;
  entry.subject = draft.subject;
  entry.details = draft.details;
  entry.hash = ComputeEntryHash(entry, details_text);
  return entry;
}

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& location, const Clock& clock,
                                                 const sqlite::OpenOptions& options) {
  auto where = ParseStoreLocation(location);
  if (!where) {
    return where.status();
  }
  auto backend = where->postgres ? OpenPostgresAudit(where->target, clock)
                                 : OpenSqliteAudit(where->target, clock, options);
  if (!backend) {
    return backend.status();
  }
  auto impl = std::make_unique<Impl>();
  impl->backend = std::move(*backend);
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

Result<Entry> AuditLog::Append(const std::string& actor, const std::string& action,
                               const std::string& subject, const Json& details) {
  auto entries = AppendAll({EntryDraft{actor, action, subject, details}});
  if (!entries) {
    return entries.status();
  }
  return std::move(entries->front());
}

Result<std::vector<Entry>> AuditLog::AppendAll(const std::vector<EntryDraft>& drafts) {
  if (drafts.empty()) {
    return std::vector<Entry>();
  }
  return impl_->backend->AppendAll(drafts);
}

Result<std::vector<Entry>> AuditLog::Entries(std::int64_t after_sequence, std::size_t limit) {
  return ReadEntries(after_sequence, limit, nullptr);
}

Result<std::vector<Entry>> AuditLog::ReadEntries(std::int64_t after_sequence, std::size_t limit,
                                                 std::vector<std::string>* details_texts) {
  return impl_->backend->ReadEntries(after_sequence, limit, details_texts);
}

Result<VerifyReport> AuditLog::Verify() {
  VerifyReport report;
  std::string previous = kZeroHash;
  std::int64_t after = 0;
  while (true) {
    std::vector<std::string> texts;
    auto batch = ReadEntries(after, 10000, &texts);
    if (!batch) {
      return batch.status();
    }
    if (batch->empty()) {
      return report;
    }
    for (std::size_t i = 0; i < batch->size(); ++i) {
      const Entry& entry = (*batch)[i];
      const std::int64_t expected_sequence = report.entries + 1;
      std::string problem;
      if (entry.sequence != expected_sequence) {
        problem = fmt::format("expected sequence {}, found {}: an entry was removed or moved",
                              expected_sequence, entry.sequence);
      } else if (entry.previous_hash != previous) {
        problem = "previous_hash does not match the hash of the entry before it";
      } else if (entry.details.is_discarded() || ComputeEntryHash(entry, texts[i]) != entry.hash) {
        problem = "hash does not match the entry's contents: the entry was edited";
      }
      if (!problem.empty()) {
        report.ok = false;
        report.first_bad_sequence = entry.sequence;
        report.problem = std::move(problem);
        return report;
      }
      previous = entry.hash;
      report.entries += 1;
      after = entry.sequence;
    }
  }
}

Status AuditLog::Export(std::ostream& out) {
  std::int64_t after = 0;
  while (true) {
    auto batch = Entries(after, 10000);
    if (!batch) {
      return batch.status();
    }
    if (batch->empty()) {
      return Status::Ok();
    }
    for (const Entry& entry : *batch) {
      out << EntryToJson(entry).dump() << '\n';
      after = entry.sequence;
    }
  }
}

}  // namespace rampart::store
