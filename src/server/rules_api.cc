#include "server/rules_api.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "core/file.h"
#include "core/utf8.h"
#include "core/yaml.h"
#include "remediate/rule_targets.h"
#include "server/rules_text.h"

namespace rampart::server {
namespace {

// The rules file as a JSON document, and where its list of rules is.
struct RulesDocument {
  Json document = Json::object({{"rules", Json::array()}});
  bool top_level_list = false;
  std::string text;  // the file as read, empty when it does not exist

  Json& rules() { return top_level_list ? document : document["rules"]; }
};

Result<RulesDocument> ReadDocument(const std::string& path) {
  RulesDocument result;
  if (!std::filesystem::exists(path)) {
    return result;
  }
  auto text = ReadFile(path);
  if (!text) {
    return text.status();
  }
  auto json = ParseJsonOrYaml(*text, path);
  if (!json) {
    return json.status();
  }
  result.text = std::move(*text);
  if (json->is_array()) {
    result.document = std::move(*json);
    result.top_level_list = true;
  } else if (json->is_object() && json->value("rules", Json()).is_array()) {
    result.document = std::move(*json);
  } else if (!json->is_null()) {
    return FailedPrecondition(fmt::format(
        "{}: not a rules file; it must be a list of rules or have a rules: list", path));
  }
  return result;
}

// Returns the index of the rule named `name`, or -1.
std::ptrdiff_t FindRule(const Json& rules, const std::string& name) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].is_object() && rules[i].value("name", Json()) == name) {
      return static_cast<std::ptrdiff_t>(i);
    }
  }
  return -1;
}

ApiResponse RuleErrorsResponse(const pattern::RulesFile& file, const std::string& source) {
  Json errors = Json::array();
  for (const auto& error : file.errors) {
    errors.push_back(RuleErrorJson(error, source));
  }
  return ApiResponse::Json(400, Json{{"Code", "InvalidRulesException"},
                                     {"Message", DescribeRuleErrors(file, source)},
                                     {"Errors", errors}});
}

class RulesApi {
 public:
  RulesApi(RulesState& rules, ApiStores& stores) : rules_(rules), stores_(stores) {}

  ApiResponse List(const ApiRequest&) const {
    Json list = Json::array();
    for (const auto& rule : rules_.Current()->rules) {
      list.push_back(RuleJson(rule));
    }
    Json body{{"Rules", list}};
    if (const std::string problem = rules_.Problem(); !problem.empty()) {
      body["Problem"] = problem;
    }
    return ApiResponse::Json(200, body);
  }

  ApiResponse Get(const ApiRequest& request) const {
    const std::string& name = request.path_params.at("name");
    for (const auto& rule : rules_.Current()->rules) {
      if (rule.name == name) {
        return ApiResponse::Json(200, RuleJson(rule));
      }
    }
    return StatusResponse(request, NotFound(fmt::format("rule \"{}\" not found", name)));
  }

  ApiResponse Validate(const ApiRequest& request) const {
    auto json = ParseJsonOrYaml(request.body, "request body");
    if (!json) {
      return StatusResponse(request, json.status());
    }
    // One rule object is checked as a file that contains only that rule.
    const bool one_rule = json->is_object() && !json->contains("rules");
    const std::string text = one_rule ? Json::array({*json}).dump() : request.body;
    const pattern::RulesFile file = rules_.Parse(text);
    Json errors = Json::array();
    for (const auto& error : file.errors) {
      errors.push_back(RuleErrorJson(error, "request body"));
    }
    return ApiResponse::Json(200, Json{{"Valid", file.errors.empty()},
                                       {"ValidRules", file.rules.size()},
                                       {"Errors", errors}});
  }

  // Creates (`name` empty) or replaces the rule in the request body.
  ApiResponse Put(const ApiRequest& request, const std::string& name) {
    auto rule = ParseRequestObject(request);
    if (!rule) {
      return StatusResponse(request, rule.status());
    }
    const Json& rule_name = rule->value("name", Json());
    if (!rule_name.is_string() || rule_name.get<std::string>().empty()) {
      return InvalidInput(request, "$.name: missing; every rule needs a name");
    }
    if (!name.empty() && rule_name != name) {
      return InvalidInput(request, fmt::format("$.name: \"{}\" differs from the rule \"{}\" in "
                                               "the path; rename by DELETE and POST",
                                               rule_name.get<std::string>(), name));
    }
    const std::string target = rule_name.get<std::string>();
    if (HasControlCharacter(target)) {
      return InvalidInput(request,
                          "$.name: contains a control character such as a newline; use "
                          "letters, digits and punctuation");
    }
    if (Status allowed = CheckApiTargets(*rule, rules_.path()); !allowed.ok()) {
      return StatusResponse(request, allowed);
    }
    return Change(request, target, [&](Json& rules) -> Status {
      const std::ptrdiff_t index = FindRule(rules, target);
      if (name.empty() && index >= 0) {
        return Status(StatusCode::kAlreadyExists,
                      fmt::format("rule \"{}\" exists; replace it with PUT", target));
      }
      if (!name.empty() && index < 0) {
        return NotFound(fmt::format("rule \"{}\" not found; create it with POST", target));
      }
      if (index >= 0) {
        rules[index] = *rule;
      } else {
        rules.push_back(*rule);
      }
      return Status::Ok();
    });
  }

