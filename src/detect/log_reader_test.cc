#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <map>

#include "core/file.h"
#include "detect/feature_windows.h"
#include "detect/log_event.h"

namespace rampart::detect {
namespace {

const std::filesystem::path kLogs = std::filesystem::path(RAMPART_SHARED_DATA) / "anomaly/logs";

std::string ReadOrEmpty(const std::filesystem::path& path) {
  auto text = ReadFile(path.string());
  return text ? *text : std::string();
}

TEST(CloudTrailReader, ReadsOtrfTrace) {
  const auto path = kLogs / "otrf_aws/ec2_proxy_s3_exfiltration_2020-09-14011940.json";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent: ../shared/data is not checked out beside the tree";
  }
  auto result = ReadCloudTrail(ReadOrEmpty(path), {});
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_EQ(result->events.size(), 103u);
  EXPECT_TRUE(result->problems.empty());
  const LogEvent& first = result->events.front();
  EXPECT_EQ(first.action, "DescribeInstanceTypes");
  EXPECT_EQ(first.principal, "arn:aws:iam::123456789123:user/pedro");
  EXPECT_EQ(first.principal_type, "IAMUser");
  EXPECT_EQ(first.source_ip, "1.2.3.4");
  EXPECT_EQ(first.region, "us-east-1");
  EXPECT_EQ(FormatTimestamp(first.time), "2020-09-14T00:44:23.000Z");
  std::size_t get_object = 0;
  for (const LogEvent& event : result->events) {
    if (event.action == "GetObject") {
      ++get_object;
      EXPECT_EQ(event.resource.rfind("mordors3stack-s3bucket-llp2yingx64a/", 0), 0u)
          << event.resource;
    }
  }
  EXPECT_EQ(get_object, 2u);
}

TEST(CloudTrailReader, ReadsRecordsDocument) {
  const std::string text = R"({"Records": [
    {"eventTime": "2024-05-01T10:00:00Z", "eventName": "GetObject", "eventSource": "s3.amazonaws.com",
     "errorCode": "AccessDenied", "userIdentity": {"arn": "arn:aws:iam::1:user/a"}},
    {"eventName": "NoTime"},
    {"eventTime": "2024-05-01T10:00:01Z", "eventName": "RunInstances",
     "errorCode": "Client.UnauthorizedOperation"}]})";
  auto result = ReadCloudTrail(text, {});
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  ASSERT_EQ(result->events.size(), 2u);
  EXPECT_TRUE(result->events[0].failure);
  EXPECT_TRUE(result->events[1].failure);
  ASSERT_EQ(result->problems.size(), 1u);
  EXPECT_NE(result->problems[0].message.find("$.Records[1]"), std::string::npos)
      << result->problems[0].message;
}

// The same document laid out as `jq .` or json.dump(indent=2) writes it.
TEST(CloudTrailReader, ReadsIndentedRecordsDocument) {
  const std::string text =
      "{\n  \"Records\": [\n    {\n      \"eventTime\": \"2024-05-01T10:00:00Z\",\n"
      "      \"eventName\": \"GetObject\"\n    },\n    {\n      \"eventTime\": "
      "\"2024-05-01T10:00:01Z\",\n      \"eventName\": \"ListBuckets\"\n    }\n  ]\n}\n";
  auto result = ReadCloudTrail(text, {});
  ASSERT_TRUE(result.has_value()) << result.status().ToString();
  EXPECT_TRUE(result->problems.empty());
  ASSERT_EQ(result->events.size(), 2u);
  EXPECT_EQ(result->events[1].action, "ListBuckets");
}

TEST(CloudTrailReader, ReadsGzipFile) {
  const auto path = std::filesystem::temp_directory_path() / "rampart_cloudtrail_test.json.gz";
  const std::string line =
      R"({"eventTime":"2024-05-01T10:00:00Z","eventName":"ListBuckets","sourceIPAddress":"10.0.0.1"})";
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  gzwrite(file, line.data(), static_cast<unsigned>(line.size()));
  gzclose(file);
  auto text = ReadFile(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(text.has_value()) << text.status().ToString();
  auto result = ReadCloudTrail(*text, {});
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(result->events.size(), 1u);
  EXPECT_EQ(result->events[0].source_ip, "10.0.0.1");
}

TEST(CloudTrailReader, ReportsBadLineAndKeepsOthers) {
  const std::string text =
      "{\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventName\":\"A\"}\n{broken\n"
      "{\"eventTime\":\"2024-05-01T10:00:02Z\",\"eventName\":\"B\"}\n";
  LogReadOptions options;
  options.source_name = "trail.jsonl";
  auto result = ReadCloudTrail(text, options);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->events.size(), 2u);
  ASSERT_EQ(result->problems.size(), 1u);
  EXPECT_EQ(result->problems[0].line, 2u);
  EXPECT_NE(result->problems[0].message.find("trail.jsonl: line 2"), std::string::npos)
      << result->problems[0].message;
}

