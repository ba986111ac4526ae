#include "pattern/rules_file.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/json.h"
#include "core/utf8.h"
#include "pattern/rules_enrichment.h"

namespace rampart::pattern {
namespace {

// Returns whether `text` is a number in JSON syntax, such as -12, 0.5 or 1e3.
bool IsJsonNumber(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
    }
    return i - start;
  };
  if (i < text.size() && text[i] == '-') {
    ++i;
  }
  const std::size_t integer_start = i;
  const std::size_t integer_digits = digits();
  if (integer_digits == 0 || (integer_digits > 1 && text[integer_start] == '0')) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) {
      return false;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return false;
    }
  }
  return i == text.size();
}

// YAML aliases can make a small file expand into a huge document; conversion stops after
// this many nodes per rule value.
constexpr std::size_t kMaxNodes = 100000;

// The reason a YAML value could not become JSON, and the line of the offending node.
struct ConversionProblem {
  std::string code;
  std::string message;
  int line = 0;
};

// Converts YAML to JSON. Plain scalars that spell a number, a boolean or null become one;
// quoted scalars stay strings. `budget` counts down the nodes still allowed. A key given
// twice in one mapping, or a merge key "<<", which yaml-cpp reads as a plain key, sets
// `problem`, since either would silently change what a rule matches.
Json YamlToJson(const YAML::Node& node, std::size_t& budget,
                std::optional<ConversionProblem>& problem) {
  if (budget == 0 || problem) {
    return nullptr;
  }
  --budget;
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      for (const YAML::Node& element : node) {
        array.push_back(YamlToJson(element, budget, problem));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& entry : node) {
        const std::string key = entry.first.as<std::string>();
        const int line = entry.first.Mark().line + 1;
        if (key == "<<" && entry.first.Tag() != "!") {
          problem = ConversionProblem{"merge_key",
                                      "YAML merge keys (<<) are not supported; write the keys "
                                      "out in full",
                                      line};
          return nullptr;
        }
        if (object.contains(key)) {
          problem = ConversionProblem{
              "duplicate_key",
              fmt::format("key \"{}\" is given twice in one mapping; keys must be unique, so "
                          "merge the two values into one",
                          key),
              line};
          return nullptr;
        }
        object[key] = YamlToJson(entry.second, budget, problem);
      }
      return object;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "!") {
        return text;  // quoted
      }
      if (text == "true" || text == "True" || text == "TRUE") {
        return true;
      }
      if (text == "false" || text == "False" || text == "FALSE") {
        return false;
      }
      if (text == "null" || text == "Null" || text == "NULL" || text == "~") {
        return nullptr;
      }
      // A plain scalar that is a JSON number becomes a number; "01", "+1" and "1.2.3" stay text.
      if (IsJsonNumber(text)) {
        Result<Json> number = ParseJson(text, "YAML number");
        if (number && number->is_number() &&
            !(number->is_number_float() && !std::isfinite(number->get<double>()))) {
          return *number;
        }
      }
      return text;
    }
    default:
      return nullptr;
  }
}

// Converts a rule's value named `what`. Returns the problem when it has a duplicate or merge
// key, or expands past kMaxNodes.
std::optional<ConversionProblem> ConvertValue(const YAML::Node& node, std::string_view what,
                                              Json& out) {
  std::size_t budget = kMaxNodes;
  std::optional<ConversionProblem> problem;
  out = YamlToJson(node, budget, problem);
  if (!problem && budget == 0) {
    problem = ConversionProblem{"too_complex",
                                fmt::format("{} expands to more than {} nodes", what, kMaxNodes),
                                node.Mark().line + 1};
  }
  return problem;
}

// Rebinds `node` to `child` unless `child` is a missing member, which yaml-cpp cannot rebind to.
void ResetIfDefined(YAML::Node& node, const YAML::Node& child) {
  if (child.IsDefined()) {
    node.reset(child);
  }
}

// Follows a JSON path such as "$.detail.state[0]" (as AppendMember and AppendIndex write
// it) through YAML nodes; returns the 1-based line of the deepest node reached.
int LineOfPath(const YAML::Node& root, std::string_view path) {
  YAML::Node node;
  node.reset(root);
  int line = node.Mark().line + 1;
  std::size_t i = path.rfind('$', 0) == 0 ? 1 : 0;
  while (i < path.size() && node.IsDefined()) {
    YAML::Node next;
    if (path[i] == '.') {
      std::size_t end = path.find_first_of(".[", i + 1);
      end = end == std::string_view::npos ? path.size() : end;
      if (node.IsMap()) {
        ResetIfDefined(next, std::as_const(node)[std::string(path.substr(i + 1, end - i - 1))]);
      }
      i = end;
    } else if (path[i] == '[' && i + 1 < path.size() && path[i + 1] == '"') {
      std::string name;
      std::size_t k = i + 2;
      for (; k < path.size() && path[k] != '"'; ++k) {
        if (path[k] == '\\' && k + 1 < path.size()) {
          ++k;
        }
        name += path[k];
      }
      if (node.IsMap()) {
        ResetIfDefined(next, std::as_const(node)[name]);
      }
      i = k + 2;
    } else if (path[i] == '[') {
      const std::size_t end = path.find(']', i);
      std::size_t index = 0;
      std::from_chars(path.data() + i + 1, path.data() + end, index);
      if (node.IsSequence() && index < node.size()) {
        next.reset(std::as_const(node)[index]);
      }
      i = end == std::string_view::npos ? path.size() : end + 1;
    } else {
      break;
    }
    if (!next.IsDefined() || next.IsNull()) {
      break;
    }
    node.reset(next);  // rebinds; assigning a YAML::Node would overwrite the tree
    line = node.Mark().line + 1;
  }
  return line;
}

