#include "store/testing/postgres_server.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

namespace rampart::store::testing {
namespace {

TEST(PostgresServer, DatabasesAreSeparate) {
  auto server = SharedPostgresServer();
  ASSERT_TRUE(server.has_value()) << server.status().ToString();
  auto first = (*server)->CreateDatabase();
  ASSERT_TRUE(first.has_value()) << first.status().ToString();
  auto second = (*server)->CreateDatabase();
  ASSERT_TRUE(second.has_value()) << second.status().ToString();
  EXPECT_NE(*first, *second);

  pqxx::connection writer(*first);
  pqxx::work create(writer);
  create.exec0("CREATE TABLE marker (value INTEGER)");
  create.exec0("INSERT INTO marker VALUES (42)");
  create.commit();

  pqxx::connection other(*second);
  pqxx::work read(other);
  const pqxx::row row = read.exec1("SELECT count(*) FROM pg_tables WHERE tablename = 'marker'");
  EXPECT_EQ(row[0].as<int>(), 0);
}

TEST(PostgresServer, ListensOnLoopbackOnly) {
  auto server = SharedPostgresServer();
  ASSERT_TRUE(server.has_value()) << server.status().ToString();
  auto url = (*server)->CreateDatabase();
  ASSERT_TRUE(url.has_value()) << url.status().ToString();
  pqxx::connection connection(*url);
  pqxx::work work(connection);
  const pqxx::row row = work.exec1("SELECT current_setting('listen_addresses')");
  EXPECT_EQ(row[0].as<std::string>(), "127.0.0.1");
}

}  // namespace
}  // namespace rampart::store::testing