TEST(K8sAuditReader, ReadsFalcoTraces) {
  const auto folder = kLogs / "falco_k8s_audit";
  if (!std::filesystem::exists(folder)) {
    GTEST_SKIP() << folder << " is absent: ../shared/data is not checked out beside the tree";
  }
  std::size_t files = 0;
  std::size_t events = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".json") {
      continue;
    }
    ++files;
    auto result = ReadK8sAudit(ReadOrEmpty(entry.path()), {});
    ASSERT_TRUE(result.has_value()) << entry.path();
    events += result->events.size();
    if (entry.path().filename() == "fal_01_003.json") {
      EXPECT_EQ(result->problems.size(), 1u);  // {"kind": 0} is no audit event
    } else {
      EXPECT_TRUE(result->problems.empty()) << entry.path();
    }
  }
  EXPECT_EQ(files, 47u);
  EXPECT_GE(events, 46u);
}

TEST(K8sAuditReader, ReadsExecEvent) {
  const auto path = kLogs / "falco_k8s_audit/exec_pod.json";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent: ../shared/data is not checked out beside the tree";
  }
  auto result = ReadK8sAudit(ReadOrEmpty(path), {});
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(result->events.size(), 1u);
  const LogEvent& event = result->events[0];
  EXPECT_EQ(event.action, "create");
  EXPECT_NE(event.resource.find("pods/exec"), std::string::npos) << event.resource;
  ASSERT_NE(event.document, nullptr);
}

TEST(SyslogReader, CountsOpenSshFailures) {
  const auto path = kLogs / "loghub_openssh/OpenSSH/OpenSSH_2k.log";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent: ../shared/data is not checked out beside the tree";
  }
  LogReadOptions options;
  options.syslog_year = 2017;
  auto result = ReadSyslogAuth(ReadOrEmpty(path), options);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->problems.empty());
  std::map<std::string, int> failures;
  int accepted = 0;
  for (const LogEvent& event : result->events) {
    failures[event.source_ip] += event.failure ? 1 : 0;
    accepted += event.login_success ? 1 : 0;
  }
  // Counted with grep -o "Failed [a-z]* for .* from [0-9.]*" on the file.
  EXPECT_EQ(failures["183.62.140.253"], 286);
  EXPECT_EQ(failures["187.141.143.180"], 80);
  EXPECT_EQ(failures["103.99.0.122"], 46);
  EXPECT_GT(accepted, 0);
  EXPECT_EQ(FormatTimestamp(result->events.front().time).substr(0, 10), "2017-12-10");
}

TEST(SyslogReader, CountsLinuxPamFailures) {
  const auto path = kLogs / "loghub_linux/Linux/Linux_2k.log";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent: ../shared/data is not checked out beside the tree";
  }
  auto result = ReadSyslogAuth(ReadOrEmpty(path), {});
  ASSERT_TRUE(result.has_value());
  std::size_t failures = 0;
  for (const LogEvent& event : result->events) {
    failures += event.failure ? 1 : 0;
  }
  EXPECT_EQ(failures, 490u);  // grep -c "authentication failure"
}

TEST(SyslogReader, RejectsOtherLines) {
  auto result = ReadSyslogAuth("not syslog at all\n", {});
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(result->problems.size(), 1u);
  EXPECT_NE(result->problems[0].message.find("line 1"), std::string::npos);
}

TEST(SyslogReader, ReadsRfc3339Times) {
  auto result = ReadSyslogAuth(
      "2024-03-01T10:00:00.123456+01:00 host sshd[1]: Failed password for root from "
      "198.51.100.1 port 1 ssh2\n",
      {});
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->problems.empty());
  ASSERT_EQ(result->events.size(), 1u);
  EXPECT_EQ(FormatTimestamp(result->events[0].time), "2024-03-01T09:00:00.123Z");
  EXPECT_EQ(result->events[0].source_ip, "198.51.100.1");
}

