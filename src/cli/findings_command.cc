// rampart findings list|update|group-by|history|summary: the finding store from the command
// line, in the shapes of Security Hub's GetFindings, BatchUpdateFindings, insights and
// GetFindingHistory.
#include <cstdlib>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/table.h"
#include "core/file.h"
#include "store/finding_store_factory.h"
#include "store/postgres_support.h"
#include "store/sqlite_finding_store.h"
#include "store/store_location.h"

namespace rampart::cli {
namespace {

constexpr std::size_t kTitleWidth = 60;
constexpr std::size_t kListPageSize = 1000;
constexpr std::size_t kDefaultListed = 100;
constexpr std::size_t kMaxListed = 1'000'000;
constexpr const char* kSeverityOrder[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"};

// Bad input (a filter, a value, an unknown finding or database) exits 2; a failure of the
// database itself exits 1.
int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
      return 2;
    default:
      return 1;
  }
}

bool Report(const Status& status, int& exit_code) {
  if (status.ok()) {
    return true;
  }
  std::cerr << "error: " << status.message() << '\n';
  exit_code = ExitCodeFor(status);
  return false;
}

// Opens the store at `location`: an existing SQLite file (a path or sqlite:PATH), never
// creating one, or a postgresql:// URL.
Result<std::unique_ptr<store::FindingStore>> OpenExisting(const std::string& location) {
  auto where = store::ParseStoreLocation(location);
  if (!where) {
    return where.status();
  }
  if (where->postgres) {
    return store::OpenFindingStore(where->target);
  }
  store::SqliteStoreOptions options;
  options.database.create_if_missing = false;
  auto sqlite = store::SqliteFindingStore::Open(where->target, options);
  if (!sqlite) {
    return sqlite.status();
  }
  return std::unique_ptr<store::FindingStore>(std::move(*sqlite));
}

// Reads --filter: JSON text, or @FILE for a file holding it.
Result<Json> ReadFilterArgument(const std::string& argument) {
  if (argument.empty()) {
    return Json();
  }
  if (argument.front() != '@') {
    return ParseJson(argument, "--filter");
  }
  const std::string path = argument.substr(1);
  auto text = ReadFile(path);
  if (!text) {
    // An unreadable filter file is bad input, like a malformed one.
    return InvalidArgument(fmt::format("--filter: {}", text.status().message()));
  }
  return ParseJson(*text, path);
}

// The filter-related parts of a command line: AwsSecurityFindingFilters, or a whole
// GetFindings request body with Filters, SortCriteria, MaxResults and NextToken.
struct ParsedQuery {
  store::Filters filters;
  std::vector<store::SortCriterion> sort;
  std::optional<std::size_t> max_results;
  std::optional<std::string> next_token;
};

// The parts of a GetFindings request body that a command uses: `list` uses them all, and
// group-by and summary, which count every matching finding, use the Filters alone.
enum class RequestParts { kFiltersOnly, kAll };

// Returns true for a GetFindings request body, which has a member that no filter field has.
bool IsRequestBody(const Json& json) {
  return json.is_object() && (json.contains("Filters") || json.contains("SortCriteria") ||
                              json.contains("MaxResults") || json.contains("NextToken"));
}

Status CheckRequestParts(const Json& body, RequestParts parts) {
  RAMPART_RETURN_IF_ERROR(
      store::CheckMembers(body, {"Filters", "SortCriteria", "MaxResults", "NextToken"}, "$"));
  if (parts == RequestParts::kAll) {
    return Status::Ok();
  }
  for (const char* key : {"SortCriteria", "MaxResults", "NextToken"}) {
    if (body.contains(key)) {
      return InvalidArgument(fmt::format(
          "$.{}: this command counts every finding that matches the Filters, so a request's "
          "SortCriteria, MaxResults and NextToken do not apply; remove {} or pass the Filters "
          "alone",
          key, key));
    }
  }
  return Status::Ok();
}

// Reads MaxResults and NextToken of a GetFindings request body into `query`.
Status ParsePaging(const Json& body, ParsedQuery& query) {
  if (const auto it = body.find("MaxResults"); it != body.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
        it->get<std::int64_t>() > static_cast<std::int64_t>(kMaxListed)) {
      return InvalidArgument(
          fmt::format("$.MaxResults: {} is not an integer from 1 to {}", it->dump(), kMaxListed));
    }
    query.max_results = it->get<std::size_t>();
  }
  if (const auto it = body.find("NextToken"); it != body.end()) {
    if (!it->is_string()) {
      return InvalidArgument(
          "$.NextToken: must be the string that an earlier list printed after --next-token");
    }
    query.next_token = it->get<std::string>();
  }
  return Status::Ok();
}

