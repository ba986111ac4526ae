#include "remediate/policy.h"

#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/duration.h"

namespace rampart::remediate {
namespace {

class PolicyReader {
 public:
  // `prefix` comes before each key in errors, such as "guardrails." for the keys inside it.
  explicit PolicyReader(std::string rule, std::string prefix = "")
      : rule_(std::move(rule)), prefix_(std::move(prefix)) {}

  Status Error(std::string_view key, std::string_view message) const {
    return InvalidArgument(fmt::format("rule \"{}\": {}{}: {}", rule_, prefix_, key, message));
  }

  // Returns an error naming the first key of `object` that is not in `known`, so that a
  // misspelled guardrail such as "aproval" is not ignored.
  Status CheckKeys(const Json& object, std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : object.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        return Error(key, fmt::format("unknown key; use {}", fmt::join(known, ", ")));
      }
    }
    return Status::Ok();
  }

  Status ReadDuration(const Json& object, std::string_view key,
                      std::chrono::microseconds& out) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      return Status::Ok();
    }
    if (it->is_number()) {
      out = std::chrono::microseconds(static_cast<std::int64_t>(it->get<double>() * 1e6));
      return Status::Ok();
    }
    if (!it->is_string()) {
      return Error(key, "must be a duration such as 30s, 5m or 1h");
    }
    auto parsed = ParseDuration(it->get<std::string>());
    if (!parsed) {
      return Error(key, parsed.status().message());
    }
    out = *parsed;
    return Status::Ok();
  }

  Status ReadInt(const Json& object, std::string_view key, int min, int& out) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      return Status::Ok();
    }
    if (!it->is_number_integer() || it->get<std::int64_t>() < min ||
        it->get<std::int64_t>() > 1'000'000) {
      return Error(
          key, fmt::format("must be a whole number from {} to 1000000, not {}", min, it->dump()));
    }
    out = it->get<int>();
    return Status::Ok();
  }

  Status ReadBool(const Json& object, std::string_view key, bool& out) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      return Status::Ok();
    }
    if (!it->is_boolean()) {
      return Error(key, fmt::format("must be true or false, not {}", it->dump()));
    }
    out = it->get<bool>();
    return Status::Ok();
  }

  Status ReadStrings(const Json& object, std::string_view key,
                     std::vector<std::string>& out) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      return Status::Ok();
    }
    if (!it->is_array()) {
      return Error(key, "must be a list of strings");
    }
    for (const Json& item : *it) {
      if (!item.is_string()) {
        return Error(key, fmt::format("must be a list of strings; {} is not", item.dump()));
      }
      out.push_back(item.get<std::string>());
    }
    return Status::Ok();
  }

  Status ReadGuardrails(const Json& rule, Guardrails& guardrails) const {
    const auto mode = rule.find("mode");
    if (mode != rule.end()) {
      if (*mode == "enforce") {
        guardrails.dry_run = false;
      } else if (*mode != "dry-run" && *mode != "dry_run") {
        return Error("mode", fmt::format("{} is not dry-run or enforce", mode->dump()));
      }
    }
    const auto it = rule.find("guardrails");
    if (it == rule.end()) {
      return Status::Ok();
    }
    if (!it->is_object()) {
      return Error("guardrails", "must be a mapping");
    }
    const Json& g = *it;
    const PolicyReader fields(rule_, "guardrails.");
    RAMPART_RETURN_IF_ERROR(
        fields.CheckKeys(g, {"approval", "max_actions", "window", "cooldown", "max_attempts",
                             "timeout", "backoff_initial", "backoff_max", "allow"}));
    RAMPART_RETURN_IF_ERROR(fields.ReadBool(g, "approval", guardrails.approval_required));
    RAMPART_RETURN_IF_ERROR(fields.ReadInt(g, "max_actions", 0, guardrails.max_actions));
    RAMPART_RETURN_IF_ERROR(fields.ReadDuration(g, "window", guardrails.window));
    RAMPART_RETURN_IF_ERROR(fields.ReadDuration(g, "cooldown", guardrails.cooldown));
    RAMPART_RETURN_IF_ERROR(fields.ReadInt(g, "max_attempts", 1, guardrails.max_attempts));
    RAMPART_RETURN_IF_ERROR(fields.ReadDuration(g, "timeout", guardrails.timeout));
    RAMPART_RETURN_IF_ERROR(fields.ReadDuration(g, "backoff_initial", guardrails.backoff_initial));
    RAMPART_RETURN_IF_ERROR(fields.ReadDuration(g, "backoff_max", guardrails.backoff_max));
    if (const auto allow = g.find("allow"); allow != g.end()) {
      if (!allow->is_object()) {
        return Error("guardrails.allow", "must be a mapping of lists");
      }
      const PolicyReader allowed(rule_, "guardrails.allow.");
      RAMPART_RETURN_IF_ERROR(
          allowed.CheckKeys(*allow, {"namespaces", "repositories", "accounts", "hosts"}));
      RAMPART_RETURN_IF_ERROR(allowed.ReadStrings(*allow, "namespaces", guardrails.namespaces));
      RAMPART_RETURN_IF_ERROR(allowed.ReadStrings(*allow, "repositories", guardrails.repositories));
      RAMPART_RETURN_IF_ERROR(allowed.ReadStrings(*allow, "accounts", guardrails.accounts));
      RAMPART_RETURN_IF_ERROR(allowed.ReadStrings(*allow, "hosts", guardrails.hosts));
    }
    if (guardrails.window.count() <= 0) {
      return Error("guardrails.window", "must be longer than zero");
    }
    return Status::Ok();
  }

  Status ReadVerify(const Json& rule, VerifySpec& verify) const {
    const auto it = rule.find("verify");
    if (it == rule.end()) {
      return Status::Ok();
    }
    if (!it->is_object()) {
      return Error("verify", "must be a mapping with command or report");
    }
    const PolicyReader fields(rule_, "verify.");
    RAMPART_RETURN_IF_ERROR(fields.CheckKeys(*it, {"command", "report", "timeout", "rollback"}));
    RAMPART_RETURN_IF_ERROR(fields.ReadStrings(*it, "command", verify.command));
    verify.report = StringOr(*it, "report");
    RAMPART_RETURN_IF_ERROR(fields.ReadDuration(*it, "timeout", verify.timeout));
    RAMPART_RETURN_IF_ERROR(fields.ReadBool(*it, "rollback", verify.rollback_on_failure));
    if (!verify.enabled()) {
      return Error("verify", "needs command (an argv list) or report (a file path)");
    }
    return Status::Ok();
  }

  Status ReadTargets(const Json& rule, std::vector<Target>& targets) const {
    const auto it = rule.find("targets");
    if (it == rule.end() || it->is_null()) {
      return Status::Ok();
    }
    if (!it->is_array()) {
      return Error("targets", "must be a list of {action, params}");
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& item = (*it)[i];
      const std::string key = fmt::format("targets[{}]", i);
      if (!item.is_object()) {
        return Error(key, "must be a mapping with action and params");
      }
      Target target;
      target.action = StringOr(item, "action", StringOr(item, "type"));
      if (target.action.empty()) {
        return Error(key, "action is missing, such as action: exec");
      }
      if (const auto params = item.find("params"); params != item.end()) {
        if (!params->is_object()) {
          return Error(key + ".params", "must be a mapping");
        }
        target.params = *params;
      } else {
        for (const auto& [name, value] : item.items()) {
          if (name != "action" && name != "type" && name != "id") {
            target.params[name] = value;
          }
        }
      }
      targets.push_back(std::move(target));
    }
    return Status::Ok();
  }

 private:
  std::string rule_;
  std::string prefix_;
};

}  // namespace

Result<RemediationPolicy> ParsePolicy(const Json& rule) {
  if (!rule.is_object()) {
    return InvalidArgument("a rule must be a mapping with name, event_pattern and targets");
  }
  RemediationPolicy policy;
  policy.rule = StringOr(rule, "name");
  if (policy.rule.empty()) {
    return InvalidArgument("a rule needs a name");
  }
  PolicyReader reader(policy.rule);
  RAMPART_RETURN_IF_ERROR(
      reader.CheckKeys(rule, {"name", "description", "state", "event_pattern", "enrich", "targets",
                              "mode", "guardrails", "verify"}));
  RAMPART_RETURN_IF_ERROR(reader.ReadGuardrails(rule, policy.guardrails));
  RAMPART_RETURN_IF_ERROR(reader.ReadVerify(rule, policy.verify));
  RAMPART_RETURN_IF_ERROR(reader.ReadTargets(rule, policy.targets));
  return policy;
}

}  // namespace rampart::remediate
