// Builds small root file systems and reads their package databases and lock files.
#include "vuln/rootfs.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vuln/test_util.h"

namespace rampart::vuln {
namespace {

namespace fs = std::filesystem;
using testing_util::TempDir;
using testing_util::WriteText;

const Package* FindPackage(const Inventory& inventory, std::string_view ecosystem,
                           std::string_view name) {
  for (const Package& package : inventory.packages) {
    if (package.ecosystem == ecosystem && package.name == name) {
      return &package;
    }
  }
  return nullptr;
}

TEST(ReadRootFs, DebianImage) {
  TempDir root;
  WriteText(root.path() / "usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  fs::create_directories(root.path() / "etc");
  fs::create_symlink("../usr/lib/os-release", root.path() / "etc/os-release");
  WriteText(root.path() / "etc/debian_version", "12.5\n");
  WriteText(root.path() / "var/lib/dpkg/status",
            "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n"
            "Source: openssl (3.0.11-1~deb12u2)\nVersion: 3.0.11-1~deb12u2+b1\n"
            "Description: SSL\n continuation line\n\n"
            "Package: removed\nStatus: deinstall ok config-files\nVersion: 1.0\n\n"
            "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n"
            "Source: bash (5.2.15-2)\n");
  auto inventory = ReadRootFs(root.path().string());
  ASSERT_TRUE(inventory.has_value()) << inventory.status().message();
  ASSERT_EQ(inventory->packages.size(), 2u);
  const Package* ssl = FindPackage(*inventory, "Debian", "libssl3");
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ(ssl->release, "12.5");
  EXPECT_EQ(ssl->source_name, "openssl");
  EXPECT_EQ(ssl->source_version, "3.0.11-1~deb12u2");
  EXPECT_EQ(ssl->location, "var/lib/dpkg/status:1");
  EXPECT_EQ(AdvisoryVersion(*ssl), "3.0.11-1~deb12u2");
  const Package* bash = FindPackage(*inventory, "Debian", "bash");
  ASSERT_NE(bash, nullptr);
  EXPECT_EQ(bash->source_name, "");
  EXPECT_EQ(bash->source_version, "5.2.15-2");
}

TEST(ReadRootFs, AlpineImage) {
  TempDir root;
  WriteText(root.path() / "etc/alpine-release", "3.18.4\n");
  WriteText(root.path() / "lib/apk/db/installed",
            "C:Q1abc=\nP:libcrypto3\nV:3.1.3-r0\nA:x86_64\no:openssl\n\n"
            "P:musl\nV:1.2.4-r2\no:musl\n");
  auto inventory = ReadRootFs(root.path().string());
  ASSERT_TRUE(inventory.has_value()) << inventory.status().message();
  ASSERT_EQ(inventory->packages.size(), 2u);
  const Package* crypto = FindPackage(*inventory, "Alpine", "libcrypto3");
  ASSERT_NE(crypto, nullptr);
  EXPECT_EQ(crypto->source_name, "openssl");
  EXPECT_EQ(crypto->release, "3.18.4");
  EXPECT_EQ(crypto->version, "3.1.3-r0");
  EXPECT_EQ(FindPackage(*inventory, "Alpine", "musl")->source_name, "");
}

TEST(ReadRootFs, LockFiles) {
  TempDir root;
  WriteText(root.path() / "app/package-lock.json", R"({"lockfileVersion": 3, "packages": {
      "": {"name": "app"},
      "node_modules/lodash": {"version": "4.17.20"},
      "node_modules/a/node_modules/@scope/b": {"version": "1.0.0"},
      "node_modules/local": {"link": true, "resolved": "../local"}}})");
  WriteText(root.path() / "old/package-lock.json", R"({"lockfileVersion": 1, "dependencies": {
      "express": {"version": "4.17.1", "dependencies": {"qs": {"version": "6.7.0"}}}}})");
  WriteText(root.path() / "py/poetry.lock",
            "[[package]]\nname = \"requests\"\nversion = \"2.30.0\"\n\n"
            "[package.dependencies]\nname = \"not-a-package\"\n");
  WriteText(root.path() / "py/requirements.txt",
            "# pinned\nDjango==4.2.1 ; python_version > '3.8'\nflask>=2.0\n-r other.txt\n"
            "uvicorn[standard]==0.22.0\n");
  WriteText(root.path() / "go/go.sum",
            "github.com/gin-gonic/gin v1.9.0 h1:abc=\n"
            "github.com/gin-gonic/gin v1.9.0/go.mod h1:def=\n"
            "golang.org/x/net v0.7.0/go.mod h1:ghi=\n");
  WriteText(root.path() / "rust/Cargo.lock",
            "[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\n"
            "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n"
            "[[package]]\nname = \"myapp\"\nversion = \"0.1.0\"\n");
  WriteText(root.path() / "app/node_modules/x/package-lock.json", "{not json");

  auto inventory = ReadRootFs(root.path().string());
  ASSERT_TRUE(inventory.has_value()) << inventory.status().message();
  EXPECT_NE(FindPackage(*inventory, "npm", "lodash"), nullptr);
  EXPECT_NE(FindPackage(*inventory, "npm", "@scope/b"), nullptr);
  EXPECT_EQ(FindPackage(*inventory, "npm", "local"), nullptr);
  EXPECT_EQ(FindPackage(*inventory, "npm", "qs")->version, "6.7.0");
  EXPECT_EQ(FindPackage(*inventory, "PyPI", "requests")->version, "2.30.0");
  EXPECT_EQ(FindPackage(*inventory, "PyPI", "not-a-package"), nullptr);
  EXPECT_EQ(FindPackage(*inventory, "PyPI", "Django")->version, "4.2.1");
  EXPECT_EQ(FindPackage(*inventory, "PyPI", "uvicorn")->version, "0.22.0");
  EXPECT_EQ(FindPackage(*inventory, "PyPI", "flask"), nullptr);
  EXPECT_EQ(FindPackage(*inventory, "Go", "github.com/gin-gonic/gin")->version, "v1.9.0");
  EXPECT_EQ(FindPackage(*inventory, "Go", "golang.org/x/net"), nullptr);
  EXPECT_EQ(FindPackage(*inventory, "crates.io", "smallvec")->version, "1.6.0");
  EXPECT_EQ(FindPackage(*inventory, "crates.io", "myapp"), nullptr);
  EXPECT_EQ(inventory->packages.size(), 9u);

  bool flask_skipped = false;
  for (const SkippedPackage& skipped : inventory->skipped) {
    flask_skipped = flask_skipped || skipped.reason.find("flask>=2.0") != std::string::npos;
  }
  EXPECT_TRUE(flask_skipped);
}

