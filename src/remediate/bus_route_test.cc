// Events routed through the real NATS JetStream stream plan the same remediations as the
// in-process outbox dispatcher, once each, even when a message is delivered twice.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "bus/outbox_publisher.h"
#include "bus/testing/nats_server.h"
#include "ingest/reader.h"
#include "pattern/pattern.h"
#include "remediate/bus_dispatcher.h"
#include "remediate/bus_route_handler.h"
#include "remediate/dispatcher.h"
#include "store/sqlite_finding_store.h"

namespace rampart::remediate {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kTrivyDir =
    std::filesystem::path(RAMPART_SHARED_DATA) / "findings" / "trivy";

// The Trivy reports of container images and language packages, with vulnerabilities.
const std::vector<std::string> kTrivyReports = {
    "alpine-310.json", "amazon-2.json",    "debian-buster.json",     "gomod.json",
    "npm.json",        "ubuntu-1804.json", "spring4shell-jre11.json"};

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// An action that accepts any parameters, because the tests only plan.
class PlanOnlyAction final : public Action {
 public:
  std::string_view Name() const override { return "test.plan-only"; }
  Status Validate(const Json&) const override { return Status::Ok(); }
  Result<ActionResult> Run(const ActionRequest&, const ActionContext&) override {
    return ActionResult{};
  }
};

// A finding store with the rules, engine and stores that plan remediations from its events.
struct Hub {
  explicit Hub(const std::string& db) {
    findings = std::move(*store::SqliteFindingStore::Open(db));
    remediations = std::move(*store::RemediationStore::Open(db));
    audit = std::move(*store::AuditLog::Open(db));
    EXPECT_TRUE(registry.Register(std::make_unique<PlanOnlyAction>()).ok());
    AddRule("critical", R"({"detail": {"findings": {"Severity": {"Label": ["CRITICAL"]}}}})");
    AddRule("vulnerable-package",
            R"({"detail": {"findings": {"Vulnerabilities": {"Id": [{"exists": true}]}}}})");
    engine = std::make_unique<Engine>(*remediations, *audit, registry, ActionContext{},
                                      EngineHooks{}, 7);
    std::vector<RemediationPolicy> policies;
    for (const std::string name : {"critical", "vulnerable-package"}) {
      auto policy = ParsePolicy(
          Json{{"name", name}, {"targets", Json::array({Json{{"action", "test.plan-only"}}})}});
      EXPECT_TRUE(policy.has_value()) << policy.status().ToString();
      policies.push_back(*policy);
    }
    EXPECT_TRUE(engine->SetPolicies(policies).ok());
    router = std::make_unique<EventRouter>(matcher, *engine);
  }

  void AddRule(const std::string& name, const std::string& pattern_text) {
    auto pattern = pattern::ParsePatternText(pattern_text);
    ASSERT_TRUE(pattern.has_value()) << pattern_text;
    ASSERT_TRUE(matcher.AddRule(name, *pattern).ok());
  }

  // Returns the idempotency keys of every planned remediation of `rule`, or of all rules.
  std::multiset<std::string> PlannedKeys(const std::string& rule = "") {
    store::RemediationFilter filter;
    filter.rule = rule;
    filter.limit = 100000;
    auto records = remediations->List(filter);
    EXPECT_TRUE(records.has_value());
    std::multiset<std::string> keys;
    for (const store::Remediation& record : *records) {
      keys.insert(record.idempotency_key);
    }
    return keys;
  }

