#include "remediate/manifest_harden.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace rampart::remediate {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    lines.push_back(line);
  }
  return lines;
}

// True when every line of `before` appears in `after` in the same order, so the edit only
// inserted lines.
bool OnlyInsertedLines(const std::string& before, const std::string& after) {
  const auto old_lines = Lines(before);
  const auto new_lines = Lines(after);
  std::size_t j = 0;
  for (const std::string& line : old_lines) {
    while (j < new_lines.size() && new_lines[j] != line) {
      ++j;
    }
    if (j == new_lines.size()) {
      return false;
    }
    ++j;
  }
  return true;
}

TEST(HardenManifest, InsertsWithFileIndentation) {
  const std::string text =
      "apiVersion: apps/v1\n"
      "kind: Deployment\n"
      "metadata:\n"
      "    name: api\n"
      "spec:\n"
      "    template:\n"
      "        spec:\n"
      "            containers:\n"
      "            -   name: app   # main\n"
      "                image: app:1\n"
      "\n"
      "# trailing comment\n";
  auto outcome =
      HardenManifest(text, "api.yaml", {"Deployment", "api", "", std::nullopt}, AllHardenFixes());
  ASSERT_TRUE(outcome.has_value()) << outcome.status().ToString();
  EXPECT_EQ(outcome->text,
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            "metadata:\n"
            "    name: api\n"
            "spec:\n"
            "    template:\n"
            "        spec:\n"
            "            containers:\n"
            "            -   name: app   # main\n"
            "                image: app:1\n"
            "                securityContext:\n"
            "                    runAsNonRoot: true\n"
            "                    allowPrivilegeEscalation: false\n"
            "                    capabilities:\n"
            "                        drop:\n"
            "                        - ALL\n"
            "                    readOnlyRootFilesystem: true\n"
            "                    seccompProfile:\n"
            "                        type: RuntimeDefault\n"
            "            automountServiceAccountToken: false\n"
            "\n"
            "# trailing comment\n");
  EXPECT_EQ(outcome->applied.size(), 6u);
  EXPECT_EQ(outcome->workloads, 1u);
}

TEST(HardenManifest, ReplacesWrongValuesAndFillsFlowMaps) {
  const std::string text =
      "kind: Pod\n"
      "metadata: {name: p}\n"
      "spec:\n"
      "  automountServiceAccountToken: true # default\n"
      "  containers:\n"
      "  - name: a\n"
      "    securityContext: {}\n"
      "  - name: b\n"
      "    securityContext:\n"
      "      allowPrivilegeEscalation: true\n"
      "      capabilities:\n"
      "        drop: [NET_RAW]\n";
  auto outcome = HardenManifest(text, "p.yaml", {}, AllHardenFixes());
  ASSERT_TRUE(outcome.has_value()) << outcome.status().ToString();
  EXPECT_EQ(outcome->text,
            "kind: Pod\n"
            "metadata: {name: p}\n"
            "spec:\n"
            "  automountServiceAccountToken: false # default\n"
            "  containers:\n"
            "  - name: a\n"
            "    securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, "
            "capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true, seccompProfile: {type: "
            "RuntimeDefault}}\n"
            "  - name: b\n"
            "    securityContext:\n"
            "      allowPrivilegeEscalation: false\n"
            "      capabilities:\n"
            "        drop: [NET_RAW, ALL]\n"
            "      runAsNonRoot: true\n"
            "      readOnlyRootFilesystem: true\n"
            "      seccompProfile:\n"
            "        type: RuntimeDefault\n");
}

TEST(HardenManifest, PodLevelSettingsCount) {
  const std::string text =
      "kind: Pod\n"
      "metadata: {name: p}\n"
      "spec:\n"
      "  securityContext:\n"
      "    runAsNonRoot: true\n"
      "    seccompProfile: {type: Localhost, localhostProfile: x.json}\n"
      "  containers:\n"
      "  - name: a\n";
  auto outcome = HardenManifest(text, "p.yaml", {},
                                {HardenFix::kRunAsNonRoot, HardenFix::kSeccompRuntimeDefault});
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->text, text);
  EXPECT_TRUE(outcome->applied.empty());
}

TEST(HardenManifest, SelectorLimitsWorkloads) {
  const std::string text =
      "kind: Pod\nmetadata: {name: a, namespace: x}\nspec:\n  containers: [{name: c}]\n---\n"
      "kind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: c}]\n";
  auto outcome = HardenManifest(text, "p.yaml", {"Pod", "b", "", std::nullopt},
                                {HardenFix::kNoServiceAccountToken});
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->workloads, 1u);
  EXPECT_EQ(outcome->text,
            "kind: Pod\nmetadata: {name: a, namespace: x}\nspec:\n  containers: [{name: c}]\n---\n"
            "kind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: c}]\n"
            "  automountServiceAccountToken: false\n");
  auto other_namespace = HardenManifest(text, "p.yaml", {"Pod", "a", "y", std::nullopt},
                                        {HardenFix::kNoServiceAccountToken});
  ASSERT_TRUE(other_namespace.has_value());
  EXPECT_EQ(other_namespace->workloads, 0u);
}