// An npm alias installs a package under another name. Lockfile v2/v3 names the installed
// package in "name", and v1 writes the version as "npm:NAME@VERSION".
TEST(ReadRootFs, NpmAliasesNameInstalledPackage) {
  TempDir root;
  WriteText(root.path() / "v3/package-lock.json", R"({"lockfileVersion": 3, "packages": {
      "": {"name": "app", "version": "1.0.0"},
      "node_modules/alias": {"name": "lodash", "version": "4.17.11"}}})");
  WriteText(root.path() / "v1/package-lock.json", R"({"lockfileVersion": 1, "dependencies": {
      "my-lodash": {"version": "npm:lodash@4.17.19"},
      "my-scoped": {"version": "npm:@scope/pkg@2.0.0"},
      "broken": {"version": "npm:lodash"}}})");

  auto inventory = ReadRootFs(root.path().string());
  ASSERT_TRUE(inventory.has_value()) << inventory.status().message();
  std::vector<std::string> lodash;
  for (const Package& package : inventory->packages) {
    EXPECT_NE(package.name, "alias");
    EXPECT_NE(package.name, "my-lodash");
    if (package.name == "lodash") {
      lodash.push_back(package.version);
    }
  }
  std::sort(lodash.begin(), lodash.end());
  EXPECT_EQ(lodash, (std::vector<std::string>{"4.17.11", "4.17.19"}));
  const Package* scoped = FindPackage(*inventory, "npm", "@scope/pkg");
  ASSERT_NE(scoped, nullptr);
  EXPECT_EQ(scoped->version, "2.0.0");
  ASSERT_EQ(inventory->skipped.size(), 1u);
  EXPECT_NE(inventory->skipped[0].reason.find("npm:lodash"), std::string::npos);
  EXPECT_EQ(inventory->packages.size(), 3u);
}

