// The running rules of `rampart serve`: the last valid contents of the rules file. A reload
// validates the file first and keeps the running rules when the new file is invalid.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/json.h"
#include "core/scoring_model.h"
#include "core/status.h"
#include "pattern/rules_file.h"

namespace rampart::server {

// Thread-safe. A missing rules file reads as an empty list of rules.
class RulesState {
 public:
  // A check beyond the rules file's own syntax, such as of remediation targets, that moves
  // the rules failing it from file.rules to file.errors.
  using RuleCheck = std::function<void(pattern::RulesFile& file)>;

  // `models`, when not null, is the models folder, and every enrich block must name one of
  // its models. It must outlive the state. `check`, when set, runs on every parsed file.
  explicit RulesState(std::string path, ModelCatalog* models = nullptr, RuleCheck check = {});

  // Parses a rules file, checks it with `check` and, with a models folder, checks the models
  // its rules name.
  pattern::RulesFile Parse(std::string_view text) const;

  // Reads and validates the file. When it is valid the new rules replace the running ones;
  // otherwise the running rules stay, Problem() returns the error, and so does Reload.
  Status Reload();

  // Returns the running rules; never null.
  std::shared_ptr<const pattern::RulesFile> Current() const;

  // Returns why the last reload failed, or an empty string when it succeeded.
  std::string Problem() const;

  // Counts the successful reloads, so a caller can see that new rules were taken.
  std::uint64_t generation() const;

  const std::string& path() const { return path_; }

  // Serializes changes of the file made through the API.
  std::mutex& write_mutex() { return write_mutex_; }

 private:
  const std::string path_;
  ModelCatalog* models_;
  RuleCheck check_;
  mutable std::mutex mutex_;
  std::mutex write_mutex_;
  std::shared_ptr<const pattern::RulesFile> current_;
  std::string problem_;
  std::uint64_t generation_ = 0;
};

// Returns a rule problem as {"Rule", "Path", "Code", "Message", "Line", "Text"}, where Text
// is the line that `rampart rules check` prints for it.
Json RuleErrorJson(const pattern::RuleError& error, const std::string& source);

// Returns a problem message listing every rule error, one per line.
std::string DescribeRuleErrors(const pattern::RulesFile& file, const std::string& source);

}  // namespace rampart::server
