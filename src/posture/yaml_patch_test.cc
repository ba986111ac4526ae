#include "posture/yaml_patch.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "core/file.h"
#include "posture/scanner.h"

namespace rampart::posture {
namespace {

const std::string kSharedData = RAMPART_SHARED_DATA;

std::string Patch(std::string_view text, const std::vector<FieldPatch>& patches,
                  const ObjectLocation& location = {}) {
  auto patched = ApplyPatchesToText(text, location, patches);
  EXPECT_TRUE(patched.has_value()) << patched.status().message();
  return patched ? patched->text : "";
}

TEST(YamlPatch, ReplacesScalarInPlaceKeepingComment) {
  const std::string text =
      "spec:\n  containers:\n  - name: a\n    securityContext:\n"
      "      privileged: true   # needed once\n";
  EXPECT_EQ(Patch(text, {FieldPatch::Set("spec.containers[name=a].securityContext.privileged",
                                         PatchValue::Bool(false))}),
            "spec:\n  containers:\n  - name: a\n    securityContext:\n"
            "      privileged: false   # needed once\n");
}

TEST(YamlPatch, KeepsQuoteStyleOfStrings) {
  EXPECT_EQ(Patch("type: 'Unconfined'\n",
                  {FieldPatch::Set("type", PatchValue::String("RuntimeDefault"))}),
            "type: 'RuntimeDefault'\n");
  EXPECT_EQ(Patch("type: \"Unconfined\"\n",
                  {FieldPatch::Set("type", PatchValue::String("RuntimeDefault"))}),
            "type: \"RuntimeDefault\"\n");
  EXPECT_EQ(Patch("flag: \"true\"\n", {FieldPatch::Set("flag", PatchValue::Bool(false))}),
            "flag: false\n");
}

TEST(YamlPatch, InsertsMissingKeysWithFileIndentation) {
  const std::string text =
      "spec:\n    hostname: x   # four spaces\n    containers:\n    -   name: a\n"
      "        image: nginx\n# trailing comment\n";
  EXPECT_EQ(
      Patch(text, {FieldPatch::Set("spec.securityContext.runAsNonRoot", PatchValue::Bool(true))}),
      "spec:\n    hostname: x   # four spaces\n    containers:\n    -   name: a\n"
      "        image: nginx\n    securityContext:\n        runAsNonRoot: true\n"
      "# trailing comment\n");
}

TEST(YamlPatch, InsertsIntoContainerOfUnindentedSequence) {
  const std::string text =
      "spec:\n  containers:\n  - env:\n    - name: A\n      value: b\n    image: x\n"
      "  - name: b\n    image: y\n  volumes: []\n";
  EXPECT_EQ(Patch(text, {FieldPatch::Set("spec.containers[name=b].securityContext."
                                         "allowPrivilegeEscalation",
                                         PatchValue::Bool(false))}),
            "spec:\n  containers:\n  - env:\n    - name: A\n      value: b\n    image: x\n"
            "  - name: b\n    image: y\n    securityContext:\n"
            "      allowPrivilegeEscalation: false\n  volumes: []\n");
}

TEST(YamlPatch, AppendsToBlockAndFlowSequences) {
  EXPECT_EQ(Patch("drop:\n  -  NET_RAW\nnext: 1\n",
                  {FieldPatch::Append("drop", PatchValue::String("ALL"))}),
            "drop:\n  -  NET_RAW\n  -  ALL\nnext: 1\n");
  EXPECT_EQ(
      Patch("drop: [NET_RAW ]  # c\n", {FieldPatch::Append("drop", PatchValue::String("ALL"))}),
      "drop: [NET_RAW, ALL ]  # c\n");
  EXPECT_EQ(Patch("drop: []\n", {FieldPatch::Append("drop", PatchValue::String("ALL"))}),
            "drop: [ALL]\n");
  EXPECT_EQ(Patch("drop: [ALL]\n", {FieldPatch::Append("drop", PatchValue::String("ALL"))}),
            "drop: [ALL]\n");
}

TEST(YamlPatch, CreatesSequenceInDocumentStyle) {
  const std::string text = "a:\n  add:\n  - CHOWN\n  other: 1\n";
  EXPECT_EQ(Patch(text, {FieldPatch::Append("a.drop", PatchValue::String("ALL"))}),
            "a:\n  add:\n  - CHOWN\n  other: 1\n  drop:\n  - ALL\n");
}

TEST(YamlPatch, InsertsIntoFlowMapping) {
  EXPECT_EQ(Patch("securityContext: {}\n", {FieldPatch::Set("securityContext.seccompProfile.type",
                                                            PatchValue::String("RuntimeDefault"))}),
            "securityContext: {seccompProfile: {type: RuntimeDefault}}\n");
  EXPECT_EQ(Patch("sc: {a: 1}\n", {FieldPatch::Set("sc.b", PatchValue::Bool(true))}),
            "sc: {a: 1, b: true}\n");
}

TEST(YamlPatch, FillsEmptyValueAndKeepsCrlf) {
  EXPECT_EQ(Patch("spec:\r\n  hostNetwork:\r\n  x: 1\r\n",
                  {FieldPatch::Set("spec.hostNetwork", PatchValue::Bool(false))}),
            "spec:\r\n  hostNetwork: false\r\n  x: 1\r\n");
  EXPECT_EQ(Patch("spec:\r\n  x: 1", {FieldPatch::Set("spec.y", PatchValue::Bool(true))}),
            "spec:\r\n  x: 1\r\n  y: true\r\n");
}

TEST(YamlPatch, PatchesObjectOfListInLaterDocument) {
  const std::string text =
      "a: 1\n---\n# empty\n---\nkind: List\nitems:\n- metadata:\n    name: x\n- metadata:\n"
      "    name: y\n";
  EXPECT_EQ(Patch(text, {FieldPatch::Set("metadata.namespace", PatchValue::String("shop"))},
                  {1, "items[1]"}),
            "a: 1\n---\n# empty\n---\nkind: List\nitems:\n- metadata:\n    name: x\n- metadata:\n"
            "    name: y\n    namespace: shop\n");
}

TEST(YamlPatch, RejectsWhatItCannotEdit) {
  auto missing =
      ApplyPatchesToText("containers:\n- name: a\n", {},
                         {FieldPatch::Set("containers[name=b].x", PatchValue::Bool(true))});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto block =
      ApplyPatchesToText("a: |\n  text\n", {}, {FieldPatch::Set("a", PatchValue::String("b"))});
  ASSERT_FALSE(block.has_value());
  EXPECT_EQ(block.status().code(), StatusCode::kFailedPrecondition);
  auto document =
      ApplyPatchesToText("a: 1\n", {3, ""}, {FieldPatch::Set("a", PatchValue::Bool(true))});
  EXPECT_FALSE(document.has_value());
}

// True when two trees have the same structure and scalar text, wherever they stand.
std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    lines.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    start = end == std::string_view::npos ? text.size() : end + 1;
  }
  return lines;
}

