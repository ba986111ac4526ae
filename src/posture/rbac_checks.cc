// CIS Kubernetes Benchmark 5.1 items on Roles, ClusterRoles and their bindings.
#include <fmt/format.h>

#include "posture/check_functions.h"

namespace rampart::posture::detail {
namespace {

bool ListHas(const YamlNode* list, std::string_view value) {
  for (const YamlNode& item : list && list->IsSequence() ? list->children : kNoNodes) {
    if (StringOr(&item) == value) {
      return true;
    }
  }
  return false;
}

bool ListHasAny(const YamlNode* list, std::initializer_list<std::string_view> values) {
  for (std::string_view value : values) {
    if (ListHas(list, value)) {
      return true;
    }
  }
  return false;
}

// True when a rule covers the core API group, where pods and secrets live.
bool CoversCoreGroup(const YamlNode& rule) { return ListHasAny(rule.Find("apiGroups"), {"", "*"}); }

using RuleTest = bool (*)(const YamlNode& rule);

// Evaluates `test` on every rule of a Role or ClusterRole; not applicable to a role without
// rules, such as an aggregated ClusterRole whose rules the controller fills in.
std::optional<Outcome> EvaluateRules(const Subject& subject, RuleTest test,
                                     std::string_view failure, std::string_view pass) {
  const YamlNode* rules = subject.object->root->Find("rules");
  if (rules == nullptr || !rules->IsSequence() || rules->children.empty()) {
    return std::nullopt;
  }
  std::vector<std::string> indexes;
  std::uint32_t line = 0;
  for (std::size_t i = 0; i < rules->children.size(); ++i) {
    if (test(rules->children[i])) {
      indexes.push_back(fmt::format("rules[{}]", i));
      line = line == 0 ? rules->children[i].line : line;
    }
  }
  if (indexes.empty()) {
    return Outcome::Pass(std::string(pass));
  }
  std::string joined;
  for (const std::string& index : indexes) {
    joined += (joined.empty() ? "" : ", ") + index;
  }
  return Outcome::Fail(fmt::format("{} {}", joined, failure), line);
}

bool GrantsSecretsRead(const YamlNode& rule) {
  return CoversCoreGroup(rule) && ListHasAny(rule.Find("resources"), {"secrets", "*"}) &&
         ListHasAny(rule.Find("verbs"), {"get", "list", "watch", "*"});
}

bool UsesWildcard(const YamlNode& rule) {
  return ListHas(rule.Find("verbs"), "*") || ListHas(rule.Find("resources"), "*") ||
         ListHas(rule.Find("apiGroups"), "*");
}

bool GrantsPodCreate(const YamlNode& rule) {
  return CoversCoreGroup(rule) && ListHasAny(rule.Find("resources"), {"pods", "*"}) &&
         ListHasAny(rule.Find("verbs"), {"create", "*"});
}

bool GrantsBindEscalateImpersonate(const YamlNode& rule) {
  const YamlNode* verbs = rule.Find("verbs");
  if (ListHasAny(verbs, {"bind", "escalate", "impersonate"})) {
    return true;
  }
  return ListHas(verbs, "*") &&
         ListHasAny(rule.Find("resources"),
                    {"*", "roles", "clusterroles", "users", "groups", "serviceaccounts"});
}

}  // namespace

std::optional<Outcome> CheckClusterAdminBinding(const Subject& subject, const ScanContext&) {
  const YamlNode* role_ref = subject.object->root->Find("roleRef");
  if (StringOr(role_ref ? role_ref->Find("kind") : nullptr) != "ClusterRole" ||
      StringOr(role_ref->Find("name")) != "cluster-admin") {
    return Outcome::Pass("does not bind cluster-admin");
  }
  // The binding Kubernetes creates itself grants cluster-admin to system:masters only.
  const YamlNode* subjects = subject.object->root->Find("subjects");
  bool only_masters = subject.kind == "ClusterRoleBinding" && subject.name == "cluster-admin";
  std::vector<std::string> names;
  for (const YamlNode& entry : subjects && subjects->IsSequence() ? subjects->children : kNoNodes) {
    const std::string_view kind = StringOr(entry.Find("kind"));
    const std::string_view name = StringOr(entry.Find("name"));
    names.push_back(fmt::format("{} {}", kind, name));
    only_masters = only_masters && kind == "Group" && name == "system:masters";
  }
  if (only_masters && !names.empty()) {
    return Outcome::Pass("the built-in binding of cluster-admin to system:masters");
  }
  return Outcome::Fail(fmt::format("binds cluster-admin to {}", JoinQuoted(names)), role_ref->line);
}

std::optional<Outcome> CheckRbacSecrets(const Subject& subject, const ScanContext&) {
  return EvaluateRules(subject, GrantsSecretsRead, "grant get, list or watch on secrets",
                       "grants no read access to secrets");
}

std::optional<Outcome> CheckRbacWildcards(const Subject& subject, const ScanContext&) {
  return EvaluateRules(subject, UsesWildcard, "use \"*\" in apiGroups, resources or verbs",
                       "uses no wildcards");
}

std::optional<Outcome> CheckRbacCreatePods(const Subject& subject, const ScanContext&) {
  return EvaluateRules(subject, GrantsPodCreate, "grant create on pods",
                       "grants no create access to pods");
}

std::optional<Outcome> CheckRbacBindEscalate(const Subject& subject, const ScanContext&) {
  return EvaluateRules(subject, GrantsBindEscalateImpersonate,
                       "grant bind, escalate or impersonate",
                       "grants no bind, escalate or "
                       "impersonate");
}

}  // namespace rampart::posture::detail