  std::unique_ptr<store::SqliteFindingStore> findings;
  std::unique_ptr<store::RemediationStore> remediations;
  std::unique_ptr<store::AuditLog> audit;
  ActionRegistry registry;
  pattern::Matcher matcher;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<EventRouter> router;
};

class BusRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kTrivyDir)) {
      GTEST_SKIP() << "the shared data folder ../shared/data is absent, so there are no Trivy "
                      "reports at "
                   << kTrivyDir;
    }
    const Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    auto connection = bus::Connection::Open(server_.url());
    ASSERT_TRUE(connection.has_value()) << connection.status().ToString();
    connection_ = std::move(*connection);
    ASSERT_TRUE(bus::EnsureStream(*connection_, stream_).ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_bus_route_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Reads every Trivy report into `hub`'s finding store and returns the number of findings.
  int ImportTrivyReports(Hub& hub) {
    int imported = 0;
    for (const std::string& name : kTrivyReports) {
      ingest::ReadOptions options;
      options.source_name = name;
      auto read = ingest::ReadReport(ReadText(kTrivyDir / name), options);
      EXPECT_TRUE(read.has_value()) << name << ": " << read.status().ToString();
      if (!read) {
        continue;
      }
      imported += static_cast<int>(read->findings.size());
      auto summary = hub.findings->Import(std::move(read->findings), {});
      EXPECT_TRUE(summary.has_value());
    }
    return imported;
  }

  // Publishes every outbox event of `hub` to the stream.
  void PublishAll(Hub& hub) {
    bus::OutboxPublisher publisher(*hub.findings, *connection_, stream_);
    while (true) {
      auto report = publisher.PublishOnce();
      ASSERT_TRUE(report.has_value()) << report.status().ToString();
      if (report->claimed == 0) {
        break;
      }
    }
  }

  // Runs `consumer` until it fetches nothing `idle_rounds` times in a row.
  static void Drain(bus::EventConsumer& consumer, int idle_rounds = 3) {
    for (int idle = 0; idle < idle_rounds;) {
      auto report = consumer.ConsumeOnce();
      ASSERT_TRUE(report.has_value()) << report.status().ToString();
      idle = report->fetched == 0 ? idle + 1 : 0;
    }
  }

  bus::testing::NatsServer server_;
  std::unique_ptr<bus::Connection> connection_;
  bus::StreamOptions stream_;
  std::filesystem::path dir_;
};

// Returns the number of CRITICAL vulnerabilities in the Trivy reports, read from Trivy's own
// Results[].Vulnerabilities[].Severity.
int CountCriticalInReports() {
  int critical = 0;
  for (const std::string& name : kTrivyReports) {
    const Json report = Json::parse(ReadText(kTrivyDir / name));
    for (const Json& result : report.value("Results", Json::array())) {
      for (const Json& vulnerability : result.value("Vulnerabilities", Json::array())) {
        critical += vulnerability.value("Severity", "") == "CRITICAL" ? 1 : 0;
      }
    }
  }
  return critical;
}

TEST_F(BusRouteTest, TrivyEventsPlanAsInProcess) {
  Hub reference((dir_ / "reference.db").string());
  const int imported = ImportTrivyReports(reference);
  ASSERT_GT(imported, 0);
  Dispatcher dispatcher(*reference.findings, reference.matcher, *reference.engine, "reference");
  auto dispatched = dispatcher.DispatchOnce(100000);
  ASSERT_TRUE(dispatched.has_value()) << dispatched.status().ToString();

  Hub worker((dir_ / "worker.db").string());
  ASSERT_EQ(ImportTrivyReports(worker), imported);
  PublishAll(worker);
  DispatchReport report;
  auto consumer = bus::EventConsumer::Create(*connection_, stream_, {},
                                             MakeRouteHandler(*worker.router, report));
  ASSERT_TRUE(consumer.has_value()) << consumer.status().ToString();
  Drain(**consumer);

  EXPECT_EQ(report.events, dispatched->events);
  EXPECT_EQ(report.invalid_events, 0);
  EXPECT_EQ(report.planned, dispatched->planned);
  EXPECT_EQ(report.duplicates, 0);
  EXPECT_EQ(worker.PlannedKeys(), reference.PlannedKeys());
  EXPECT_EQ(worker.PlannedKeys("critical").size(),
            static_cast<std::size_t>(CountCriticalInReports()));
  EXPECT_EQ(worker.PlannedKeys("vulnerable-package").size(), static_cast<std::size_t>(imported));
}

TEST_F(BusRouteTest, SecondDeliveryPlansNothingNew) {
  Hub worker((dir_ / "worker.db").string());
  ASSERT_TRUE(
      worker.findings
          ->Import(
              std::move(
                  ingest::ReadReport(ReadText(kTrivyDir / "debian-buster.json"), {})->findings),
              {})
          .has_value());
  PublishAll(worker);

  // The first delivery writes its plans and then fails before the acknowledgement, as a
  // worker that crashes at that point would.
  DispatchReport report;
  bus::MessageHandler route = MakeRouteHandler(*worker.router, report);
  std::map<std::string, int> deliveries;
  bus::ConsumerOptions options;
  options.nak_delay = 100ms;
  options.fetch_timeout = 300ms;
  auto consumer = bus::EventConsumer::Create(
      *connection_, stream_, options, [&](const bus::Message& message) -> Status {
        RAMPART_RETURN_IF_ERROR(route(message));
        if (++deliveries[message.msg_id] == 1) {
          return Unavailable("lost before the acknowledgement");
        }
        return Status::Ok();
      });
  ASSERT_TRUE(consumer.has_value()) << consumer.status().ToString();
  Drain(**consumer);

  ASSERT_EQ(deliveries.size(), 2u);  // debian-buster.json contains two vulnerabilities
  for (const auto& [id, count] : deliveries) {
    EXPECT_EQ(count, 2) << "event " << id;
  }
  EXPECT_EQ(report.events, 4);
  EXPECT_GT(report.planned, 0);
  EXPECT_EQ(report.duplicates, report.planned);
  EXPECT_EQ(worker.PlannedKeys().size(), static_cast<std::size_t>(report.planned));
}