// PEP 508 allows whitespace around the version operator, as pip does.
TEST(ReadRootFs, RequirementsSpacesAroundPin) {
  TempDir root;
  WriteText(root.path() / "requirements.txt",
            "gradio == 4.36.1  # trailing comment\nflask\t==\t2.0.1\n"
            "requests ==2.30.0 --hash=sha256:abc\n");
  auto inventory = ReadRootFs(root.path().string());
  ASSERT_TRUE(inventory.has_value()) << inventory.status().message();
  EXPECT_TRUE(inventory->skipped.empty());
  ASSERT_NE(FindPackage(*inventory, "PyPI", "gradio"), nullptr);
  EXPECT_EQ(FindPackage(*inventory, "PyPI", "gradio")->version, "4.36.1");
  ASSERT_NE(FindPackage(*inventory, "PyPI", "flask"), nullptr);
  EXPECT_EQ(FindPackage(*inventory, "PyPI", "flask")->version, "2.0.1");
  ASSERT_NE(FindPackage(*inventory, "PyPI", "requests"), nullptr);
  EXPECT_EQ(FindPackage(*inventory, "PyPI", "requests")->version, "2.30.0");
}

TEST(ReadRootFs, SymlinksStayInsideRoot) {
  TempDir outside;
  WriteText(outside.path() / "status",
            "Package: host-only\nStatus: install ok installed\nVersion: 1.0\n");
  WriteText(outside.path() / "lock/package-lock.json",
            R"({"packages": {"node_modules/host": {"version": "1.0.0"}}})");
  TempDir root;
  fs::create_directories(root.path() / "var/lib/dpkg");
  fs::create_symlink(outside.path() / "status", root.path() / "var/lib/dpkg/status");
  fs::create_symlink(outside.path() / "lock", root.path() / "linked");
  fs::create_symlink("../../../../../../../../etc/passwd", root.path() / "requirements.txt");

  auto inventory = ReadRootFs(root.path().string());
  ASSERT_TRUE(inventory.has_value()) << inventory.status().message();
  EXPECT_TRUE(inventory->packages.empty());
}

TEST(ResolveInRoot, AbsoluteTargetsCountFromRoot) {
  TempDir root;
  WriteText(root.path() / "usr/lib/os-release", "ID=alpine\n");
  fs::create_directories(root.path() / "etc");
  fs::create_symlink("/usr/lib/os-release", root.path() / "etc/os-release");
  fs::create_symlink("loop", root.path() / "loop");
  const auto resolved = ResolveInRoot(root.path(), "etc/os-release");
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(*resolved, root.path() / "usr/lib/os-release");
  EXPECT_EQ(ResolveInRoot(root.path(), "../../etc/os-release"), resolved);
  EXPECT_FALSE(ResolveInRoot(root.path(), "loop").has_value());
  EXPECT_FALSE(ResolveInRoot(root.path(), "missing/file").has_value());
}

TEST(ReadRootFs, MissingFolderIsError) {
  auto inventory = ReadRootFs("/nonexistent/rootfs");
  ASSERT_FALSE(inventory.has_value());
  EXPECT_NE(inventory.status().message().find("/nonexistent/rootfs"), std::string::npos);
}

}  // namespace
}  // namespace rampart::vuln