Result<ParsedQuery> ParseRequestBody(const Json& body, RequestParts parts) {
  RAMPART_RETURN_IF_ERROR(CheckRequestParts(body, parts));
  ParsedQuery query;
  auto filters = store::ParseFilters(body.value("Filters", Json()), "$.Filters");
  if (!filters) {
    return filters.status();
  }
  query.filters = std::move(*filters);
  if (const auto it = body.find("SortCriteria"); it != body.end()) {
    auto sort = store::ParseSortCriteria(*it, "$.SortCriteria");
    if (!sort) {
      return sort.status();
    }
    query.sort = std::move(*sort);
  }
  RAMPART_RETURN_IF_ERROR(ParsePaging(body, query));
  return query;
}

Result<ParsedQuery> ParseQuery(const std::string& filter_argument, RequestParts parts) {
  auto json = ReadFilterArgument(filter_argument);
  if (!json) {
    return json.status();
  }
  if (IsRequestBody(*json)) {
    auto query = ParseRequestBody(*json, parts);
    if (!query) {
      return query.status().WithContext("--filter");
    }
    return query;
  }
  auto filters = store::ParseFilters(*json);
  if (!filters) {
    return filters.status().WithContext("--filter");
  }
  ParsedQuery query;
  query.filters = std::move(*filters);
  return query;
}

std::string At(const Json& finding, std::string_view dotted) {
  const Json* value = FindPath(finding, dotted);
  if (value == nullptr || value->is_null()) {
    return "";
  }
  return value->is_string() ? value->get<std::string>() : value->dump();
}

void PrintFindings(const std::vector<Json>& findings, const std::string& output) {
  if (output == "json") {
    std::cout << Json(findings).dump(2) << '\n';
    return;
  }
  if (output == "jsonl") {
    for (const Json& finding : findings) {
      std::cout << finding.dump() << '\n';
    }
    return;
  }
  // RECORD separates ARCHIVED findings, which a later scan no longer reported, from open ones.
  Table table(
      {"SEVERITY", "WORKFLOW", "RECORD", "COMPLIANCE", "UPDATED", "RESOURCE", "TITLE", "ID"});
  for (const Json& finding : findings) {
    const Json& resources = finding.value("Resources", Json::array());
    const std::string resource = resources.empty() ? "" : At(resources[0], "Id");
    table.AddRow({At(finding, "Severity.Label"), At(finding, "Workflow.Status"),
                  At(finding, "RecordState"), At(finding, "Compliance.Status"),
                  At(finding, "UpdatedAt"), Cut(resource, 40),
                  Cut(At(finding, "Title"), kTitleWidth), At(finding, "Id")});
  }
  table.Print(std::cout, 1024);
  std::cout << fmt::format("{} finding{}\n", findings.size(), findings.size() == 1 ? "" : "s");
}

// The options of `list`. --sort-by, --max and --next-token take precedence over the
// SortCriteria, MaxResults and NextToken of a request body given to --filter.
struct ListOptions {
  std::string db = "rampart.db";
  std::string filter;
  std::vector<std::string> sort_by;
  std::optional<std::size_t> max;
  std::optional<std::string> next_token;
  std::string output = "table";
};