class RulesReader {
 public:
  explicit RulesReader(RulesFile& out) : out_(out) {}

  void ReadRule(const YAML::Node& node, const std::string& path);

 private:
  void Fail(const std::string& rule, std::string path, std::string code, std::string message,
            int line) {
    out_.errors.push_back({rule, std::move(path), std::move(code), std::move(message), line});
  }
  bool ReadPattern(const YAML::Node& node, const std::string& path, Rule& rule);
  bool ReadEnrichment(const YAML::Node& node, const std::string& path, Rule& rule);
  // Reads one member other than the name; keys it does not know go to rule.extra.
  bool ReadMember(const std::string& key, const YAML::Node& value, const std::string& path,
                  Rule& rule);

  RulesFile& out_;
  std::map<std::string, std::string> first_path_by_name_;
};

bool RulesReader::ReadPattern(const YAML::Node& node, const std::string& path, Rule& rule) {
  const std::string pattern_path = path + ".event_pattern";
  const int line = node.Mark().line + 1;
  PatternResult parsed;
  if (node.IsScalar()) {
    // EventBridge stores patterns as JSON text; errors point into that text's own paths.
    parsed = ParsePatternText(node.Scalar());
    if (parsed) {
      rule.event_pattern = Json::parse(node.Scalar());
    }
  } else if (node.IsMap()) {
    if (auto problem = ConvertValue(node, "event_pattern", rule.event_pattern)) {
      Fail(rule.name, pattern_path, problem->code, problem->message, problem->line);
      return false;
    }
    parsed = ParsePattern(rule.event_pattern);
  } else {
    Fail(rule.name, pattern_path, "wrong_type",
         "event_pattern must be an object or a JSON string holding one", line);
    return false;
  }
  if (!parsed) {
    for (const PatternError& error : parsed.error()) {
      const int error_line = node.IsMap() ? LineOfPath(node, error.path) : line;
      Fail(rule.name, pattern_path + error.path.substr(1), std::string(ErrorCodeName(error.code)),
           error.message, error_line);
    }
    return false;
  }
  rule.pattern = std::move(*parsed);
  return true;
}

bool RulesReader::ReadEnrichment(const YAML::Node& node, const std::string& path, Rule& rule) {
  Json block;
  if (auto problem = ConvertValue(node, "enrich", block)) {
    Fail(rule.name, path, problem->code, problem->message, problem->line);
    return false;
  }
  Enrichment enrichment;
  const std::vector<EnrichmentError> errors = ParseEnrichment(block, enrichment);
  for (const EnrichmentError& error : errors) {
    Fail(rule.name, path + error.path, error.code, error.message,
         LineOfPath(node, "$" + error.path));
  }
  enrichment.path = path;
  enrichment.line = node.Mark().line + 1;
  rule.enrichment = std::move(enrichment);
  return errors.empty();
}

void RulesReader::ReadRule(const YAML::Node& node, const std::string& path) {
  const int line = node.Mark().line + 1;
  if (!node.IsMap()) {
    Fail("", path, "wrong_type", "a rule is a mapping with name, event_pattern and targets", line);
    return;
  }

  Rule rule;
  rule.line = line;
  rule.path = path;
  const YAML::Node name = node["name"];
  if (!name || !name.IsScalar() || name.Scalar().empty()) {
    Fail("", path + ".name", "missing_field", "every rule needs a non-empty name", line);
    return;
  }
  rule.name = name.Scalar();
  // A duplicate name fails the rule, and its other members are still read, so that every
  // error of the rule is reported at once.
  bool ok = true;
  const auto [previous, inserted] = first_path_by_name_.emplace(rule.name, path);
  if (!inserted) {
    Fail(rule.name, path + ".name", "duplicate_name",
         fmt::format("rule name \"{}\" is already used at {}; rule names must be unique", rule.name,
                     previous->second),
         name.Mark().line + 1);
    ok = false;
  }

  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    if (!seen.insert(key).second) {
      Fail(rule.name, AppendMember(path, key), "duplicate_key",
           fmt::format("key \"{}\" is given twice in this rule; keep one", key),
           entry.first.Mark().line + 1);
      ok = false;
    } else if (key != "name") {
      ok = ReadMember(key, entry.second, path, rule) && ok;
    }
  }
  if (!node["event_pattern"]) {
    Fail(rule.name, path + ".event_pattern", "missing_field", "every rule needs an event_pattern",
         line);
    ok = false;
  }
  if (ok) {
    out_.rules.push_back(std::move(rule));
  }
}