// Two stores on one NATS server: each routes only the events of its own findings, also when
// the other's events wait in the server. Before the stream names included the store's
// identity, both shared one stream and one durable consumer, and a worker of one store
// planned remediations for the findings of the other.
TEST_F(BusRouteTest, StoresOnOneServerKeepTheirEvents) {
  Hub first((dir_ / "first.db").string());
  Hub second((dir_ / "second.db").string());
  const auto import = [](Hub& hub, const std::vector<std::string>& names) {
    int imported = 0;
    for (const std::string& name : names) {
      auto read = ingest::ReadReport(ReadText(kTrivyDir / name), {});
      EXPECT_TRUE(read.has_value()) << name;
      imported += static_cast<int>(read->findings.size());
      EXPECT_TRUE(hub.findings->Import(std::move(read->findings), {}).has_value());
    }
    return imported;
  };
  const int first_count = import(first, {"alpine-310.json", "amazon-2.json"});
  const int second_count =
      import(second, {"npm.json", "gomod.json", "debian-buster.json", "ubuntu-1804.json"});
  ASSERT_GT(first_count, 0);
  ASSERT_GT(second_count, 5);

  BusDispatcherOptions options;
  options.consumer.batch = 5;
  options.consumer.fetch_timeout = 300ms;
  options.publisher.consumer = "first-publisher";
  auto first_bus = BusDispatcher::Open(server_.url(), *first.findings, first.matcher, *first.engine,
                                       nullptr, options);
  options.publisher.consumer = "second-publisher";
  auto second_bus = BusDispatcher::Open(server_.url(), *second.findings, second.matcher,
                                        *second.engine, nullptr, options);
  ASSERT_TRUE(first_bus.has_value()) << first_bus.status().ToString();
  ASSERT_TRUE(second_bus.has_value()) << second_bus.status().ToString();

  // The second store publishes all its events and routes only a few, so the rest wait in
  // the server while the first store routes.
  ASSERT_TRUE((*second_bus)->DispatchOnce(100000).has_value());
  for (BusDispatcher* bus : {first_bus->get(), second_bus->get()}) {
    for (int idle = 0; idle < 3;) {
      auto report = bus->DispatchOnce(100000);
      ASSERT_TRUE(report.has_value()) << report.status().ToString();
      idle = report->events == 0 ? idle + 1 : 0;
    }
  }

  for (Hub* hub : {&first, &second}) {
    auto records = hub->remediations->List({std::nullopt, "vulnerable-package", 100000});
    ASSERT_TRUE(records.has_value());
    EXPECT_EQ(static_cast<int>(records->size()), hub == &first ? first_count : second_count);
    for (const store::Remediation& record : *records) {
      auto found = hub->findings->Get({record.product_arn, record.finding_id});
      ASSERT_TRUE(found.has_value());
      EXPECT_TRUE(found->has_value()) << record.finding_id << " is a finding of the other store";
    }
  }
}