void RunList(const ListOptions& options, int& exit_code) {
  auto query = ParseQuery(options.filter, RequestParts::kAll);
  if (!Report(query ? Status::Ok() : query.status(), exit_code)) {
    return;
  }
  store::FindingQuery request;
  request.filters = std::move(query->filters);
  request.sort = std::move(query->sort);
  if (!options.sort_by.empty()) {
    request.sort.clear();
  }
  for (const std::string& text : options.sort_by) {
    auto criterion = store::ParseSortOption(text);
    if (!Report(criterion ? Status::Ok() : criterion.status(), exit_code)) {
      return;
    }
    request.sort.push_back(*criterion);
  }
  request.next_token = options.next_token.value_or(query->next_token.value_or(""));
  const std::size_t max = options.max.value_or(query->max_results.value_or(kDefaultListed));

  auto store = OpenExisting(options.db);
  if (!Report(store ? Status::Ok() : store.status(), exit_code)) {
    return;
  }

  std::vector<Json> findings;
  std::string next_token;
  while (findings.size() < max) {
    request.max_results = std::min(kListPageSize, max - findings.size());
    auto page = (*store)->List(request);
    if (!Report(page ? Status::Ok() : page.status(), exit_code)) {
      return;
    }
    findings.insert(findings.end(), std::make_move_iterator(page->findings.begin()),
                    std::make_move_iterator(page->findings.end()));
    next_token = page->next_token;
    if (next_token.empty()) {
      break;
    }
    request.next_token = next_token;
  }

  PrintFindings(findings, options.output);
  if (!next_token.empty()) {
    std::cerr << fmt::format("more findings match; continue with --next-token {}\n", next_token);
  }
  exit_code = 0;
}

// Options that set a value, even an empty one, are std::optional, so that `--note ""` is
// checked as an empty note instead of being taken for a missing option.
struct UpdateOptions {
  std::string db = "rampart.db";
  std::string product_arn;
  std::string id;
  std::optional<std::string> workflow_status;
  std::optional<std::string> note;
  std::string by;
  std::optional<std::string> severity_label;
  std::optional<std::string> verification_state;
  std::optional<int> confidence;
  std::optional<int> criticality;
  std::vector<std::string> types;
  std::vector<std::string> user_defined_fields;
};

Result<store::FindingUpdate> BuildUpdate(const UpdateOptions& options, const std::string& actor) {
  store::FindingUpdate update;
  update.finding_identifiers = {{options.id, options.product_arn}};
  update.workflow_status = options.workflow_status;
  if (options.note) {
    if (options.note->find_first_not_of(" \t\r\n") == std::string::npos) {
      return InvalidArgument(fmt::format(
          "--note: the note text must not be {}, because an ASFF note (Note.Text) is 1 to 512 "
          "characters long; give the text, such as --note \"accepted until the fix ships\", or "
          "leave out --note to keep the finding's note",
          options.note->empty() ? "empty" : "blank"));
    }
    update.note = store::NoteUpdate{*options.note, actor};
  }
  if (options.severity_label) {
    update.severity = store::SeverityUpdate{*options.severity_label, std::nullopt, std::nullopt};
  }
  update.verification_state = options.verification_state;
  update.confidence = options.confidence;
  update.criticality = options.criticality;
  if (!options.types.empty()) {
    update.types = options.types;
  }
  if (!options.user_defined_fields.empty()) {
    std::map<std::string, std::string> fields;
    for (const std::string& pair : options.user_defined_fields) {
      const auto equals = pair.find('=');
      if (equals == std::string::npos || equals == 0) {
        return InvalidArgument(fmt::format(
            "--user-defined-field \"{}\": write it as KEY=VALUE, such as ticket=SEC-42", pair));
      }
      fields[pair.substr(0, equals)] = pair.substr(equals + 1);
    }
    update.user_defined_fields = std::move(fields);
  }
  return update;
}

// Returns who makes the change: --by, or the login name.
std::string Actor(const UpdateOptions& options) {
  if (!options.by.empty()) {
    return options.by;
  }
  const char* user = std::getenv("USER");
  return user != nullptr ? user : "";
}

void RunUpdate(const UpdateOptions& options, int& exit_code) {
  const std::string actor = Actor(options);
  if (actor.empty()) {
    Report(InvalidArgument("name who makes the change with --by NAME"), exit_code);
    return;
  }
  auto update = BuildUpdate(options, actor);
  if (!Report(update ? Status::Ok() : update.status(), exit_code)) {
    return;
  }
  auto store = OpenExisting(options.db);
  if (!Report(store ? Status::Ok() : store.status(), exit_code)) {
    return;
  }
  auto summary = (*store)->Update(*update, actor);
  if (!Report(summary ? Status::Ok() : summary.status(), exit_code)) {
    return;
  }
  for (const auto& unprocessed : summary->unprocessed) {
    std::cerr << fmt::format("error: {}: {}\n", unprocessed.error_code, unprocessed.error_message);
  }
  for (const auto& key : summary->processed) {
    std::cout << fmt::format("updated {} (by {})\n", key.id, actor);
  }
  exit_code = summary->unprocessed.empty() ? 0 : 2;
}

