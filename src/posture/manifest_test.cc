#include "posture/manifest.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <gtest/gtest.h>

namespace rampart::posture {
namespace {

namespace fs = std::filesystem;

const std::string kSharedData = RAMPART_SHARED_DATA;

class TempFolder {
 public:
  TempFolder() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("posture-test-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code error;
    fs::remove_all(path_, error);
  }
  const fs::path& path() const { return path_; }
  void Write(const std::string& relative, const std::string& text) const {
    const fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }

 private:
  fs::path path_;
};

std::map<std::string, int> CountKinds(const ManifestSet& set) {
  std::map<std::string, int> counts;
  for (const ManifestObject& object : set.objects) {
    ++counts[object.kind];
  }
  return counts;
}

TEST(LoadManifestText, ReadsEveryDocumentWithItsLine) {
  ManifestSet set;
  LoadManifestText(
      "# comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n"
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n",
      "app.yaml", set);
  ASSERT_EQ(set.objects.size(), 2u);
  EXPECT_TRUE(set.errors.empty());
  EXPECT_EQ(set.objects[0].kind, "ConfigMap");
  EXPECT_EQ(set.objects[0].line, 3u);
  EXPECT_EQ(set.objects[0].document, 0u);
  EXPECT_EQ(set.objects[1].name, "web");
  EXPECT_EQ(set.objects[1].namespace_name, "shop");
  EXPECT_EQ(set.objects[1].line, 8u);
  EXPECT_EQ(set.objects[1].document, 1u);
  EXPECT_EQ(set.objects[1].file, "app.yaml");
}

TEST(LoadManifestText, ReportsBrokenDocumentAndKeepsOthers) {
  ManifestSet set;
  LoadManifestText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n"
      "apiVersion: v1\nkind: Pod\nmetadata: {name: [broken\n---\n"
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
      "mixed.yaml", set);
  ASSERT_EQ(set.objects.size(), 2u);
  EXPECT_EQ(set.objects[0].kind, "ConfigMap");
  EXPECT_EQ(set.objects[1].kind, "Secret");
  EXPECT_EQ(set.objects[1].document, 2u);
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].file, "mixed.yaml");
  EXPECT_GE(set.errors[0].line, 8u);
  EXPECT_LE(set.errors[0].line, 9u);
}

TEST(LoadManifestText, ReportsInvalidUtf8AndKeepsOthers) {
  ManifestSet set;
  LoadManifestText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n"
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"b\x8D\"\n---\n"
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
      "latin1.yaml", set);
  ASSERT_EQ(set.objects.size(), 2u);
  EXPECT_EQ(set.objects[0].kind, "ConfigMap");
  EXPECT_EQ(set.objects[1].kind, "Secret");
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].file, "latin1.yaml");
  EXPECT_EQ(set.errors[0].line, 9u);
  EXPECT_NE(set.errors[0].message.find("invalid UTF-8 byte 0x8D"), std::string::npos)
      << set.errors[0].message;
}

TEST(LoadManifestText, ReportsDuplicateKeyAsBrokenDocument) {
  ManifestSet set;
  LoadManifestText("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n", "dup.yaml", set);
  EXPECT_TRUE(set.objects.empty());
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].line, 5u);
}

// kubectl reads a file of JSON objects one after another as a stream of objects.
TEST(LoadManifestText, ReadsEveryObjectOfJsonStream) {
  ManifestSet set;
  LoadManifestText(
      "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"s1\"}}\n"
      "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"s2\"}}"
      "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"s3\"}}\n",
      "stream.json", set);
  EXPECT_TRUE(set.errors.empty());
  ASSERT_EQ(set.objects.size(), 3u);
  EXPECT_EQ(set.documents, 3u);
  EXPECT_EQ(set.objects[0].name, "s1");
  EXPECT_EQ(set.objects[0].document, 0u);
  EXPECT_EQ(set.objects[1].name, "s2");
  EXPECT_EQ(set.objects[1].line, 2u);
  EXPECT_EQ(set.objects[1].document, 1u);
  EXPECT_EQ(set.objects[2].kind, "Secret");
  EXPECT_EQ(set.objects[2].document, 2u);
}

TEST(LoadManifestText, RejectsContentAfterJsonObject) {
  ManifestSet set;
  LoadManifestText(
      "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"g1\"}}\n"
      "hostNetwork: true\n",
      "garbage.json", set);
  EXPECT_TRUE(set.objects.empty());
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].line, 2u);
  EXPECT_NE(set.errors[0].message.find("content after the end of the document"), std::string::npos)
      << set.errors[0].message;

  ManifestSet unreadable;
  LoadManifestText(
      "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"g1\"}}\n"
      "hostNetwork: true\n{\"kind\": \"Pod\"}\n",
      "garbage.json", unreadable);
  EXPECT_TRUE(unreadable.objects.empty());
  ASSERT_EQ(unreadable.errors.size(), 1u);
  EXPECT_EQ(unreadable.errors[0].line, 3u);
}

TEST(LoadManifestText, ExpandsListItems) {
  ManifestSet set;
  LoadManifestText(
      "apiVersion: v1\nkind: List\nitems:\n"
      "- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: a\n"
      "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata:\n    name: r\n",
      "list.yaml", set);
  ASSERT_EQ(set.objects.size(), 2u);
  EXPECT_EQ(set.objects[0].list_path, "items[0]");
  EXPECT_EQ(set.objects[0].line, 4u);
  EXPECT_EQ(set.objects[1].kind, "Role");
  EXPECT_EQ(set.objects[1].list_path, "items[1]");
  EXPECT_EQ(set.objects[1].line, 8u);
}

