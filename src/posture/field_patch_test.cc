#include "posture/field_patch.h"

#include <gtest/gtest.h>

namespace rampart::posture {
namespace {

TEST(FieldPath, ParsesKeysSelectorsAndIndexes) {
  auto segments = ParseFieldPath("spec.containers[name=web].securityContext.capabilities.drop[0]");
  ASSERT_TRUE(segments.has_value()) << segments.status().message();
  ASSERT_EQ(segments->size(), 7u);
  EXPECT_EQ((*segments)[1].key, "containers");
  EXPECT_EQ((*segments)[2].kind, PathSegment::Kind::kMatch);
  EXPECT_EQ((*segments)[2].key, "name");
  EXPECT_EQ((*segments)[2].match, "web");
  EXPECT_EQ((*segments)[6].kind, PathSegment::Kind::kIndex);
  EXPECT_EQ((*segments)[6].index, 0u);
}

TEST(FieldPath, QuotesKeysWithDots) {
  const std::string path =
      "metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/web\"]";
  auto segments = ParseFieldPath(path);
  ASSERT_TRUE(segments.has_value()) << segments.status().message();
  ASSERT_EQ(segments->size(), 3u);
  EXPECT_EQ((*segments)[2].key, "container.apparmor.security.beta.kubernetes.io/web");
  EXPECT_EQ(FormatFieldPath(*segments), path);
}

TEST(FieldPath, RejectsMalformedPaths) {
  EXPECT_FALSE(ParseFieldPath("").has_value());
  EXPECT_FALSE(ParseFieldPath(".spec").has_value());
  EXPECT_FALSE(ParseFieldPath("spec[name=x").has_value());
  EXPECT_FALSE(ParseFieldPath("spec[x]").has_value());
  EXPECT_FALSE(ParseFieldPath("spec..x").has_value());
}

TEST(FieldPatch, FormatsAndRoundTripsJson) {
  const FieldPatch patch =
      FieldPatch::Set("spec.securityContext.runAsNonRoot", PatchValue::Bool(true));
  EXPECT_EQ(patch.ToString(), "spec.securityContext.runAsNonRoot = true");
  const FieldPatch append = FieldPatch::Append("spec.x.drop", PatchValue::String("ALL"));
  EXPECT_EQ(append.ToString(), "spec.x.drop += ALL");
  auto parsed = FieldPatch::FromJson(append.ToJson());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->op, FieldPatch::Op::kAppend);
  EXPECT_EQ(parsed->value.text, "ALL");
  EXPECT_EQ(PatchValue::String("true").ToYaml(), "\"true\"");
  EXPECT_EQ(PatchValue::String("runtime/default").ToYaml(), "runtime/default");
}

TEST(FieldPatch, AppliesSetCreatingMappings) {
  auto root = ParseYamlDocument("spec:\n  containers:\n  - name: web\n    image: nginx\n", 1);
  ASSERT_TRUE(root.has_value());
  ASSERT_TRUE(ApplyPatch(*root, FieldPatch::Set("spec.containers[name=web].securityContext."
                                                "runAsNonRoot",
                                                PatchValue::Bool(true)))
                  .ok());
  const YamlNode* value = root->Find("spec")
                              ->Find("containers")
                              ->children[0]
                              .FindPath({"securityContext", "runAsNonRoot"});
  EXPECT_EQ(ScalarBool(value), true);
}

TEST(FieldPatch, AppendsOnlyMissingValues) {
  auto root = ParseYamlDocument("drop: [NET_RAW]\n", 1);
  ASSERT_TRUE(root.has_value());
  ASSERT_TRUE(ApplyPatch(*root, FieldPatch::Append("drop", PatchValue::String("ALL"))).ok());
  ASSERT_TRUE(ApplyPatch(*root, FieldPatch::Append("drop", PatchValue::String("ALL"))).ok());
  EXPECT_EQ(root->Find("drop")->children.size(), 2u);
}

TEST(FieldPatch, FailsWhenSelectorMatchesNothing) {
  auto root = ParseYamlDocument("containers:\n- name: a\n", 1);
  ASSERT_TRUE(root.has_value());
  const Status status =
      ApplyPatch(*root, FieldPatch::Set("containers[name=b].x", PatchValue::Bool(true)));
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace rampart::posture