// The user name is the client's: one holding " from " must not name the source.
TEST(SyslogReader, SourceIsAfterTheLastFrom) {
  auto result = ReadSyslogAuth(
      "Mar  1 10:00:00 host sshd[1]: Failed password for invalid user x from 10.1.1.1 from "
      "198.51.100.9 port 5000 ssh2\n",
      {});
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(result->events.size(), 1u);
  EXPECT_EQ(result->events[0].source_ip, "198.51.100.9");
  EXPECT_EQ(result->events[0].principal, "x from 10.1.1.1");
}

// OpenSSH 9.8 moved the per-session work, and its log lines, to sshd-session.
TEST(SyslogReader, ReadsSshdSessionLines) {
  auto result = ReadSyslogAuth(
      "Mar  1 10:00:00 host sshd-session[7]: Failed password for root from 198.51.100.2 port 1 "
      "ssh2\n"
      "Mar  1 10:00:00 host sshd-session[7]: pam_unix(sshd:auth): authentication failure; "
      "logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.2  user=root\n"
      "Mar  1 10:00:05 host sshd-session[8]: Accepted publickey for ops from 198.51.100.3 port 2 "
      "ssh2: ED25519 SHA256:abc\n",
      {});
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->problems.empty());
  ASSERT_EQ(result->events.size(), 2u);  // the PAM line repeats the first failure
  EXPECT_TRUE(result->events[0].failure);
  EXPECT_EQ(result->events[0].service, "sshd-session");
  EXPECT_TRUE(result->events[1].login_success);
  EXPECT_EQ(result->events[1].source_ip, "198.51.100.3");
}

// Three failures across New Year: the January lines belong to the year after December.
TEST(SyslogReader, YearTurnsOverAtNewYear) {
  LogReadOptions options;
  options.syslog_year = 2024;
  const std::string failure = " host sshd[1]: Failed password for root from 198.51.100.1\n";
  auto result = ReadSyslogAuth(
      "Dec 31 23:59:50" + failure + "Jan  1 00:00:10" + failure + "Jan  1 00:00:20" + failure,
      options);
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(result->events.size(), 3u);
  EXPECT_EQ(FormatTimestamp(result->events[0].time), "2024-12-31T23:59:50.000Z");
  EXPECT_EQ(FormatTimestamp(result->events[2].time), "2025-01-01T00:00:20.000Z");
}

// Without --syslog-year, a December log read on 5 December is from last December.
TEST(SyslogReader, DatesWithoutYearAreNotInFuture) {
  FakeClock clock(*ParseTimestamp("2026-12-05T12:00:00Z"));
  LogReadOptions options;
  options.clock = &clock;
  const std::string failure = " host sshd[1]: Failed password for root from 198.51.100.1\n";
  auto result = ReadSyslogAuth("Dec 10 07:13:56" + failure, options);
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(result->events.size(), 1u);
  EXPECT_EQ(FormatTimestamp(result->events[0].time), "2025-12-10T07:13:56.000Z");

  auto today = ReadSyslogAuth("Dec  5 07:13:56" + failure, options);
  ASSERT_TRUE(today.has_value());
  ASSERT_EQ(today->events.size(), 1u);
  EXPECT_EQ(FormatTimestamp(today->events[0].time), "2026-12-05T07:13:56.000Z");
}

TEST(SyslogReader, ExpandsAndCapsRepeatedMessages) {
  LogReadOptions options;
  options.syslog_year = 2024;
  const std::string failure = "Failed password for root from 5.36.59.76 port 42393 ssh2]\n";
  auto result = ReadSyslogAuth(
      "Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ " + failure +
          "Dec 10 07:13:57 LabSZ sshd[24227]: message repeated 1526072953 times: [ " + failure,
      options);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->events.size(), 5u + 10'000u);
  ASSERT_EQ(result->problems.size(), 1u);
  EXPECT_EQ(result->problems[0].line, 2u);
  EXPECT_NE(result->problems[0].message.find("outside 1..10000"), std::string::npos)
      << result->problems[0].message;
  EXPECT_EQ(result->events.back().source_ip, "5.36.59.76");
}