TEST(HardenManifest, NamespaceOffAllowListUntouched) {
  const std::string text =
      "kind: Pod\nmetadata: {name: a, namespace: pocketbank}\nspec:\n  containers: [{name: c}]\n"
      "---\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c}]\n";
  WorkloadSelector selector{"Pod", "a", "", std::vector<std::string>{"payments"}};
  auto denied = HardenManifest(text, "p.yaml", selector, {HardenFix::kNoServiceAccountToken});
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->workloads, 0u);
  EXPECT_EQ(denied->denied, 2u);
  EXPECT_EQ(denied->text, text);
  ASSERT_EQ(denied->skipped.size(), 2u);
  EXPECT_EQ(denied->skipped[0],
            "Pod/a: namespace 'pocketbank' is not on the namespaces allow-list");
  EXPECT_EQ(denied->skipped[1], "Pod/a: namespace 'default' is not on the namespaces allow-list");

  selector.namespace_name = "payments";
  auto allowed = HardenManifest(text, "p.yaml", selector, {HardenFix::kNoServiceAccountToken});
  ASSERT_TRUE(allowed.has_value());
  EXPECT_EQ(allowed->workloads, 1u);
  EXPECT_EQ(allowed->denied, 0u);
  EXPECT_EQ(allowed->text, text + "  automountServiceAccountToken: false\n");
}

TEST(HardenManifest, InvalidYamlFails) {
  auto outcome = HardenManifest("a: [\n", "bad.yaml", {}, AllHardenFixes());
  ASSERT_FALSE(outcome.has_value());
  EXPECT_NE(outcome.status().message().find("bad.yaml: not valid YAML at line"), std::string::npos);
}

TEST(HardenManifest, RealManifestsGetEveryField) {
  const std::filesystem::path data = std::filesystem::path(RAMPART_SHARED_DATA) / "manifests";
  if (!std::filesystem::exists(data)) {
    GTEST_SKIP() << "../shared/data is absent, so the real manifests cannot be read";
  }
  std::size_t containers_checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    std::ifstream in(entry.path());
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string before = buffer.str();
    auto outcome = HardenManifest(before, entry.path().string(), {}, AllHardenFixes());
    ASSERT_TRUE(outcome.has_value()) << outcome.status().ToString();
    EXPECT_TRUE(outcome->skipped.empty()) << entry.path() << ": " << outcome->skipped.front();
    EXPECT_TRUE(OnlyInsertedLines(before, outcome->text)) << entry.path();

    auto again = HardenManifest(outcome->text, entry.path().string(), {}, AllHardenFixes());
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->text, outcome->text) << entry.path() << " changed on a second pass";

    for (const YAML::Node& document : YAML::LoadAll(outcome->text)) {
      if (!document.IsMap() || !document["kind"] ||
          document["kind"].as<std::string>() != "Deployment") {
        continue;
      }
      const YAML::Node pod = document["spec"]["template"]["spec"];
      EXPECT_FALSE(pod["automountServiceAccountToken"].as<bool>());
      for (const YAML::Node& container : pod["containers"]) {
        const YAML::Node context = container["securityContext"];
        ASSERT_TRUE(context.IsMap()) << entry.path();
        EXPECT_FALSE(context["allowPrivilegeEscalation"].as<bool>());
        EXPECT_TRUE(context["readOnlyRootFilesystem"].as<bool>());
        bool drops_all = false;
        for (const YAML::Node& capability : context["capabilities"]["drop"]) {
          drops_all = drops_all || capability.as<std::string>() == "ALL";
        }
        EXPECT_TRUE(drops_all) << entry.path();
        const bool non_root = (context["runAsNonRoot"] && context["runAsNonRoot"].as<bool>()) ||
                              (pod["securityContext"]["runAsNonRoot"] &&
                               pod["securityContext"]["runAsNonRoot"].as<bool>());
        EXPECT_TRUE(non_root) << entry.path();
        const YAML::Node seccomp = context["seccompProfile"]["type"]
                                       ? context["seccompProfile"]["type"]
                                       : pod["securityContext"]["seccompProfile"]["type"];
        ASSERT_TRUE(seccomp.IsDefined()) << entry.path();
        EXPECT_EQ(seccomp.as<std::string>(), "RuntimeDefault");
        ++containers_checked;
      }
    }
  }
  EXPECT_EQ(containers_checked, 19u);  // the containers of the 19 Deployments
}

}  // namespace
}  // namespace rampart::remediate
