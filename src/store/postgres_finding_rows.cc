// The rows that the PostgreSQL finding store writes for a new or changed finding: the
// findings row, the side-table rows of its resources and vulnerabilities, and its history.
#include <fmt/format.h>

#include "store/event.h"
#include "store/json_writer.h"
#include "store/postgres_finding_store.h"
#include "store/postgres_support.h"

namespace rampart::store {
namespace {

// The columns that copy attributes of the document, in the order of parameters $1 to $11 of
// kInsertFinding and kUpdateFinding.
constexpr std::string_view kColumns =
    "product_arn, id, generator_id, aws_account_id, severity_label, severity_normalized, "
    "workflow_status, record_state, compliance_status, created_at, updated_at, "
    "customer_fields, document";
constexpr std::string_view kInsertFinding =
    "INSERT INTO findings ({}) VALUES ($1, $2, $3, $4, $5, $6::float8, $7, $8, $9, $10::bigint, "
    "$11::bigint, $12::integer, $13::jsonb) RETURNING seq";
constexpr std::string_view kUpdateFinding =
    "UPDATE findings SET ({}) = ($1, $2, $3, $4, $5, $6::float8, $7, $8, $9, $10::bigint, "
    "$11::bigint, $12::integer, $13::jsonb) WHERE seq = $14";
// The rows come as one JSON array of [Type, Id] pairs (resources) or Ids (vulnerabilities),
// so each table takes one statement per finding.
constexpr std::string_view kInsertResources =
    "INSERT INTO finding_resources (finding_seq, position, type, id) "
    "SELECT $1, n - 1, r ->> 0, r ->> 1 FROM jsonb_array_elements($2::jsonb) "
    "WITH ORDINALITY AS e(r, n)";
constexpr std::string_view kInsertVulnerabilities =
    "INSERT INTO finding_vulnerabilities (finding_seq, position, vulnerability_id) "
    "SELECT $1, n - 1, v FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS e(v, n)";
constexpr std::string_view kInsertHistory =
    "INSERT INTO finding_history (finding_seq, update_time, source_type, identity, "
    "finding_created, updates) VALUES ($1, $2, $3, $4, $5, $6::jsonb)";
constexpr std::string_view kSelectHistory =
    "SELECT h.update_time, h.source_type, h.identity, h.finding_created, h.updates::text "
    "FROM finding_history h JOIN findings f ON f.seq = h.finding_seq "
    "WHERE f.product_arn = $1 AND f.id = $2 ORDER BY h.seq";
constexpr std::string_view kFindingExists =
    "SELECT 1 FROM findings WHERE product_arn = $1 AND id = $2";

// Returns the string at `dotted` in `finding`, or "" when it is missing or not a string.
std::string TextAt(const Json& finding, std::string_view dotted) {
  const Json* value = FindPath(finding, dotted);
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

std::string MicrosAt(const Json& finding, std::string_view dotted) {
  auto time = ParseTimestamp(TextAt(finding, dotted));
  return std::to_string(time ? ToUnixMicros(*time) : 0);
}

std::string NormalizedSeverity(const Json& finding) {
  const Json* normalized = FindPath(finding, "Severity.Normalized");
  return fmt::format(
      "{}", normalized != nullptr && normalized->is_number() ? normalized->get<double>() : 0.0);
}

// Returns the [Type, Id] of each resource, in order; "" for a missing or non-string value.
Json ResourceRows(const Json& finding) {
  Json rows = Json::array();
  const auto resources = finding.find("Resources");
  if (resources != finding.end() && resources->is_array()) {
    for (const Json& resource : *resources) {
      rows.push_back(Json::array({StringOr(resource, "Type", ""), StringOr(resource, "Id", "")}));
    }
  }
  return rows;
}

// Returns the Id of each vulnerability that has one, in order.
Json VulnerabilityRows(const Json& finding) {
  Json rows = Json::array();
  const auto vulnerabilities = finding.find("Vulnerabilities");
  if (vulnerabilities != finding.end() && vulnerabilities->is_array()) {
    for (const Json& vulnerability : *vulnerabilities) {
      std::string id = StringOr(vulnerability, "Id", "");
      if (!id.empty()) {
        rows.push_back(std::move(id));
      }
    }
  }
  return rows;
}

std::string JsonText(const Json& value) {
  std::string text;
  if (!WriteJson(value, text)) {
    throw std::invalid_argument("a history record or side-table row is not valid UTF-8");
  }
  return text;
}

}  // namespace

std::int64_t PostgresFindingStore::InsertFinding(pqxx::work& work, const Json& finding,
                                                 std::uint32_t customer_fields) {
  const pqxx::row row = work.exec_params1(
      fmt::format(kInsertFinding, kColumns), TextAt(finding, "ProductArn"), TextAt(finding, "Id"),
      TextAt(finding, "GeneratorId"), TextAt(finding, "AwsAccountId"),
      TextAt(finding, "Severity.Label"), NormalizedSeverity(finding),
      TextAt(finding, "Workflow.Status"), TextAt(finding, "RecordState"),
      TextAt(finding, "Compliance.Status"), MicrosAt(finding, "CreatedAt"),
      MicrosAt(finding, "UpdatedAt"), static_cast<std::int64_t>(customer_fields), document_text_);
  const auto seq = row[0].as<std::int64_t>();
  WriteSideRows(work, seq, finding);
  return seq;
}

void PostgresFindingStore::RewriteFinding(pqxx::work& work, std::int64_t seq, const Json& finding,
                                          std::uint32_t customer_fields) {
  work.exec_params0(fmt::format(kUpdateFinding, kColumns), TextAt(finding, "ProductArn"),
                    TextAt(finding, "Id"), TextAt(finding, "GeneratorId"),
                    TextAt(finding, "AwsAccountId"), TextAt(finding, "Severity.Label"),
                    NormalizedSeverity(finding), TextAt(finding, "Workflow.Status"),
                    TextAt(finding, "RecordState"), TextAt(finding, "Compliance.Status"),
                    MicrosAt(finding, "CreatedAt"), MicrosAt(finding, "UpdatedAt"),
                    static_cast<std::int64_t>(customer_fields), document_text_, seq);
  work.exec_params0("DELETE FROM finding_resources WHERE finding_seq = $1", seq);
  work.exec_params0("DELETE FROM finding_vulnerabilities WHERE finding_seq = $1", seq);
  WriteSideRows(work, seq, finding);
}

void PostgresFindingStore::WriteSideRows(pqxx::work& work, std::int64_t seq, const Json& finding) {
  const Json resources = ResourceRows(finding);
  if (!resources.empty()) {
    work.exec_params0(std::string(kInsertResources), seq, JsonText(resources));
  }
  const Json vulnerabilities = VulnerabilityRows(finding);
  if (!vulnerabilities.empty()) {
    work.exec_params0(std::string(kInsertVulnerabilities), seq, JsonText(vulnerabilities));
  }
}

void PostgresFindingStore::WriteHistory(pqxx::work& work, std::int64_t seq, TimePoint now,
                                        UpdateSource source, std::string_view identity,
                                        bool created, const std::vector<FieldChange>& changes) {
  work.exec_params0(std::string(kInsertHistory), seq, ToUnixMicros(now),
                    std::string(UpdateSourceName(source)), std::string(identity), created,
                    JsonText(FieldChangesJson(changes)));
}

Result<std::vector<HistoryRecord>> PostgresFindingStore::History(const FindingKey& key) {
  std::vector<HistoryRecord> records;
  try {
    postgres::SnapshotTransaction work(*connection_);
    const bool exists =
        !HasNul(key) &&
        !work.exec_params(std::string(kFindingExists), key.product_arn, key.id).empty();
    if (!exists) {
      return NotFound(
          fmt::format("no finding with ProductArn \"{}\" and Id \"{}\"", key.product_arn, key.id));
    }
    const pqxx::result rows =
        work.exec_params(std::string(kSelectHistory), key.product_arn, key.id);
    for (const pqxx::row& row : rows) {
      HistoryRecord record;
      record.update_time = FromUnixMicros(row[0].as<std::int64_t>());
      record.source =
          row[1].as<std::string>() == UpdateSourceName(UpdateSource::kBatchUpdateFindings)
              ? UpdateSource::kBatchUpdateFindings
              : UpdateSource::kBatchImportFindings;
      record.identity = row[2].as<std::string>();
      record.finding_created = row[3].as<bool>();
      for (const Json& change : Json::parse(row[4].c_str())) {
        record.updates.push_back({StringOr(change, "UpdatedField", ""),
                                  change.value("OldValue", Json()),
                                  change.value("NewValue", Json())});
      }
      records.push_back(std::move(record));
    }
    work.commit();
  } catch (const std::exception& error) {
    return Failure(error, "reading the history of a finding");
  }
  return records;
}

void PostgresFindingStore::QueueFindingEvent(const Json& finding, TimePoint now) {
  PendingEvent event{RandomUuid(random_), ""};
  WriteImportedEvent(finding, document_text_, event.event_id, now, event.text);
  pending_events_.push_back(std::move(event));
}

}  // namespace rampart::store