TEST(LoadManifestText, KeepsHelmSourceAndHintsAtTemplates) {
  ManifestSet set;
  LoadManifestText(
      "---\n# Source: shop/templates/web.yaml\napiVersion: v1\nkind: Service\n"
      "metadata:\n  name: web\n---\n"
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }\n",
      "rendered.yaml", set);
  ASSERT_EQ(set.objects.size(), 1u);
  EXPECT_EQ(set.objects[0].helm_source, "shop/templates/web.yaml");
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_NE(set.errors[0].message.find("helm template"), std::string::npos);
}

TEST(LoadManifestText, CountsKindsItDoesNotRead) {
  ManifestSet set;
  LoadManifestText(
      "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: v\n---\n"
      "replicaCount: 3\n---\n- a\n",
      "other.yaml", set);
  EXPECT_TRUE(set.objects.empty());
  EXPECT_TRUE(set.errors.empty());
  EXPECT_EQ(set.ignored_kinds["VirtualService"], 1u);
  EXPECT_EQ(set.ignored_kinds["(no kind)"], 2u);
}

TEST(LoadManifestText, RejectsObjectWithoutName) {
  ManifestSet set;
  LoadManifestText("apiVersion: v1\nkind: Pod\nmetadata: {}\nspec: {}\n", "pod.yaml", set);
  EXPECT_TRUE(set.objects.empty());
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_NE(set.errors[0].message.find("metadata.name"), std::string::npos);
}

TEST(LoadManifests, WalksFolderAndStaysInside) {
  TempFolder outside;
  outside.Write("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: out\n");
  TempFolder root;
  const std::string object = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ";
  root.Write("a.yaml", object + "a\n");
  root.Write("nested/deeper/b.yml", object + "b\n");
  root.Write(".git/c.yaml", object + "c\n");
  root.Write("notes.txt", object + "d\n");
  fs::create_symlink(outside.path() / "secret.yaml", root.path() / "link-out.yaml");
  fs::create_symlink(root.path() / "nested", root.path() / "link-in");

  auto set = LoadManifests(root.path().string());
  ASSERT_TRUE(set.has_value()) << set.status().message();
  std::vector<std::string> names;
  for (const ManifestObject& loaded : set->objects) {
    names.push_back(loaded.name + "@" + loaded.file);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a@a.yaml", "b@nested/deeper/b.yml"}));
  ASSERT_EQ(set->warnings.size(), 1u);
  EXPECT_EQ(set->warnings[0].file, "link-out.yaml");
  EXPECT_TRUE(set->errors.empty());
}

TEST(LoadManifests, FailsForMissingPath) {
  auto set = LoadManifests("/nonexistent/manifests");
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.status().message().find("/nonexistent/manifests"), std::string::npos);
}

TEST(LoadManifests, ReadsBankOfAnthos) {
  if (!fs::exists(kSharedData + "/manifests")) {
    GTEST_SKIP() << "../shared/data is absent; the real manifests are not available";
  }
  auto set = LoadManifests(kSharedData + "/manifests/bank-of-anthos");
  ASSERT_TRUE(set.has_value()) << set.status().message();
  EXPECT_TRUE(set->errors.empty());
  EXPECT_EQ(set->files, 11u);
  EXPECT_EQ(set->objects.size(), 24u);
  EXPECT_EQ(CountKinds(*set), (std::map<std::string, int>{{"ConfigMap", 5},
                                                          {"Deployment", 7},
                                                          {"Secret", 1},
                                                          {"Service", 8},
                                                          {"ServiceAccount", 1},
                                                          {"StatefulSet", 2}}));
  const ManifestObject& statefulset = set->objects[2];
  EXPECT_EQ(statefulset.file, "accounts-db.yaml");
  EXPECT_EQ(statefulset.kind, "StatefulSet");
  EXPECT_EQ(statefulset.line, 54u);
  EXPECT_EQ(statefulset.document, 2u);
}

TEST(LoadManifests, ReadsMicroservicesDemo) {
  if (!fs::exists(kSharedData + "/manifests")) {
    GTEST_SKIP() << "../shared/data is absent; the real manifests are not available";
  }
  auto set = LoadManifests(kSharedData + "/manifests/microservices-demo");
  ASSERT_TRUE(set.has_value()) << set.status().message();
  EXPECT_TRUE(set->errors.empty());
  EXPECT_EQ(CountKinds(*set), (std::map<std::string, int>{
                                  {"Deployment", 12}, {"Service", 12}, {"ServiceAccount", 11}}));
  EXPECT_EQ(set->ignored_kinds["ServiceEntry"], 2u);
  EXPECT_EQ(set->ignored_kinds["VirtualService"], 1u);
  EXPECT_EQ(set->ignored_kinds["Gateway"], 1u);
  EXPECT_EQ(set->ignored_kinds["HTTPRoute"], 1u);
  // The first object of kubernetes-manifests.yaml starts after the licence header.
  const ManifestObject* frontend = nullptr;
  for (const ManifestObject& object : set->objects) {
    if (object.kind == "Deployment" && object.name == "frontend") {
      frontend = &object;
    }
  }
  ASSERT_NE(frontend, nullptr);
  EXPECT_EQ(frontend->file, "kubernetes-manifests.yaml");
  EXPECT_EQ(frontend->line, 21u);
}

}  // namespace
}  // namespace rampart::posture