struct GroupOptions {
  std::string db = "rampart.db";
  std::string attribute;
  std::string filter;
  std::string output = "table";
};

void RunGroupBy(const GroupOptions& options, int& exit_code) {
  auto query = ParseQuery(options.filter, RequestParts::kFiltersOnly);
  if (!Report(query ? Status::Ok() : query.status(), exit_code)) {
    return;
  }
  auto store = OpenExisting(options.db);
  if (!Report(store ? Status::Ok() : store.status(), exit_code)) {
    return;
  }
  auto groups = (*store)->GroupBy(query->filters, options.attribute);
  if (!Report(groups ? Status::Ok() : groups.status(), exit_code)) {
    return;
  }
  if (options.output == "json") {
    // The ResultValues of Security Hub's GetInsightResults.
    Json values = Json::array();
    for (const auto& group : *groups) {
      values.push_back({{"GroupByAttributeValue", group.value}, {"Count", group.count}});
    }
    std::cout << Json{{"GroupByAttribute", options.attribute}, {"ResultValues", values}}.dump(2)
              << '\n';
  } else {
    Table table({options.attribute, "COUNT"});
    for (const auto& group : *groups) {
      table.AddRow({group.value, std::to_string(group.count)});
    }
    table.Print(std::cout, 100);
  }
  exit_code = 0;
}

struct HistoryOptions {
  std::string db = "rampart.db";
  std::string product_arn;
  std::string id;
  std::string output = "table";
};

std::string ValueText(const Json& value) {
  if (value.is_null()) {
    return "-";
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void RunHistory(const HistoryOptions& options, int& exit_code) {
  auto store = OpenExisting(options.db);
  if (!Report(store ? Status::Ok() : store.status(), exit_code)) {
    return;
  }
  const store::FindingKey key{options.product_arn, options.id};
  auto records = (*store)->History(key);
  if (!Report(records ? Status::Ok() : records.status(), exit_code)) {
    return;
  }
  if (options.output == "json") {
    std::cout << store::HistoryJson(key, *records).dump(2) << '\n';
    exit_code = 0;
    return;
  }
  Table table({"TIME", "SOURCE", "IDENTITY", "FIELD", "OLD", "NEW"});
  for (const auto& record : *records) {
    const std::string time = FormatTimestamp(record.update_time);
    const std::string source(store::UpdateSourceName(record.source));
    if (record.finding_created) {
      table.AddRow({time, source, record.identity, "(created)", "", ""});
    }
    for (const auto& change : record.updates) {
      table.AddRow({time, source, record.identity, change.field, ValueText(change.old_value),
                    ValueText(change.new_value)});
    }
  }
  table.Print(std::cout, 48);
  exit_code = 0;
}

struct SummaryOptions {
  std::string db = "rampart.db";
  std::string filter;
  std::string output = "table";
};

// Counts per value of `attribute`, with "(none)" for the findings that have no value.
Result<std::vector<store::GroupCount>> CountsWithNone(store::FindingStore& store,
                                                      const store::Filters& filters,
                                                      std::string_view attribute,
                                                      std::int64_t total) {
  auto groups = store.GroupBy(filters, attribute);
  if (!groups) {
    return groups.status();
  }
  std::int64_t counted = 0;
  for (const auto& group : *groups) {
    counted += group.count;
  }
  if (counted < total && attribute != "ResourceType") {
    groups->push_back({"(none)", total - counted});
  }
  return groups;
}

std::vector<store::GroupCount> InSeverityOrder(const std::vector<store::GroupCount>& groups) {
  std::vector<store::GroupCount> ordered;
  for (const char* label : kSeverityOrder) {
    std::int64_t count = 0;
    for (const auto& group : groups) {
      count += group.value == label ? group.count : 0;
    }
    ordered.push_back({label, count});
  }
  return ordered;
}

void PrintSection(const std::string& title, const std::vector<store::GroupCount>& groups) {
  std::cout << '\n' << title << '\n';
  for (const auto& group : groups) {
    std::cout << fmt::format("  {:<40} {:>8}\n", group.value, group.count);
  }
}

void RunSummary(const SummaryOptions& options, int& exit_code) {
  auto query = ParseQuery(options.filter.empty()
                              ? R"({"RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]})"
                              : options.filter,
                          RequestParts::kFiltersOnly);
  if (!Report(query ? Status::Ok() : query.status(), exit_code)) {
    return;
  }
  auto store = OpenExisting(options.db);
  if (!Report(store ? Status::Ok() : store.status(), exit_code)) {
    return;
  }

  auto total = (*store)->Count(query->filters);
  if (!Report(total ? Status::Ok() : total.status(), exit_code)) {
    return;
  }
  std::map<std::string, std::vector<store::GroupCount>> sections;
  for (const char* attribute : {"SeverityLabel", "ResourceType", "ComplianceStatus"}) {
    auto groups = CountsWithNone(**store, query->filters, attribute, *total);
    if (!Report(groups ? Status::Ok() : groups.status(), exit_code)) {
      return;
    }
    sections[attribute] = std::move(*groups);
  }
  sections["SeverityLabel"] = InSeverityOrder(sections["SeverityLabel"]);

  if (options.output == "json") {
    Json json = {{"Findings", *total}};
    for (const auto& [attribute, groups] : sections) {
      Json counts = Json::object();
      for (const auto& group : groups) {
        counts[group.value] = group.count;
      }
      json[attribute] = counts;
    }
    std::cout << json.dump(2) << '\n';
    exit_code = 0;
    return;
  }

  std::cout << fmt::format("{} findings in {}{}\n", *total, store::postgres::RedactUrl(options.db),
                           options.filter.empty() ? " (RecordState ACTIVE)" : " (filtered)");
  PrintSection("By severity:", sections["SeverityLabel"]);
  PrintSection("By resource type:", sections["ResourceType"]);
  PrintSection("By compliance status:", sections["ComplianceStatus"]);
  exit_code = 0;
}

