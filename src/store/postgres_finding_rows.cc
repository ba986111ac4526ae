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
// kCreateFinding and kUpdateFinding.
constexpr std::string_view kColumns =
    "product_arn, id, generator_id, aws_account_id, severity_label, severity_normalized, "
    "workflow_status, record_state, compliance_status, created_at, updated_at, "
    "customer_fields, document";
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

constexpr std::string_view kSelectFinding =
    "SELECT seq, updated_at, customer_fields, document::text FROM findings "
    "WHERE product_arn = $1 AND id = $2";
// The keys come as one JSON array of {"a": ProductArn, "i": Id}.
constexpr std::string_view kSelectFindings =
    "SELECT f.seq, f.updated_at, f.customer_fields, f.document::text, f.product_arn, f.id "
    "FROM jsonb_to_recordset($1::jsonb) AS k(a text, i text) "
    "JOIN findings f ON f.product_arn = k.a AND f.id = k.i";
// A new finding with its side-table rows and creation record. The foreign keys of the side
// tables are checked at the end of the statement, when the findings row exists.
constexpr std::string_view kCreateFinding =
    "WITH f AS (INSERT INTO findings ({}) VALUES ($1, $2, $3, $4, $5, $6::float8, $7, $8, $9, "
    "$10::bigint, $11::bigint, $12::integer, $13::jsonb) RETURNING seq), "
    "r AS (INSERT INTO finding_resources (finding_seq, position, type, id) "
    "SELECT f.seq, e.n - 1, e.r ->> 0, e.r ->> 1 FROM f, "
    "jsonb_array_elements($14::jsonb) WITH ORDINALITY AS e(r, n)), "
    "v AS (INSERT INTO finding_vulnerabilities (finding_seq, position, vulnerability_id) "
    "SELECT f.seq, e.n - 1, e.v FROM f, "
    "jsonb_array_elements_text($15::jsonb) WITH ORDINALITY AS e(v, n)), "
    "h AS (INSERT INTO finding_history (finding_seq, update_time, source_type, identity, "
    "finding_created, updates) SELECT f.seq, $16::bigint, 'BATCH_IMPORT_FINDINGS', $17, TRUE, "
    "'[]'::jsonb FROM f) "
    "SELECT seq FROM f";

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

}  // namespace

void PostgresFindingStore::PrepareStatements(pqxx::connection& connection) {
  connection.prepare("find_finding", std::string(kSelectFinding));
  connection.prepare("find_findings", std::string(kSelectFindings));
  connection.prepare("create_finding", fmt::format(kCreateFinding, kColumns));
  connection.prepare("update_finding", fmt::format(kUpdateFinding, kColumns));
  connection.prepare("delete_resources", "DELETE FROM finding_resources WHERE finding_seq = $1");
  connection.prepare("delete_vulnerabilities",
                     "DELETE FROM finding_vulnerabilities WHERE finding_seq = $1");
  connection.prepare("insert_resources", std::string(kInsertResources));
  connection.prepare("insert_vulnerabilities", std::string(kInsertVulnerabilities));
  connection.prepare("insert_history", std::string(kInsertHistory));
}

std::int64_t PostgresFindingStore::InsertFinding(pqxx::work& work, const Json& finding,
                                                 std::string_view actor, TimePoint now) {
  const pqxx::row row =
      work.exec_prepared1("create_finding", TextAt(finding, "ProductArn"), TextAt(finding, "Id"),
                          TextAt(finding, "GeneratorId"), TextAt(finding, "AwsAccountId"),
                          TextAt(finding, "Severity.Label"), NormalizedSeverity(finding),
                          TextAt(finding, "Workflow.Status"), TextAt(finding, "RecordState"),
                          TextAt(finding, "Compliance.Status"), MicrosAt(finding, "CreatedAt"),
                          MicrosAt(finding, "UpdatedAt"), std::int64_t{0}, document_text_,
                          JsonText(ResourceRows(finding)), JsonText(VulnerabilityRows(finding)),
                          ToUnixMicros(now), std::string(actor));
  return row[0].as<std::int64_t>();
}

void PostgresFindingStore::RewriteFinding(pqxx::work& work, std::int64_t seq, const Json& finding,
                                          std::uint32_t customer_fields) {
  work.exec_prepared0("update_finding", TextAt(finding, "ProductArn"), TextAt(finding, "Id"),
                      TextAt(finding, "GeneratorId"), TextAt(finding, "AwsAccountId"),
                      TextAt(finding, "Severity.Label"), NormalizedSeverity(finding),
                      TextAt(finding, "Workflow.Status"), TextAt(finding, "RecordState"),
                      TextAt(finding, "Compliance.Status"), MicrosAt(finding, "CreatedAt"),
                      MicrosAt(finding, "UpdatedAt"), static_cast<std::int64_t>(customer_fields),
                      document_text_, seq);
  work.exec_prepared0("delete_resources", seq);
  work.exec_prepared0("delete_vulnerabilities", seq);
  WriteSideRows(work, seq, finding);
}

void PostgresFindingStore::WriteSideRows(pqxx::work& work, std::int64_t seq, const Json& finding) {
  const Json resources = ResourceRows(finding);
  if (!resources.empty()) {
    work.exec_prepared0("insert_resources", seq, JsonText(resources));
  }
  const Json vulnerabilities = VulnerabilityRows(finding);
  if (!vulnerabilities.empty()) {
    work.exec_prepared0("insert_vulnerabilities", seq, JsonText(vulnerabilities));
  }
}

void PostgresFindingStore::WriteHistory(pqxx::work& work, std::int64_t seq, TimePoint now,
                                        UpdateSource source, std::string_view identity,
                                        bool created, const std::vector<FieldChange>& changes) {
  work.exec_prepared0("insert_history", seq, ToUnixMicros(now),
                      std::string(UpdateSourceName(source)), std::string(identity), created,
                      JsonText(FieldChangesJson(changes)));
}

Result<std::vector<HistoryRecord>> PostgresFindingStore::History(const FindingKey& key) {
  return RunRetrying(
      "reading the history of a finding", [&]() -> Result<std::vector<HistoryRecord>> {
        std::vector<HistoryRecord> records;
        postgres::SnapshotTransaction work(*connection_);
        const bool exists =
            IsStorableKey(key) &&
            !work.exec_params(std::string(kFindingExists), key.product_arn, key.id).empty();
        if (!exists) {
          return NotFound(fmt::format("no finding with ProductArn \"{}\" and Id \"{}\"",
                                      key.product_arn, key.id));
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
        return records;
      });
}

void PostgresFindingStore::QueueFindingEvent(const Json& finding, TimePoint now) {
  PendingEvent event{RandomUuid(random_), ""};
  WriteImportedEvent(finding, document_text_, event.event_id, now, event.text);
  pending_events_.push_back(std::move(event));
}

}  // namespace rampart::store
