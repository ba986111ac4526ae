#include "server/console_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/file.h"
#include "server/api_test_support.h"

namespace rampart::server {
namespace {

using ::testing::HasSubstr;

class ConsoleRoutesTest : public ApiTest {
 protected:
  void AddRoutes(HttpServer& server) override { AddConsoleRoutes(server, ConsoleAssets()); }

  httplib::Result Fetch(const std::string& path, const httplib::Headers& headers = {}) {
    return client_->Get(path, headers);
  }
};

TEST_F(ConsoleRoutesTest, EmbeddedFilesAreTheSourceFiles) {
  ASSERT_FALSE(ConsoleAssets().empty());
  for (const ConsoleAsset& asset : ConsoleAssets()) {
    const std::filesystem::path source =
        std::filesystem::path(RAMPART_SOURCE_DIR) / "console" / std::string(asset.path);
    auto text = ReadFile(source.string());
    ASSERT_TRUE(text.has_value()) << source;
    EXPECT_EQ(*text, asset.body) << asset.path;
  }
}

TEST_F(ConsoleRoutesTest, IndexServedWithoutTokenAndWithPolicy) {
  for (const char* path : {"/", "/console", "/console/index.html"}) {
    auto response = Fetch(path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 200) << path;
    EXPECT_EQ(response->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_THAT(response->body, HasSubstr("<script type=\"module\" src=\"/console/js/main.js\">"));
    const std::string policy = response->get_header_value("Content-Security-Policy");
    EXPECT_THAT(policy, HasSubstr("script-src 'self'"));
    EXPECT_THAT(policy, HasSubstr("default-src 'none'"));
    EXPECT_THAT(policy, ::testing::Not(HasSubstr("unsafe-inline")));
    EXPECT_EQ(response->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(response->get_header_value("Cache-Control"), "no-cache");
  }
}

TEST_F(ConsoleRoutesTest, ContentTypesByExtension) {
  auto script = Fetch("/console/js/main.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  auto style = Fetch("/console/console.css");
  ASSERT_TRUE(style);
  EXPECT_EQ(style->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(ConsoleContentType("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(ConsoleContentType("data.bin"), "application/octet-stream");
  auto missing = Fetch("/console/js/absent.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ConsoleRoutesTest, MatchingEtagGivesNotModified) {
  auto first = Fetch("/console/js/main.js");
  ASSERT_TRUE(first);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_EQ(etag.size(), 34u) << etag;
  EXPECT_EQ(etag.front(), '"');

  auto again = Fetch("/console/js/main.js", {{"If-None-Match", "\"other\", " + etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(again->get_header_value("ETag"), etag);

  auto changed = Fetch("/console/js/main.js", {{"If-None-Match", "\"other\""}});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_EQ(changed->body, first->body);
}

}  // namespace
}  // namespace rampart::server