CLI::Option* AddDb(CLI::App* command, std::string& db) {
  return command
      ->add_option("--db", db,
                   "Finding store to read and write: an existing SQLite file (a path or "
                   "sqlite:PATH) or a postgresql:// URL")
      ->capture_default_str();
}

// Adds --filter; `request_help` describes what the command does with a GetFindings request body.
CLI::Option* AddFilter(CLI::App* command, std::string& filter, std::string_view request_help) {
  return command->add_option(
      "--filter", filter,
      fmt::format("Filters as AwsSecurityFindingFilters JSON, such as '{{\"SeverityLabel\": "
                  "[{{\"Value\": \"CRITICAL\", \"Comparison\": \"EQUALS\"}}]}}', or @FILE to "
                  "read them from a file. {}",
                  request_help));
}

void AddListCommand(CLI::App* group, int& exit_code) {
  auto options = std::make_shared<ListOptions>();
  auto* command = group->add_subcommand(
      "list", "List findings that match a filter, newest first unless --sort-by says otherwise");
  AddDb(command, options->db);
  AddFilter(command, options->filter,
            "A GetFindings request body, {\"Filters\": {...}, \"SortCriteria\": [...], "
            "\"MaxResults\": N, \"NextToken\": \"...\"}, is accepted too; --sort-by, --max and "
            "--next-token override its SortCriteria, MaxResults and NextToken");
  command->add_option("--sort-by", options->sort_by,
                      "Attribute to sort by, as FIELD, FIELD:asc or FIELD:desc (the default); "
                      "repeat for ties, such as --sort-by SeverityNormalized --sort-by Title:asc");
  command
      ->add_option("--max", options->max,
                   fmt::format("Largest number of findings to print, from 1 to {} (default {}, "
                               "or the MaxResults of a request body given to --filter)",
                               kMaxListed, kDefaultListed))
      ->check(CLI::Range(std::size_t{1}, kMaxListed));
  command->add_option("--next-token", options->next_token,
                      "Continue after the findings of an earlier list with the same filter and "
                      "sort, from the token it printed");
  command
      ->add_option("--output", options->output,
                   "Output format: table, json (an array of ASFF "
                   "documents) or jsonl (one document a line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json", "jsonl"}));
  command->callback([options, &exit_code] { RunList(*options, exit_code); });
}

