#include "remediate/action.h"

#include <gtest/gtest.h>

#include "remediate/exec_action.h"
#include "remediate/params.h"

namespace rampart::remediate {
namespace {

TEST(AllowListed, ExactWildcardAndPrefix) {
  const std::vector<std::string> list = {"payments", "team-*"};
  EXPECT_TRUE(AllowListed(list, "payments"));
  EXPECT_TRUE(AllowListed(list, "team-a"));
  EXPECT_FALSE(AllowListed(list, "payments2"));
  EXPECT_FALSE(AllowListed(list, "kube-system"));
  EXPECT_FALSE(AllowListed({}, "payments"));
  EXPECT_TRUE(AllowListed({"*"}, "anything"));
}

TEST(HostAllowListed, SuffixNeedsDot) {
  const std::vector<std::string> list = {"hooks.example.com", "*.corp.example"};
  EXPECT_TRUE(HostAllowListed(list, "HOOKS.example.com"));
  EXPECT_TRUE(HostAllowListed(list, "a.corp.example"));
  EXPECT_FALSE(HostAllowListed(list, "corp.example"));
  EXPECT_FALSE(HostAllowListed(list, "evilcorp.example"));
  EXPECT_FALSE(HostAllowListed(list, "hooks.example.com.evil.net"));
  EXPECT_FALSE(HostAllowListed(list, ""));
}

TEST(LookupPath, DotsAndIndices) {
  const Json doc = Json::parse(R"({"Resources": [{"Id": "a"}, {"Id": "b", "Tags": {"x.y": 1}}]})");
  ASSERT_NE(LookupPath(doc, "Resources[1].Id"), nullptr);
  EXPECT_EQ(*LookupPath(doc, "Resources[1].Id"), "b");
  EXPECT_EQ(*LookupPath(doc, "Resources.0.Id"), "a");
  EXPECT_EQ(LookupPath(doc, "Resources[2].Id"), nullptr);
  EXPECT_EQ(LookupPath(doc, "Resources[x].Id"), nullptr);
  EXPECT_EQ(LookupPath(doc, "Missing"), nullptr);
}

TEST(Params, UnknownKeyNamesKnownOnes) {
  const Json params = {{"argv", {"x"}}, {"agrv", 1}};
  const Status status = Params(params, "exec").CheckKeys({"argv"});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'agrv'"), std::string::npos);
  EXPECT_NE(status.message().find("known parameters: argv"), std::string::npos);
}

TEST(Registry, HoldsEveryBuiltinAction) {
  auto registry = MakeBuiltinRegistry();
  const std::vector<std::string> expected = {"aws.iam.deactivate-access-key",
                                             "aws.iam.detach-role-policy",
                                             "aws.iam.revoke-sessions",
                                             "exec",
                                             "finding.update",
                                             "gitops.bump-image",
                                             "gitops.harden",
                                             "kubernetes.delete-pod",
                                             "kubernetes.isolate",
                                             "kubernetes.job",
                                             "kubernetes.patch",
                                             "kubernetes.revoke-rbac",
                                             "kubernetes.scale",
                                             "kubernetes.set-image",
                                             "webhook"};
  EXPECT_EQ(registry->Names(), expected);
  for (const std::string& name : expected) {
    ASSERT_NE(registry->Find(name), nullptr) << name;
    EXPECT_EQ(registry->Find(name)->Name(), name);
  }
  EXPECT_EQ(registry->Find("no-such-action"), nullptr);
  const Status again = registry->Register(MakeExecAction());
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
}

TEST(BoundOutput, MarksTheCut) {
  EXPECT_EQ(BoundOutput("abc", 5), "abc");
  EXPECT_EQ(BoundOutput("abcdef", 3), "abc\n[output cut: 3 more bytes]");
}

}  // namespace
}  // namespace rampart::remediate
