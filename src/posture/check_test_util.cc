#include "posture/check_test_util.h"

#include <gtest/gtest.h>

namespace rampart::posture::testing {
namespace {

std::string Indent(std::string_view text, std::string_view prefix) {
  std::string out;
  std::size_t position = 0;
  while (position < text.size()) {
    const std::size_t newline = text.find('\n', position);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = text.substr(position, end - position);
    out += line.empty() ? "\n" : std::string(prefix) + std::string(line) + "\n";
    position = end + 1;
  }
  return out;
}

std::optional<Outcome> FindOutcome(const ScanReport& report, std::string_view check_id,
                                   std::string_view name) {
  for (const CheckResult& result : report.results) {
    if (result.check->id == check_id && (name.empty() || result.subject->name == name)) {
      return result.outcome;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Outcome> RunCheck(std::string_view check_id, const std::string& yaml,
                                std::string_view name) {
  ManifestSet set;
  LoadManifestText(yaml, "test.yaml", set);
  EXPECT_TRUE(set.errors.empty()) << set.errors[0].message;
  return FindOutcome(ScanManifests(set), check_id, name);
}

std::optional<Outcome> RunCheckAfterPatches(std::string_view check_id, const std::string& yaml,
                                            std::string_view name) {
  ManifestSet set;
  LoadManifestText(yaml, "test.yaml", set);
  const ScanReport before = ScanManifests(set);
  const auto outcome = FindOutcome(before, check_id, name);
  if (!outcome || outcome->passed || outcome->patches.empty()) {
    ADD_FAILURE() << check_id << " did not fail with patches";
    return std::nullopt;
  }
  ManifestSet patched;
  for (const ManifestObject& object : set.objects) {
    auto copy = std::make_shared<YamlNode>(*object.root);
    if (name.empty() ? &object == &set.objects.front() : object.name == name) {
      for (const FieldPatch& patch : outcome->patches) {
        const Status status = ApplyPatch(*copy, patch);
        EXPECT_TRUE(status.ok()) << patch.ToString() << ": " << status.message();
      }
    }
    ManifestObject moved = object;
    moved.document_root = copy;
    moved.root = copy.get();
    patched.objects.push_back(std::move(moved));
  }
  return FindOutcome(ScanManifests(patched), check_id, name);
}

std::string PodWithSpec(std::string_view spec, std::string_view metadata_extra) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod\n  namespace: app\n" +
         Indent(metadata_extra, "  ") + "spec:\n" + Indent(spec, "  ");
}

}  // namespace rampart::posture::testing