bool RulesReader::ReadMember(const std::string& key, const YAML::Node& value,
                             const std::string& path, Rule& rule) {
  const std::string member = AppendMember(path, key);
  const int line = value.Mark().line + 1;
  if (key == "description") {
    if (value.IsScalar()) {
      rule.description = value.Scalar();
      return true;
    }
    if (value.IsNull()) {
      return true;
    }
    Fail(rule.name, member, "wrong_type", "description must be a string", line);
    return false;
  }
  if (key == "state") {
    const std::string state = value.IsScalar() ? value.Scalar() : "";
    rule.enabled = state != "DISABLED";
    if (state != "ENABLED" && state != "DISABLED") {
      Fail(rule.name, member, "invalid_state",
           fmt::format("state \"{}\" is not ENABLED or DISABLED", state), line);
      return false;
    }
    return true;
  }
  if (key == "event_pattern") {
    return ReadPattern(value, path, rule);
  }
  if (key == "enrich") {
    return ReadEnrichment(value, member, rule);
  }
  if (key == "targets" && !value.IsSequence()) {
    Fail(rule.name, member, "wrong_type", "targets must be a list", line);
    return false;
  }
  Json& destination = key == "targets" ? rule.targets : rule.extra[key];
  if (auto problem = ConvertValue(value, key, destination)) {
    Fail(rule.name, member, problem->code, problem->message, problem->line);
    return false;
  }
  return true;
}

}  // namespace

std::string RuleError::ToString(std::string_view source) const {
  std::string where = line > 0 ? fmt::format("{}:{}", source, line) : std::string(source);
  std::string who = rule.empty() ? "" : fmt::format("rule \"{}\": ", rule);
  return fmt::format("{}: {}{}: {} [{}]", where, who, path, message, code);
}

RulesFile ParseRulesFile(std::string_view text) {
  RulesFile file;
  // yaml-cpp passes bytes that are not UTF-8 through, and turns a NUL byte followed by certain
  // letters into one (a NUL and "_" become 0xA0). Names and enrich blocks must be valid JSON
  // strings later, so such a file is rejected as a whole. YAML forbids NUL in any case.
  const std::size_t invalid = std::min(FindInvalidUtf8(text), text.find('\0'));
  if (invalid != std::string_view::npos) {
    const std::string_view before = text.substr(0, invalid);
    const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    const std::string where = DescribeOffset(text, invalid);
    const bool nul = text[invalid] == '\0';
    file.errors.push_back(
        {"", "$", nul ? "invalid_yaml" : "invalid_utf8",
         nul ? fmt::format("a NUL byte at {}; YAML text cannot contain NUL bytes", where)
             : fmt::format("byte 0x{:02X} at {} is not UTF-8; a rules file must be UTF-8, so "
                           "convert it (for example with iconv -t UTF-8)",
                           static_cast<unsigned char>(text[invalid]), where),
         line});
    return file;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    file.errors.push_back({"", "$", "invalid_yaml",
                           fmt::format("the file is not valid YAML or JSON: {}", error.msg),
                           error.mark.line + 1});
    return file;
  }
  YAML::Node list = root;
  std::string path = "$";
  if (root.IsMap() && root["rules"]) {
    list = root["rules"];
    path = "$.rules";
  }
  if (root.IsNull()) {
    return file;  // an empty file has no rules
  }
  if (!list.IsSequence()) {
    file.errors.push_back({"", path, "wrong_type",
                           "a rules file is a list of rules, or a mapping with a \"rules\" list",
                           list.Mark().line + 1});
    return file;
  }
  RulesReader reader(file);
  for (std::size_t i = 0; i < list.size(); ++i) {
    try {
      reader.ReadRule(list[i], AppendIndex(path, i));
    } catch (const YAML::Exception& error) {
      file.errors.push_back(
          {"", AppendIndex(path, i), "invalid_yaml", error.msg, error.mark.line + 1});
    }
  }
  CheckScoreNames(file);
  return file;
}

Status AddEnabledRules(const RulesFile& file, Matcher& matcher) {
  std::vector<std::pair<std::string, Pattern>> rules;
  for (const Rule& rule : file.rules) {
    if (rule.enabled) {
      rules.emplace_back(rule.name, rule.pattern);
    }
  }
  return matcher.AddRules(rules);
}

}  // namespace rampart::pattern