  ApiResponse Delete(const ApiRequest& request) {
    const std::string& name = request.path_params.at("name");
    return Change(request, name, [&](Json& rules) -> Status {
      const std::ptrdiff_t index = FindRule(rules, name);
      if (index < 0) {
        return NotFound(fmt::format("rule \"{}\" not found", name));
      }
      rules.erase(rules.begin() + index);
      return Status::Ok();
    });
  }

 private:
  // Applies `edit` to the file's rules, validates the result, writes it and reloads.
  template <typename Edit>
  ApiResponse Change(const ApiRequest& request, const std::string& name, Edit edit) {
    std::lock_guard lock(rules_.write_mutex());
    auto document = ReadDocument(rules_.path());
    if (!document) {
      return StatusResponse(request, document.status());
    }
    const Json before = document->rules();
    if (Status edited = edit(document->rules()); !edited.ok()) {
      return StatusResponse(request, edited);
    }
    const std::string text = RulesFileText(document->text, before, document->document);
    const pattern::RulesFile file = rules_.Parse(text);
    if (!file.errors.empty()) {
      return RuleErrorsResponse(file, rules_.path());
    }
    if (Status written = WriteFileAtomic(rules_.path(), text); !written.ok()) {
      return StatusResponse(request, written);
    }
    if (Status reloaded = rules_.Reload(); !reloaded.ok()) {
      return StatusResponse(request, reloaded);
    }
    // The entry contains the rule before and after, so the chained log records what changed
    // even after the rule is deleted.
    auto entry = stores_.audit->Append(request.token_name, "rule." + ActionName(request), name,
                                       Json{{"file", rules_.path()},
                                            {"before", RuleNamed(before, name)},
                                            {"after", RuleNamed(document->rules(), name)}});
    if (!entry) {
      return StatusResponse(request, entry.status());
    }
    return ApiResponse::Json(request.method == "POST" ? 201 : 200,
                             Json{{"Rule", name}, {"Rules", file.rules.size()}});
  }

  // Returns the rule named `name` in `rules`, or null.
  static Json RuleNamed(const Json& rules, const std::string& name) {
    const std::ptrdiff_t index = FindRule(rules, name);
    return index >= 0 ? rules[static_cast<std::size_t>(index)] : Json();
  }

  // Returns an error for a target that runs a program on this host. An API token must not
  // gain the power to run commands as the server's user, so only someone who can edit the
  // rules file adds such targets.
  static Status CheckApiTargets(const Json& rule, const std::string& path) {
    const Json& targets = rule.value("targets", Json::array());
    if (!targets.is_array()) {
      return Status::Ok();
    }
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const Json& target = targets[i];
      const std::string action =
          target.is_object() ? StringOr(target, "action", StringOr(target, "type")) : "";
      if (action == "exec") {
        return Status(StatusCode::kPermissionDenied,
                      fmt::format("$.targets[{}].action: exec runs a program on this host, so "
                                  "it can only be added by editing the rules file {} on the host, "
                                  "not through the API",
                                  i, path));
      }
    }
    return Status::Ok();
  }

  static std::string ActionName(const ApiRequest& request) {
    if (request.method == "POST") {
      return "create";
    }
    return request.method == "PUT" ? "replace" : "delete";
  }

  RulesState& rules_;
  ApiStores& stores_;
};

}  // namespace

Json RuleJson(const pattern::Rule& rule) {
  Json json = rule.extra.is_object() ? rule.extra : Json::object();
  json["name"] = rule.name;
  json["description"] = rule.description;
  json["state"] = rule.enabled ? "ENABLED" : "DISABLED";
  json["event_pattern"] = rule.event_pattern;
  json["targets"] = rule.targets;
  if (rule.enrichment) {
    json["enrich"] = rule.enrichment->source;
  }
  return json;
}

RulesState::RuleCheck RemediationCheck() {
  std::shared_ptr<const remediate::ActionRegistry> actions = remediate::MakeBuiltinRegistry();
  return [actions](pattern::RulesFile& file) { remediate::CheckRuleTargets(file, *actions); };
}

void AddRuleRoutes(HttpServer& server, RulesState& rules, ApiStores& stores) {
  auto api = std::make_shared<RulesApi>(rules, stores);
  server.Route("GET", "/v1/rules", Scope::kRead,
               [api](const ApiRequest& request) { return api->List(request); });
  server.Route("GET", "/v1/rules/{name}", Scope::kRead,
               [api](const ApiRequest& request) { return api->Get(request); });
  server.Route("POST", "/v1/rules/validate", Scope::kRead,
               [api](const ApiRequest& request) { return api->Validate(request); });
  server.Route("POST", "/v1/rules", Scope::kAdmin,
               [api](const ApiRequest& request) { return api->Put(request, ""); });
  server.Route("PUT", "/v1/rules/{name}", Scope::kAdmin, [api](const ApiRequest& request) {
    return api->Put(request, request.path_params.at("name"));
  });
  server.Route("DELETE", "/v1/rules/{name}", Scope::kAdmin,
               [api](const ApiRequest& request) { return api->Delete(request); });
}

}  // namespace rampart::server