// A copy of a store keeps its identity, so a hub on the copy shares the stream of the
// original. A worker leaves the events of findings that its store does not hold for the other
// store, instead of planning remediations for them.
TEST_F(BusRouteTest, CopiedStoreLeavesOthersEvents) {
  const auto import = [](Hub& hub, const std::string& name) {
    auto read = ingest::ReadReport(ReadText(kTrivyDir / name), {});
    ASSERT_TRUE(read.has_value()) << name;
    ASSERT_TRUE(hub.findings->Import(std::move(read->findings), {}).has_value());
  };
  const std::string production_db = (dir_ / "production.db").string();
  const std::string staging_db = (dir_ / "staging.db").string();
  { Hub original(production_db); }
  std::filesystem::copy_file(production_db, staging_db);
  Hub production(production_db);
  Hub staging(staging_db);
  ASSERT_EQ(*production.findings->Identity(), *staging.findings->Identity());
  import(production, "alpine-310.json");
  import(staging, "debian-buster.json");

  BusDispatcherOptions options;
  options.consumer.fetch_timeout = 200ms;
  options.consumer.nak_delay = 50ms;
  options.publisher.consumer = "production";
  auto production_bus = BusDispatcher::Open(server_.url(), *production.findings, production.matcher,
                                            *production.engine, nullptr, options);
  options.publisher.consumer = "staging";
  auto staging_bus = BusDispatcher::Open(server_.url(), *staging.findings, staging.matcher,
                                         *staging.engine, nullptr, options);
  ASSERT_TRUE(production_bus.has_value()) << production_bus.status().ToString();
  ASSERT_TRUE(staging_bus.has_value()) << staging_bus.status().ToString();
  // Production's events wait in the stream when the staging worker fetches first.
  bus::OutboxPublisher publisher(*production.findings, *connection_,
                                 bus::StoreStream({}, *production.findings->Identity()));
  ASSERT_TRUE(publisher.PublishOnce().has_value());
  for (int round = 0; round < 20; ++round) {
    ASSERT_TRUE((*staging_bus)->DispatchOnce(100000).has_value());
    ASSERT_TRUE((*production_bus)->DispatchOnce(100000).has_value());
  }

  for (Hub* hub : {&production, &staging}) {
    auto records = hub->remediations->List({std::nullopt, "vulnerable-package", 100000});
    ASSERT_TRUE(records.has_value());
    EXPECT_FALSE(records->empty());
    for (const store::Remediation& record : *records) {
      auto found = hub->findings->Get({record.product_arn, record.finding_id});
      ASSERT_TRUE(found.has_value());
      EXPECT_TRUE(found->has_value()) << record.finding_id << " is a finding of the other store";
    }
  }
  EXPECT_EQ(production.PlannedKeys("vulnerable-package").size(),
            static_cast<std::size_t>(
                ingest::ReadReport(ReadText(kTrivyDir / "alpine-310.json"), {})->findings.size()));
}

// A server that comes back without its JetStream data (a new node, a lost volume) has no
// stream: the dispatcher creates the stream and its consumer again and routes the new
// events. Before, every publish failed with "no responders" until the workers restarted.
TEST_F(BusRouteTest, LostStreamIsCreatedAgain) {
  Hub worker((dir_ / "worker.db").string());
  BusDispatcherOptions options;
  options.consumer.fetch_timeout = 300ms;
  options.publisher.consumer = "worker-publisher";
  auto bus = BusDispatcher::Open(server_.url(), *worker.findings, worker.matcher, *worker.engine,
                                 nullptr, options);
  ASSERT_TRUE(bus.has_value()) << bus.status().ToString();
  const auto import = [&](const std::string& name) {
    auto read = ingest::ReadReport(ReadText(kTrivyDir / name), {});
    ASSERT_TRUE(read.has_value()) << name;
    ASSERT_TRUE(worker.findings->Import(std::move(read->findings), {}).has_value());
  };
  const auto drain = [&] {
    for (int idle = 0; idle < 3;) {
      auto report = (*bus)->DispatchOnce(100000);
      ASSERT_TRUE(report.has_value()) << report.status().ToString();
      idle = report->events == 0 ? idle + 1 : 0;
    }
  };
  import("debian-buster.json");
  drain();
  const std::size_t before = worker.PlannedKeys("vulnerable-package").size();
  ASSERT_GT(before, 0u);

  auto identity = worker.findings->Identity();
  ASSERT_TRUE(identity.has_value());
  const std::string stream = bus::StoreStream({}, *identity).name;
  ASSERT_EQ(js_DeleteStream(connection_->jetstream(), stream.c_str(), nullptr, nullptr), NATS_OK);

  import("alpine-310.json");
  drain();
  EXPECT_GT(worker.PlannedKeys("vulnerable-package").size(), before);
  auto state = bus::GetStreamState(*connection_, stream);
  ASSERT_TRUE(state.has_value()) << state.status().ToString();
  EXPECT_EQ(state->messages, 0u);
}

}  // namespace
}  // namespace rampart::remediate
