// The rows that the SQLite finding store writes for a new or changed finding: the findings
// row, the side-table rows of its resources and vulnerabilities, and its outbox event. New
// rows wait in RowBatch buffers and are inserted a chunk at a time.
#include <set>
#include <utility>

#include <fmt/format.h>

#include "store/event.h"
#include "store/sqlite_finding_store.h"

namespace rampart::store {
namespace {

using sqlite::Statement;

// Findings created per flush of the pending rows: enough for multi-row statements of 32
// rows, few enough that the buffered documents stay in the CPU cache.
constexpr std::size_t kPendingFindings = 64;

constexpr std::string_view kNextFindingSeq = "SELECT coalesce(max(seq), 0) + 1 FROM findings";
// The sequence that AUTOINCREMENT would give the next outbox row.
constexpr std::string_view kNextEventSequence =
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0), "
    "coalesce((SELECT max(sequence) FROM outbox), 0)) + 1";
constexpr std::string_view kUpdateFinding =
    "UPDATE findings SET product_arn = ?1, id = ?2, id_hash = ?3, generator_id = ?4, "
    "aws_account_id = ?5, severity_label = ?6, severity_normalized = ?7, workflow_status = ?8, "
    "record_state = ?9, compliance_status = ?10, created_at = ?11, updated_at = ?12, "
    "customer_fields = ?13, document = ?14, event_sequence = ?15 WHERE seq = ?16";
constexpr std::string_view kDeleteResources =
    "DELETE FROM finding_resources WHERE type = ?1 AND finding_seq = ?2";
constexpr std::string_view kDeleteVulnerabilities =
    "DELETE FROM finding_vulnerabilities WHERE vulnerability_id = ?1 AND finding_seq = ?2";

// Returns the string at `dotted` in `finding`, or "" when it is missing or not a string. The
// view is valid while `finding` is unchanged.
std::string_view TextAt(const Json& finding, std::string_view dotted) {
  const Json* value = FindPath(finding, dotted);
  // "" rather than a default string_view, whose null data() SQLite would bind as NULL.
  return value != nullptr && value->is_string() ? value->get_ref<const std::string&>()
                                                : std::string_view("");
}

std::int64_t MicrosAt(const Json& finding, std::string_view key) {
  auto time = ParseTimestamp(TextAt(finding, key));
  return time ? ToUnixMicros(*time) : 0;
}

// The columns of the findings table that copy attributes of the document, in the order of
// kUpdateFinding's parameters 1 to 12. The texts are views into the document.
struct FindingColumns {
  std::string_view product_arn;
  std::string_view id;
  std::int64_t id_hash = 0;
  std::string_view generator_id;
  std::string_view aws_account_id;
  std::string_view severity_label;
  double severity_normalized = 0;
  std::string_view workflow_status;
  std::string_view record_state;
  std::string_view compliance_status;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

FindingColumns ColumnsOf(const Json& finding) {
  FindingColumns columns;
  columns.product_arn = TextAt(finding, "ProductArn");
  columns.id = TextAt(finding, "Id");
  columns.id_hash = sqlite::IdHash(columns.id);
  columns.generator_id = TextAt(finding, "GeneratorId");
  columns.aws_account_id = TextAt(finding, "AwsAccountId");
  columns.severity_label = TextAt(finding, "Severity.Label");
  const Json* normalized = FindPath(finding, "Severity.Normalized");
  if (normalized != nullptr && normalized->is_number()) {
    columns.severity_normalized = normalized->get<double>();
  }
  columns.workflow_status = TextAt(finding, "Workflow.Status");
  columns.record_state = TextAt(finding, "RecordState");
  columns.compliance_status = TextAt(finding, "Compliance.Status");
  columns.created_at = MicrosAt(finding, "CreatedAt");
  columns.updated_at = MicrosAt(finding, "UpdatedAt");
  return columns;
}

// Returns the (Type, Id) of each resource, in order.
std::vector<std::pair<std::string, std::string>> ResourceKeys(const Json& finding) {
  std::vector<std::pair<std::string, std::string>> keys;
  const auto resources = finding.find("Resources");
  if (resources == finding.end() || !resources->is_array()) {
    return keys;
  }
  for (const Json& resource : *resources) {
    keys.emplace_back(StringOr(resource, "Type", ""), StringOr(resource, "Id", ""));
  }
  return keys;
}

// Returns the Id of each vulnerability that has one, in order.
std::vector<std::string> VulnerabilityIds(const Json& finding) {
  std::vector<std::string> ids;
  const auto vulnerabilities = finding.find("Vulnerabilities");
  if (vulnerabilities == finding.end() || !vulnerabilities->is_array()) {
    return ids;
  }
  for (const Json& vulnerability : *vulnerabilities) {
    std::string id = StringOr(vulnerability, "Id", "");
    if (!id.empty()) {
      ids.push_back(std::move(id));
    }
  }
  return ids;
}

Result<std::int64_t> ReadInt64(sqlite::Database& db, std::string_view sql) {
  auto statement = db.Prepare(sql);
  if (!statement) {
    return statement.status();
  }
  auto row = (*statement)->Step();
  if (!row) {
    return row.status();
  }
  const std::int64_t value = (*statement)->ColumnInt64(0);
  (*statement)->Reset();
  return value;
}

}  // namespace

Status SqliteFindingStore::StartWrite() {
  ClearPendingRows();
  auto next_seq = ReadInt64(*db_, kNextFindingSeq);
  if (!next_seq) {
    return next_seq.status();
  }
  auto next_sequence = ReadInt64(*db_, kNextEventSequence);
  if (!next_sequence) {
    return next_sequence.status();
  }
  next_finding_seq_ = *next_seq;
  next_event_sequence_ = *next_sequence;
  return Status::Ok();
}

void SqliteFindingStore::ClearPendingRows() {
  finding_rows_.Clear();
  event_rows_.Clear();
  resource_rows_.Clear();
  vulnerability_rows_.Clear();
  pending_id_hashes_.clear();
}

Status SqliteFindingStore::FlushPendingRows() {
  pending_id_hashes_.clear();
  const bool findings = finding_rows_.rows() > 0;
  const bool events = event_rows_.rows() > 0;
  Status status = finding_rows_.Flush(*db_);
  if (status.ok() && findings) {
    status = CheckLastRowId("findings", next_finding_seq_ - 1);
  }
  if (status.ok()) {
    status = event_rows_.Flush(*db_);
  }
  if (status.ok() && events) {
    status = CheckLastRowId("outbox", next_event_sequence_ - 1);
  }
  for (sqlite::RowBatch* rows : {&resource_rows_, &vulnerability_rows_}) {
    if (status.ok()) {
      status = rows->Flush(*db_);
    }
  }
  if (!status.ok()) {
    ClearPendingRows();
  }
  return status;
}

Status SqliteFindingStore::CheckLastRowId(std::string_view table, std::int64_t expected) const {
  // The rows are inserted without their keys, because an explicit key costs a seek per row.
  // SQLite then assigns the largest key plus one. Nothing else inserts during the write
  // transaction, so the keys are the ones the store predicted.
  const std::int64_t last = db_->LastInsertRowId();
  if (last != expected) {
    return Internal(
        fmt::format("{}: the last row inserted into {} has key {}, not {}; the "
                    "rows referring to it would be wrong, so nothing was stored",
                    db_->path(), table, last, expected));
  }
  return Status::Ok();
}

Status SqliteFindingStore::QueueNewFinding(const Json& finding, std::string_view text,
                                           std::string_view actor, TimePoint now) {
  const std::int64_t seq = next_finding_seq_++;
  const FindingColumns columns = ColumnsOf(finding);
  const std::int64_t event_sequence = QueueFindingEvent(seq, columns.id_hash, now);

  sqlite::RowBatch& row = finding_rows_;
  row.StartRow();
  row.AddText(columns.product_arn);
  row.AddText(columns.id);
  row.AddInt64(columns.id_hash);
  row.AddText(columns.generator_id);
  row.AddText(columns.aws_account_id);
  row.AddText(columns.severity_label);
  row.AddDouble(columns.severity_normalized);
  row.AddText(columns.workflow_status);
  row.AddText(columns.record_state);
  row.AddText(columns.compliance_status);
  row.AddInt64(columns.created_at);
  row.AddInt64(columns.updated_at);
  row.AddInt64(0);  // customer_fields
  row.AddText(text);
  row.AddInt64(event_sequence);
  row.AddInt64(ToUnixMicros(now));  // created_time
  if (actor == columns.product_arn) {
    row.AddNull();  // created_by
  } else {
    row.AddText(actor);
  }

  RAMPART_RETURN_IF_ERROR(QueueSideRows(seq, finding, nullptr));
  if (finding_rows_.rows() >= kPendingFindings) {
    return FlushPendingRows();
  }
  return Status::Ok();
}

std::int64_t SqliteFindingStore::QueueFindingEvent(std::int64_t seq, std::int64_t id_hash,
                                                   TimePoint now) {
  const std::int64_t sequence = next_event_sequence_++;
  event_rows_.StartRow();
  event_rows_.AddText(RandomUuid(random_));
  event_rows_.AddInt64(ToUnixMicros(now));
  event_rows_.AddText("");  // built from the finding's row when read
  event_rows_.AddInt64(seq);
  pending_id_hashes_.insert(id_hash);
  return sequence;
}

Status SqliteFindingStore::RewriteFinding(const StoredFinding& stored, const Json& previous,
                                          const Json& finding, std::uint32_t customer_fields,
                                          TimePoint now) {
  RAMPART_RETURN_IF_ERROR(WriteOutEvent(stored, previous));
  const FindingColumns columns = ColumnsOf(finding);
  const std::int64_t event_sequence = QueueFindingEvent(stored.seq, columns.id_hash, now);

  auto statement = db_->Prepare(kUpdateFinding);
  if (!statement) {
    return statement.status();
  }
  Statement& update = **statement;
  update.BindText(1, columns.product_arn);
  update.BindText(2, columns.id);
  update.BindInt64(3, columns.id_hash);
  update.BindText(4, columns.generator_id);
  update.BindText(5, columns.aws_account_id);
  update.BindText(6, columns.severity_label);
  update.BindDouble(7, columns.severity_normalized);
  update.BindText(8, columns.workflow_status);
  update.BindText(9, columns.record_state);
  update.BindText(10, columns.compliance_status);
  update.BindInt64(11, columns.created_at);
  update.BindInt64(12, columns.updated_at);
  update.BindInt64(13, customer_fields);
  update.BindTextNoCopy(14, document_text_);
  update.BindInt64(15, event_sequence);
  update.BindInt64(16, stored.seq);
  RAMPART_RETURN_IF_ERROR(update.Run());
  return QueueSideRows(stored.seq, finding, &previous);
}

Status SqliteFindingStore::QueueSideRows(std::int64_t seq, const Json& finding,
                                         const Json* previous) {
  const auto resources = ResourceKeys(finding);
  const auto vulnerabilities = VulnerabilityIds(finding);
  if (previous != nullptr) {
    // Customer updates and most provider updates leave the resources alone.
    const auto old_resources = ResourceKeys(*previous);
    const auto old_vulnerabilities = VulnerabilityIds(*previous);
    if (old_resources == resources && old_vulnerabilities == vulnerabilities) {
      return Status::Ok();
    }
    std::set<std::string> old_types;
    for (const auto& [type, id] : old_resources) {
      old_types.insert(type);
    }
    RAMPART_RETURN_IF_ERROR(DeleteSideRows(kDeleteResources, old_types, seq));
    const std::set<std::string> old_ids(old_vulnerabilities.begin(), old_vulnerabilities.end());
    RAMPART_RETURN_IF_ERROR(DeleteSideRows(kDeleteVulnerabilities, old_ids, seq));
  }
  for (std::size_t i = 0; i < resources.size(); ++i) {
    resource_rows_.StartRow();
    resource_rows_.AddText(resources[i].first);
    resource_rows_.AddInt64(seq);
    resource_rows_.AddInt64(static_cast<std::int64_t>(i));
    resource_rows_.AddText(resources[i].second);
  }
  for (std::size_t i = 0; i < vulnerabilities.size(); ++i) {
    vulnerability_rows_.StartRow();
    vulnerability_rows_.AddText(vulnerabilities[i]);
    vulnerability_rows_.AddInt64(seq);
    vulnerability_rows_.AddInt64(static_cast<std::int64_t>(i));
  }
  return Status::Ok();
}

Status SqliteFindingStore::DeleteSideRows(std::string_view sql, const std::set<std::string>& keys,
                                          std::int64_t seq) {
  for (const std::string& key : keys) {
    auto remove = db_->Prepare(sql);
    if (!remove) {
      return remove.status();
    }
    (*remove)->BindText(1, key);
    (*remove)->BindInt64(2, seq);
    RAMPART_RETURN_IF_ERROR((*remove)->Run());
  }
  return Status::Ok();
}

}  // namespace rampart::store
