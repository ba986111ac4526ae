#include "server/rules_state.h"

#include <filesystem>

#include <fmt/format.h>

#include "core/file.h"
#include "core/log.h"
#include "pattern/rules_enrichment.h"

namespace rampart::server {

RulesState::RulesState(std::string path, ModelCatalog* models, RuleCheck check)
    : path_(std::move(path)),
      models_(models),
      check_(std::move(check)),
      current_(std::make_shared<pattern::RulesFile>()) {}

pattern::RulesFile RulesState::Parse(std::string_view text) const {
  pattern::RulesFile file = pattern::ParseRulesFile(text);
  if (check_) {
    check_(file);
  }
  if (models_ != nullptr) {
    pattern::CheckEnrichmentModels(file, *models_);
  }
  return file;
}

Status RulesState::Reload() {
  // A missing file is an error, not an empty set of rules: a file moved away or a mistyped
  // path would otherwise report "ready" while no rule runs.
  auto read =
      std::filesystem::exists(path_)
          ? ReadFile(path_)
          : Result<std::string>(NotFound(fmt::format(
                "rules file {} not found; create it (an empty file holds no rules)", path_)));
  if (!read) {
    std::lock_guard lock(mutex_);
    problem_ = read.status().message();
    Logger("rules")->error("reload of {} failed, keeping the running rules: {}", path_, problem_);
    return read.status();
  }
  auto file = std::make_shared<pattern::RulesFile>(Parse(*read));

  std::lock_guard lock(mutex_);
  if (!file->errors.empty()) {
    problem_ = DescribeRuleErrors(*file, path_);
    Logger("rules")->error("reload failed, keeping the running rules: {}", problem_);
    return InvalidArgument(problem_);
  }
  current_ = std::move(file);
  problem_.clear();
  ++generation_;
  Logger("rules")->info("loaded {} rules from {}", current_->rules.size(), path_);
  return Status::Ok();
}

std::shared_ptr<const pattern::RulesFile> RulesState::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::string RulesState::Problem() const {
  std::lock_guard lock(mutex_);
  return problem_;
}

std::uint64_t RulesState::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

Json RuleErrorJson(const pattern::RuleError& error, const std::string& source) {
  return Json{{"Rule", error.rule},       {"Path", error.path}, {"Code", error.code},
              {"Message", error.message}, {"Line", error.line}, {"Text", error.ToString(source)}};
}

std::string DescribeRuleErrors(const pattern::RulesFile& file, const std::string& source) {
  std::string message =
      fmt::format("{}: {} invalid rules; fix them (rampart rules check {}):", source,
                  file.errors.size(), source);
  for (const auto& error : file.errors) {
    message += "\n  " + error.ToString(source);
  }
  return message;
}

}  // namespace rampart::server