std::size_t CommonLines(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::size_t> row(b.size() + 1, 0);
  for (const std::string& line : a) {
    std::size_t diagonal = 0;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = line == b[j - 1] ? diagonal + 1 : std::max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Checks that the patched text keeps every original line except those an edit changed within
// the line (a value replaced, or an item added to a flow collection), and adds only the lines
// the edits inserted.
void ExpectOnlyPatchedBytesChanged(const std::string& before, const PatchedText& after,
                                   const std::string& context) {
  std::size_t edited_lines = 0;
  std::size_t inserted_lines = 0;
  for (const TextEdit& edit : after.edits) {
    const auto newlines =
        static_cast<std::size_t>(std::count(edit.inserted.begin(), edit.inserted.end(), '\n'));
    inserted_lines += newlines;
    edited_lines += newlines == 0 ? 1 : 0;
  }
  const std::vector<std::string> old_lines = Lines(before);
  const std::vector<std::string> new_lines = Lines(after.text);
  const std::size_t common = CommonLines(old_lines, new_lines);
  EXPECT_LE(old_lines.size() - common, edited_lines) << context;
  EXPECT_EQ(new_lines.size(), old_lines.size() + inserted_lines) << context;
}

// Applies every field patch of every failed check, as gitops.harden would, to the real
// manifests: the patched text parses to the tree the in-memory patch gives, keeps every other
// byte, and the check passes when the file is scanned again.
TEST(YamlPatch, HardensRealManifests) {
  if (!std::filesystem::exists(kSharedData + "/manifests")) {
    GTEST_SKIP() << "../shared/data is absent; the real manifests are not available";
  }
  std::size_t patched_results = 0;
  for (const char* folder : {"bank-of-anthos", "microservices-demo"}) {
    const std::string root = kSharedData + "/manifests/" + folder;
    auto set = LoadManifests(root);
    ASSERT_TRUE(set.has_value());
    const ScanReport report = ScanManifests(*set);
    for (const CheckResult& result : report.results) {
      if (result.outcome.passed || result.outcome.patches.empty()) {
        continue;
      }
      const ManifestObject& object = *result.subject->object;
      const std::string context = std::string(result.check->id) + " " + result.subject->resource_id;
      auto original = ReadFile(root + "/" + object.file);
      ASSERT_TRUE(original.has_value());
      auto patched = ApplyPatchesToText(*original, {object.document, object.list_path},
                                        result.outcome.patches);
      ASSERT_TRUE(patched.has_value()) << context << ": " << patched.status().message();
      ExpectOnlyPatchedBytesChanged(*original, *patched, context);

      YamlNode expected = *object.root;
      for (const FieldPatch& patch : result.outcome.patches) {
        ASSERT_TRUE(ApplyPatch(expected, patch).ok()) << context;
      }
      ManifestSet rescanned;
      LoadManifestText(patched->text, object.file, rescanned);
      ASSERT_TRUE(rescanned.errors.empty()) << context << ": " << rescanned.errors[0].message;
      const ManifestObject* same = nullptr;
      for (const ManifestObject& candidate : rescanned.objects) {
        if (candidate.kind == object.kind && candidate.name == object.name) {
          same = &candidate;
        }
      }
      ASSERT_NE(same, nullptr) << context;
      EXPECT_TRUE(SameContent(*same->root, expected)) << context << "\n" << patched->text;

      bool passes = false;
      for (const CheckResult& after : ScanManifests(rescanned).results) {
        if (after.check == result.check && after.subject->object == same) {
          passes = after.outcome.passed;
        }
      }
      EXPECT_TRUE(passes) << context;
      ++patched_results;
    }
  }
  EXPECT_GT(patched_results, 40u);
}

}  // namespace
}  // namespace rampart::posture