// Returns the times of the events read from `text` in `zone`, in the year 2024.
std::vector<std::string> TimesInZone(const std::string& text, const TimeZone& zone) {
  LogReadOptions options;
  options.syslog_year = 2024;
  options.syslog_zone = zone;
  auto result = ReadSyslogAuth(text, options);
  EXPECT_TRUE(result.has_value()) << result.status().ToString();
  std::vector<std::string> times;
  for (const LogEvent& event : result ? result->events : std::vector<LogEvent>{}) {
    times.push_back(FormatTimestamp(event.time));
  }
  return times;
}

TEST(SyslogReader, ReadsTimesInFixedOffset) {
  auto zone = TimeZone::Load("+02:00");
  ASSERT_TRUE(zone.has_value()) << zone.status().ToString();
  const std::string failure = " host sshd[1]: Failed password for root from 198.51.100.1\n";
  EXPECT_EQ(TimesInZone("Jan  1 01:30:00" + failure + "Mar  1 12:00:00" + failure, *zone),
            (std::vector<std::string>{"2023-12-31T23:30:00.000Z", "2024-03-01T10:00:00.000Z"}));
  // An RFC 3339 time keeps its own offset.
  EXPECT_EQ(TimesInZone("2024-03-01T10:00:00+01:00" + failure, *zone),
            (std::vector<std::string>{"2024-03-01T09:00:00.000Z"}));
}

// Zurich is UTC+1 in winter and UTC+2 from the last Sunday of March, 01:00 UTC, to the last
// Sunday of October, 01:00 UTC.
TEST(SyslogReader, ReadsTimesInIanaZone) {
  auto zone = TimeZone::Load("Europe/Zurich");
  if (!zone) {
    GTEST_SKIP() << zone.status().ToString();
  }
  const std::string failure = " host sshd[1]: Failed password for root from 198.51.100.1\n";
  EXPECT_EQ(TimesInZone("Jan 15 12:00:00" + failure + "Jul  1 12:00:00" + failure, *zone),
            (std::vector<std::string>{"2024-01-15T11:00:00.000Z", "2024-07-01T10:00:00.000Z"}));
  // 02:30 on 31 March does not exist, and is read with the winter offset.
  EXPECT_EQ(TimesInZone("Mar 31 01:59:59" + failure + "Mar 31 03:00:00" + failure, *zone),
            (std::vector<std::string>{"2024-03-31T00:59:59.000Z", "2024-03-31T01:00:00.000Z"}));
  // On 27 October the hour from 02:00 runs twice: a log through it stays in order.
  EXPECT_EQ(
      TimesInZone("Oct 27 02:30:00" + failure + "Oct 27 02:59:59" + failure + "Oct 27 02:00:05" +
                      failure + "Oct 27 02:30:00" + failure + "Oct 27 03:00:00" + failure,
                  *zone),
      (std::vector<std::string>{"2024-10-27T00:30:00.000Z", "2024-10-27T00:59:59.000Z",
                                "2024-10-27T01:00:05.000Z", "2024-10-27T01:30:00.000Z",
                                "2024-10-27T02:00:00.000Z"}));
}

LogEvent Event(const std::string& principal, int second, const std::string& action,
               bool failure = false) {
  LogEvent event;
  event.principal = principal;
  event.time = FromUnixMicros(std::int64_t{second} * 1'000'000);
  event.action = action;
  event.failure = failure;
  event.source_ip = "10.0.0." + std::to_string(second % 3);
  return event;
}

TEST(FeatureWindows, TumblingCountsPerEntity) {
  std::vector<WindowFeatures> windows;
  WindowOptions options;
  options.size = std::chrono::seconds(60);
  options.slide = std::chrono::seconds(60);
  options.allowed_lateness = std::chrono::seconds(0);
  auto feature_windows =
      FeatureWindows::Create(options, [&](const WindowFeatures& w) { windows.push_back(w); });
  ASSERT_TRUE(feature_windows.has_value());
  feature_windows->Add(Event("alice", 0, "List"));
  feature_windows->Add(Event("alice", 10, "Get", true));
  feature_windows->Add(Event("bob", 20, "List"));
  feature_windows->Add(Event("alice", 70, "List"));
  EXPECT_EQ(windows.size(), 2u);  // the first minute closed when second 70 arrived
  feature_windows->Flush();
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0].entity, "alice");
  EXPECT_EQ(windows[0].events, 2u);
  EXPECT_EQ(windows[0].failures, 1u);
  EXPECT_EQ(windows[0].distinct_actions, 2u);
  EXPECT_EQ(windows[0].new_actions, 2u);
  EXPECT_EQ(windows[1].entity, "bob");
  EXPECT_EQ(windows[2].entity, "alice");
  EXPECT_EQ(windows[2].events, 1u);
  EXPECT_EQ(windows[2].new_actions, 0u);  // alice listed before
}

