// rampart remediations list|show|approve|reject, rampart audit verify|export,
// rampart token create|list|revoke.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/table.h"
#include "core/utf8.h"
#include "store/audit_log.h"
#include "store/remediation_store.h"
#include "store/store_location.h"
#include "store/token_store.h"

namespace rampart::cli {
namespace {

// libpq also reads the password from PGPASSWORD or ~/.pgpass, which keep it out of `ps`.
constexpr const char* kDbHelp =
    "Database: a SQLite file path (also written sqlite:PATH) or a postgresql:// URL, whose "
    "password is best given in PGPASSWORD or ~/.pgpass";

// Opens a store of the database at `location` for a command that reads it or decides on its
// records: unlike a command that writes findings, it must not leave an empty database at a
// mistyped path.
template <typename Store>
Result<std::unique_ptr<Store>> OpenExisting(const std::string& location) {
  auto where = store::ParseStoreLocation(location);
  if (!where) {
    return where.status();
  }
  std::error_code error;
  if (!where->postgres && !std::filesystem::exists(where->target, error) && !error) {
    return NotFound(fmt::format(
        "{}: database not found; pass --db with the path of an existing database", where->target));
  }
  return Store::Open(location);
}

template <typename T>
bool Check(const Result<T>& result, int& exit_code) {
  if (!result) {
    std::cerr << "error: " << result.status().message() << '\n';
    exit_code = 2;
    return false;
  }
  return true;
}

void PrintRemediations(const std::vector<store::Remediation>& records, const std::string& output) {
  if (output == "json") {
    Json array = Json::array();
    for (const auto& record : records) {
      array.push_back(store::RemediationToJson(record));
    }
    std::cout << array.dump(2) << '\n';
    return;
  }
  Table table({"ID", "STATE", "RULE", "ACTION", "MODE", "ATTEMPTS", "FINDING", "SUMMARY"});
  for (const auto& r : records) {
    table.AddRow({std::to_string(r.id), std::string(store::RemediationStateName(r.state)), r.rule,
                  r.action, r.dry_run ? "dry-run" : "enforce", std::to_string(r.attempts),
                  r.finding_id, r.error.empty() ? r.summary : r.error});
  }
  table.Print(std::cout, 48);
}

void PrintRemediation(const store::Remediation& r, const std::string& output) {
  if (output == "json") {
    std::cout << store::RemediationToJson(r).dump(2) << '\n';
    return;
  }
  std::cout << fmt::format(
      "Remediation {}\n  State:        {}\n  Rule:         {} (target {})\n  Action:       {}\n"
      "  Mode:         {}\n  Finding:      {}\n  Product ARN:  {}\n  Resource:     {}\n"
      "  Attempts:     {} of {}\n  Created:      {}\n  Started:      {}\n  Finished:     {}\n"
      "  Approved by:  {}\n  Summary:      {}\n  Error:        {}\n",
      r.id, store::RemediationStateName(r.state), Printable(r.rule), r.target_index,
      Printable(r.action), r.dry_run ? "dry-run" : "enforce", Printable(r.finding_id),
      Printable(r.product_arn), Printable(r.resource_id), r.attempts, r.max_attempts,
      Printable(r.created_at), Printable(r.started_at), Printable(r.finished_at),
      Printable(r.approved_by), Printable(r.summary), Printable(r.error));
  if (!r.diff.empty()) {
    std::cout << "  Diff:\n" << PrintableLines(r.diff) << (r.diff.back() == '\n' ? "" : "\n");
  }
  if (!r.output.empty()) {
    std::cout << "  Output:\n" << PrintableLines(r.output) << (r.output.back() == '\n' ? "" : "\n");
  }
}

void AddRemediationCommands(CLI::App& app, int& exit_code) {
  auto* group =
      app.add_subcommand("remediations", "List, inspect, approve and reject remediations");
  group->require_subcommand(1);
  struct Options {
    std::string db = "rampart.db";
    std::string output = "table";
    std::string state;
    std::string rule;
    std::size_t max = 100;
    std::int64_t id = 0;
    std::string by;
  };
  auto options = std::make_shared<Options>();
  auto add_common = [&](CLI::App* command) {
    command->add_option("--db", options->db, kDbHelp)->capture_default_str();
    command->add_option("--output", options->output, "Output format: table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
  };

  auto* list = group->add_subcommand("list", "List remediations, newest first");
  add_common(list);
  list->add_option("--state", options->state, "Only this state: " + store::RemediationStateList());
  list->add_option("--rule", options->rule, "Only remediations planned by this rule");
  list->add_option("--max", options->max, "Maximum number of remediations")->capture_default_str();
  list->callback([options, &exit_code] {
    store::RemediationFilter filter;
    if (!options->state.empty()) {
      filter.state = store::ParseRemediationState(options->state);
      if (!filter.state) {
        std::cerr << "error: unknown state \"" << options->state << "\"; see --help\n";
        exit_code = 2;
        return;
      }
    }
    filter.rule = options->rule;
    filter.limit = options->max;
    auto remediations = OpenExisting<store::RemediationStore>(options->db);
    if (!Check(remediations, exit_code)) {
      return;
    }
    auto records = (*remediations)->List(filter);
    if (Check(records, exit_code)) {
      PrintRemediations(*records, options->output);
    }
  });

  auto* show = group->add_subcommand("show", "Show one remediation with its diff and output");
  add_common(show);
  show->add_option("id", options->id, "Remediation id")->required();
  show->callback([options, &exit_code] {
    auto remediations = OpenExisting<store::RemediationStore>(options->db);
    if (!Check(remediations, exit_code)) {
      return;
    }
    auto record = (*remediations)->Get(options->id);
    if (!Check(record, exit_code)) {
      return;
    }
    if (!record->has_value()) {
      std::cerr << "error: remediation " << options->id
                << " does not exist; see rampart remediations list\n";
      exit_code = 2;
      return;
    }
    PrintRemediation(**record, options->output);
  });

  for (const bool approve : {true, false}) {
    auto* decide = group->add_subcommand(approve ? "approve" : "reject",
                                         approve ? "Approve a remediation awaiting approval"
                                                 : "Reject a remediation awaiting approval");
    add_common(decide);
    decide->add_option("id", options->id, "Remediation id")->required();
    decide->add_option("--by", options->by, "Who decides, recorded with the decision")->required();
    decide->callback([options, approve, &exit_code] {
      if (options->by.find_first_not_of(" \t\r\n") == std::string::npos) {
        std::cerr << "error: --by is empty; name who decides, such as --by alice\n";
        exit_code = 2;
        return;
      }
      // The name goes into the audit log, which auditors read in terminals.
      if (HasControlCharacter(options->by)) {
        std::cerr << "error: --by \"" << Printable(options->by)
                  << "\" contains control characters; name who decides in plain text, such as "
                     "--by alice\n";
        exit_code = 2;
        return;
      }
      auto remediations = OpenExisting<store::RemediationStore>(options->db);
      auto audit = OpenExisting<store::AuditLog>(options->db);
      if (!Check(remediations, exit_code) || !Check(audit, exit_code)) {
        return;
      }
      auto decided = (*remediations)->Decide(options->id, approve, options->by);
      if (!Check(decided, exit_code)) {
        return;
      }
      auto entry = (*audit)->Append(
          options->by, approve ? "remediation.approved" : "remediation.rejected",
          decided->finding_id, Json{{"remediation_id", decided->id}, {"rule", decided->rule}});
      if (!Check(entry, exit_code)) {
        return;
      }
      PrintRemediation(*decided, options->output);
    });
  }
}

void AddAuditCommands(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("audit", "Verify and export the hash-chained audit log");
  group->require_subcommand(1);
  auto db = std::make_shared<std::string>("rampart.db");
  auto out_path = std::make_shared<std::string>();

  auto* verify = group->add_subcommand(
      "verify", "Recompute the chain; exit 1 when an entry was edited, removed or reordered");
  verify->add_option("--db", *db, kDbHelp)->capture_default_str();
  verify->callback([db, &exit_code] {
    auto audit = OpenExisting<store::AuditLog>(*db);
    if (!Check(audit, exit_code)) {
      return;
    }
    auto report = (*audit)->Verify();
    if (!Check(report, exit_code)) {
      return;
    }
    if (report->ok) {
      std::cout << fmt::format("audit log verified: {} entries\n", report->entries);
      return;
    }
    std::cout << fmt::format("audit log broken at entry {}: {}\n", report->first_bad_sequence,
                             report->problem);
    exit_code = 1;
  });

  auto* export_command =
      group->add_subcommand("export", "Write every entry as one JSON object per line");
  export_command->add_option("--db", *db, kDbHelp)->capture_default_str();
  export_command->add_option("--out", *out_path,
                             "Output file; standard output when omitted or \"-\"");
  export_command->callback([db, out_path, &exit_code] {
    auto audit = OpenExisting<store::AuditLog>(*db);
    if (!Check(audit, exit_code)) {
      return;
    }
    std::ofstream file;
    if (*out_path == "-") {
      out_path->clear();  // "-" is standard output, as for most command-line tools
    }
    if (!out_path->empty()) {
      file.open(*out_path, std::ios::trunc);
      if (!file) {
        std::cerr << "error: cannot write " << *out_path << '\n';
        exit_code = 2;
        return;
      }
    }
    const Status status = (*audit)->Export(out_path->empty() ? std::cout : file);
    if (!status.ok()) {
      std::cerr << "error: " << status.message() << '\n';
      exit_code = 2;
    }
  });
}

void AddTokenCommands(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("token", "Create, list and revoke API bearer tokens");
  group->require_subcommand(1);
  struct Options {
    std::string db = "rampart.db";
    std::string name;
    std::string scopes;
    std::vector<std::string> product_arns;
    std::string output = "table";
  };
  auto options = std::make_shared<Options>();

  auto* create = group->add_subcommand("create", "Create a token and print it once");
  create->add_option("--db", options->db, kDbHelp)->capture_default_str();
  create->add_option("--name", options->name, "Name recorded with every change the token makes")
      ->required();
  create
      ->add_option("--scopes", options->scopes,
                   "Comma-separated scopes: read, import, update, approve, admin")
      ->required();
  create->add_option("--product-arn", options->product_arns,
                     "Limit imports and updates to findings of this ProductArn (repeat for "
                     "more; * matches any characters). Without it the token writes every "
                     "product's findings");
  create->callback([options, &exit_code] {
    auto scopes = store::ParseScopes(options->scopes);
    auto tokens = store::TokenStore::Open(options->db);
    if (!Check(scopes, exit_code) || !Check(tokens, exit_code)) {
      return;
    }
    auto token = (*tokens)->Create(options->name, *scopes, options->product_arns);
    if (Check(token, exit_code)) {
      std::cout << *token << '\n';
      std::cerr << "Store this token now: Rampart keeps only its hash.\n";
    }
  });

  auto* list = group->add_subcommand("list", "List tokens with their scopes (never the tokens)");
  list->add_option("--db", options->db, kDbHelp)->capture_default_str();
  list->add_option("--output", options->output, "table, or json for an array of tokens")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  list->callback([options, &exit_code] {
    auto tokens = OpenExisting<store::TokenStore>(options->db);
    if (!Check(tokens, exit_code)) {
      return;
    }
    auto infos = (*tokens)->List();
    if (!Check(infos, exit_code)) {
      return;
    }
    if (options->output == "json") {
      Json array = Json::array();
      for (const auto& info : *infos) {
        array.push_back({{"Name", info.name},
                         {"Scopes", info.scopes},
                         {"ProductArns", info.product_arns},
                         {"CreatedAt", info.created_at},
                         {"RevokedAt", info.revoked_at}});
      }
      std::cout << array.dump(2) << '\n';
      return;
    }
    Table table({"NAME", "SCOPES", "PRODUCTS", "CREATED", "REVOKED"});
    for (const auto& info : *infos) {
      table.AddRow(
          {info.name, fmt::format("{}", fmt::join(info.scopes, ",")),
           info.product_arns.empty() ? "all" : fmt::format("{}", fmt::join(info.product_arns, ",")),
           info.created_at, info.revoked_at});
    }
    // Product patterns are printed whole: a cut one would hide what the token may write.
    table.Print(std::cout, std::numeric_limits<std::size_t>::max());
  });

  auto* revoke = group->add_subcommand("revoke", "Revoke the valid token with this name");
  revoke->add_option("--db", options->db, kDbHelp)->capture_default_str();
  revoke->add_option("--name", options->name, "Token name")->required();
  revoke->callback([options, &exit_code] {
    auto tokens = OpenExisting<store::TokenStore>(options->db);
    if (!Check(tokens, exit_code)) {
      return;
    }
    const Status status = (*tokens)->Revoke(options->name);
    if (!status.ok()) {
      std::cerr << "error: " << status.message() << '\n';
      exit_code = 2;
      return;
    }
    std::cout << "revoked " << options->name << '\n';
  });
}

}  // namespace

void AddOperationsCommands(CLI::App& app, int& exit_code) {
  AddRemediationCommands(app, exit_code);
  AddAuditCommands(app, exit_code);
  AddTokenCommands(app, exit_code);
}

}  // namespace rampart::cli