void AddUpdateCommand(CLI::App* group, int& exit_code) {
  auto options = std::make_shared<UpdateOptions>();
  auto* command = group->add_subcommand(
      "update",
      "Change a finding as a customer (BatchUpdateFindings): later imports from the scanner "
      "keep these changes. UpdatedAt is left alone; the history records who and when.");
  AddDb(command, options->db);
  command->add_option("--product-arn", options->product_arn, "ProductArn of the finding")
      ->required();
  command->add_option("--id", options->id, "Id of the finding")->required();
  command->add_option("--workflow-status", options->workflow_status,
                      "Workflow.Status: NEW, NOTIFIED, RESOLVED or SUPPRESSED");
  command->add_option("--note", options->note,
                      "Note.Text: the note's text, 1 to 512 characters; it replaces the finding's "
                      "note");
  command->add_option("--by", options->by,
                      "Who makes the change: the note's author and the identity in the history "
                      "(default: $USER)");
  command->add_option("--severity-label", options->severity_label,
                      "Severity.Label: INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL");
  command->add_option("--verification-state", options->verification_state,
                      "VerificationState: UNKNOWN, TRUE_POSITIVE, FALSE_POSITIVE or "
                      "BENIGN_POSITIVE");
  command->add_option("--confidence", options->confidence, "Confidence, from 0 to 100");
  command->add_option("--criticality", options->criticality, "Criticality, from 0 to 100");
  command->add_option("--type", options->types,
                      "Types entry in namespace/category/classifier form; repeat for several, "
                      "which replace the finding's Types");
  command->add_option("--user-defined-field", options->user_defined_fields,
                      "UserDefinedFields entry as KEY=VALUE; repeat for several (other keys are "
                      "kept)");
  command->callback([options, &exit_code] { RunUpdate(*options, exit_code); });
}

void AddGroupByCommand(CLI::App* group, int& exit_code) {
  auto options = std::make_shared<GroupOptions>();
  auto* command = group->add_subcommand(
      "group-by",
      "Count matching findings per value of an attribute, as Security Hub insights do, largest "
      "count first; a finding with several values (resources, types) counts once per value");
  AddDb(command, options->db);
  command
      ->add_option("--attribute", options->attribute,
                   "GroupByAttribute: a filter field such as SeverityLabel, ResourceType, "
                   "ResourceId, ProductName, ComplianceStatus, WorkflowStatus, Type, GeneratorId, "
                   "AwsAccountId, RecordState, ProductArn or ResourceTags (grouped as key=value)")
      ->required();
  AddFilter(command, options->filter,
            "A GetFindings request body is accepted for its Filters alone, and one with "
            "SortCriteria, MaxResults or NextToken is rejected, because every match is counted");
  command->add_option("--output", options->output, "Output format: table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  command->callback([options, &exit_code] { RunGroupBy(*options, exit_code); });
}

void AddHistoryCommand(CLI::App* group, int& exit_code) {
  auto options = std::make_shared<HistoryOptions>();
  auto* command = group->add_subcommand(
      "history",
      "Show every accepted change of a finding: when, by whom, and each field's old "
      "and new value");
  AddDb(command, options->db);
  command->add_option("--product-arn", options->product_arn, "ProductArn of the finding")
      ->required();
  command->add_option("--id", options->id, "Id of the finding")->required();
  command->add_option("--output", options->output, "Output format: table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  command->callback([options, &exit_code] { RunHistory(*options, exit_code); });
}

void AddSummaryCommand(CLI::App* group, int& exit_code) {
  auto options = std::make_shared<SummaryOptions>();
  auto* command = group->add_subcommand(
      "summary", "Count findings by severity, by resource type and by compliance status");
  AddDb(command, options->db);
  command->add_option(
      "--filter", options->filter,
      "AwsSecurityFindingFilters JSON or @FILE choosing the findings to count (default: "
      "RecordState ACTIVE). A GetFindings request body is accepted for its Filters alone, and "
      "one with SortCriteria, MaxResults or NextToken is rejected");
  command->add_option("--output", options->output, "Output format: table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  command->callback([options, &exit_code] { RunSummary(*options, exit_code); });
}

}  // namespace

void AddFindingsCommands(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand(
      "findings", "Query and change the stored findings: list, update, group-by, history, summary");
  group->require_subcommand(1);
  AddListCommand(group, exit_code);
  AddUpdateCommand(group, exit_code);
  AddGroupByCommand(group, exit_code);
  AddHistoryCommand(group, exit_code);
  AddSummaryCommand(group, exit_code);
}

}  // namespace rampart::cli