// A second stream restored from the first's history counts as new only what the first
// never used.
TEST(FeatureWindows, RestoredHistoryIsNotNew) {
  WindowOptions options;
  options.size = std::chrono::seconds(60);
  options.slide = std::chrono::seconds(60);
  auto first = FeatureWindows::Create(options, [](const WindowFeatures&) {});
  ASSERT_TRUE(first.has_value());
  first->Add(Event("alice", 0, "List"));  // from 10.0.0.0
  first->Add(Event("alice", 10, "Get"));  // from 10.0.0.1
  first->Flush();
  const std::vector<EntityHistory> history = first->History();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].entity, "alice");
  EXPECT_EQ(history[0].actions, (std::vector<std::uint64_t>{ValueHash("List"), ValueHash("Get")}));
  EXPECT_EQ(history[0].source_ips.size(), 2u);

  std::vector<WindowFeatures> windows;
  auto second =
      FeatureWindows::Create(options, [&](const WindowFeatures& w) { windows.push_back(w); });
  ASSERT_TRUE(second.has_value());
  second->Restore(history);
  second->Add(Event("alice", 3600, "List"));    // from 10.0.0.0
  second->Add(Event("alice", 3601, "Delete"));  // from 10.0.0.1
  second->Add(Event("alice", 3602, "Get"));     // from 10.0.0.2, new
  second->Add(Event("bob", 3603, "List"));
  second->Flush();
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].entity, "alice");
  EXPECT_EQ(windows[0].new_actions, 1u);
  EXPECT_EQ(windows[0].new_source_ips, 1u);
  EXPECT_EQ(windows[1].entity, "bob");
  EXPECT_EQ(windows[1].new_actions, 1u);
  EXPECT_EQ(second->History().size(), 2u);
}

// The published FNV-1a 64 test values of "", "a" and "foobar".
TEST(ValueHash, IsFnv1a64) {
  EXPECT_EQ(ValueHash(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(ValueHash("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(ValueHash("foobar"), 0x85944171f73967e8ull);
}

TEST(FeatureWindows, SlidingWindowsOverlap) {
  std::vector<WindowFeatures> windows;
  WindowOptions options;
  options.size = std::chrono::seconds(60);
  options.slide = std::chrono::seconds(30);
  auto feature_windows =
      FeatureWindows::Create(options, [&](const WindowFeatures& w) { windows.push_back(w); });
  ASSERT_TRUE(feature_windows.has_value());
  feature_windows->Add(Event("alice", 45, "List"));
  feature_windows->Flush();
  ASSERT_EQ(windows.size(), 2u);  // [0, 60) and [30, 90)
  EXPECT_EQ(ToUnixMicros(windows[0].start), 0);
  EXPECT_EQ(ToUnixMicros(windows[1].start), 30'000'000);
}

TEST(FeatureWindows, DropsLateEvents) {
  WindowOptions options;
  options.allowed_lateness = std::chrono::seconds(10);
  auto feature_windows = FeatureWindows::Create(options, [](const WindowFeatures&) {});
  ASSERT_TRUE(feature_windows.has_value());
  feature_windows->Add(Event("alice", 1000, "List"));
  feature_windows->Add(Event("alice", 995, "List"));
  feature_windows->Add(Event("alice", 900, "List"));
  EXPECT_EQ(feature_windows->late_events(), 1u);
}

TEST(FeatureWindows, RejectsBadSizes) {
  WindowOptions options;
  options.size = std::chrono::seconds(100);
  options.slide = std::chrono::seconds(30);
  EXPECT_FALSE(FeatureWindows::Create(options, [](const WindowFeatures&) {}).has_value());
}

}  // namespace
}  // namespace rampart::detect
