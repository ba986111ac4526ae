// Detector accuracy on real logs: Falco's Kubernetes audit test cases, loghub's OpenSSH
// log and OTRF's CloudTrail exfiltration trace.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "core/file.h"
#include "detect/k8s_audit_detector.h"
#include "detect/rule_detectors.h"
#include "finding/validate.h"

namespace rampart::detect {
namespace {

const std::filesystem::path kLogs = std::filesystem::path(RAMPART_SHARED_DATA) / "anomaly/logs";

FindingOptions FixedTime() {
  static FakeClock clock(FromUnixMicros(1'700'000'000'000'000));
  FindingOptions options;
  options.clock = &clock;
  return options;
}

// Maps the extra Falco rule files of a test case to detector options.
bool OptionsFor(const std::string& extra_files, K8sAuditOptions& options) {
  std::stringstream list(extra_files);
  std::string file;
  while (std::getline(list, file, ';')) {
    if (file == "trust_nginx_container.yaml") {
      options.trusted_images.insert("nginx");
    } else if (file == "allow_nginx_container.yaml" ||
               file == "engine_v4/allow_nginx_container.yaml") {
      options.allowed_images.insert("nginx");
    } else if (file == "allow_only_apache_container.yaml" ||
               file == "engine_v4/allow_only_apache_container.yaml") {
      options.allowed_images.insert("apache");
    } else if (file == "disallow_kactivity.yaml") {
      options.activity = false;
    } else if (file == "allow_namespace_foo.yaml") {
      options.allowed_namespaces.insert("foo");
    } else if (file == "allow_user_some-user.yaml") {
      options.allowed_users.insert("some-user");
    } else if (file != "engine_v4_k8s_audit_rules.yaml") {
      return false;  // a custom Falco rule, which has no counterpart here
    }
  }
  return true;
}

TEST(K8sAuditDetector, AgreesWithFalcoLabels) {
  const auto folder = kLogs / "falco_k8s_audit";
  if (!std::filesystem::exists(folder / "LABELS.tsv")) {
    GTEST_SKIP() << folder << " is absent: ../shared/data is not checked out beside the tree";
  }
  std::ifstream labels(folder / "LABELS.tsv");
  std::string line;
  std::getline(labels, line);  // header
  int cases = 0;
  int agreed = 0;
  while (std::getline(labels, line)) {
    std::vector<std::string> columns;
    std::stringstream row(line);
    std::string column;
    while (std::getline(row, column, '\t')) {
      columns.push_back(column);
    }
    columns.resize(5);
    const bool expected = columns[2] == "True";
    K8sAuditOptions options;
    const bool supported = OptionsFor(columns[4], options);

    auto text = ReadFile((folder / columns[0]).string());
    ASSERT_TRUE(text.has_value()) << columns[0];
    auto events = ReadK8sAudit(*text, {});
    ASSERT_TRUE(events.has_value()) << columns[0];
    FindingSet findings(FixedTime());
    K8sAuditDetector detector(options);
    std::size_t detections = 0;
    for (const LogEvent& event : events->events) {
      detections += detector.Add(event, findings);
    }
    for (const Json& finding : findings.findings()) {
      EXPECT_TRUE(finding::ValidateFinding(finding).empty()) << finding.dump();
    }
    ++cases;
    const bool agrees = supported && (detections > 0) == expected;
    agreed += agrees ? 1 : 0;
    if (!agrees) {
      std::cout << "disagrees: " << columns[1] << " (" << columns[0] << ", expected " << columns[2]
                << ", detections " << detections << ")\n";
    }
  }
  EXPECT_EQ(cases, 66);
  EXPECT_GE(agreed * 100, cases * 95) << agreed << " of " << cases << " cases agree";
}

// Returns the detections on one request logged at two stages; the first carries no outcome.
std::size_t DetectionsOfStages(const Json& completed, const Json& received) {
  const std::string text = received.dump() + "\n" + completed.dump() + "\n";
  auto events = ReadK8sAudit(text, {});
  EXPECT_TRUE(events.has_value());
  FindingSet findings(FixedTime());
  K8sAuditDetector detector({});
  std::size_t detections = 0;
  for (const LogEvent& event : events->events) {
    detections += detector.Add(event, findings);
  }
  return detections;
}

TEST(K8sAuditDetector, ChecksRequestsOnlyOnceAnswered) {
  const auto path = kLogs / "falco_k8s_audit/create_nginx_pod_privileged.json";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent: ../shared/data is not checked out beside the tree";
  }
  auto completed = ParseJson(*ReadFile(path.string()), "trace");
  ASSERT_TRUE(completed.has_value());
  Json received = *completed;
  received["stage"] = "RequestReceived";
  received.erase("responseStatus");
  received.erase("responseObject");
  EXPECT_EQ(DetectionsOfStages(*completed, received), 1u);  // privileged pod created

  Json denied = *completed;
  denied["responseStatus"] = {{"code", 403}, {"status", "Failure"}};
  denied.erase("responseObject");
  EXPECT_EQ(DetectionsOfStages(denied, received), 0u);
}

// Returns the findings of one detector on audit events given in log order.
std::vector<Json> FindingsOf(const std::vector<Json>& documents) {
  std::string text;
  for (const Json& document : documents) {
    text += document.dump() + "\n";
  }
  auto events = ReadK8sAudit(text, {});
  EXPECT_TRUE(events.has_value());
  FindingSet findings(FixedTime());
  K8sAuditDetector detector({});
  for (const LogEvent& event : events ? events->events : std::vector<LogEvent>{}) {
    detector.Add(event, findings);
  }
  return findings.findings();
}

// Returns Falco's audit event in `name`, or nullopt when the shared data is absent.
std::optional<Json> FalcoEvent(const std::string& name) {
  const auto path = kLogs / "falco_k8s_audit" / name;
  if (!std::filesystem::exists(path)) {
    return std::nullopt;
  }
  auto event = ParseJson(*ReadFile(path.string()), name);
  EXPECT_TRUE(event.has_value()) << event.status().ToString();
  return event ? std::optional<Json>(*event) : std::nullopt;
}

// kubectl 1.30 and later open exec and attach over WebSockets, which the API server audits
// as verb get. Earlier clients use SPDY, which it audits as verb create.
TEST(K8sAuditDetector, ReportsExecAndAttachOfEitherVerb) {
  for (const std::string name : {"exec_pod.json", "attach_pod.json"}) {
    std::optional<Json> event = FalcoEvent(name);
    if (!event) {
      GTEST_SKIP() << name << " is absent: ../shared/data is not checked out beside the tree";
    }
    for (const std::string verb : {"create", "get"}) {
      (*event)["verb"] = verb;
      const std::vector<Json> findings = FindingsOf({*event});
      ASSERT_EQ(findings.size(), 1u) << name << " " << verb;
      EXPECT_EQ(findings[0]["GeneratorId"], "rampart-detect/k8s-exec-attach")
          << name << " " << verb;
    }
  }
}

// The API server logs one exec at three stages with one auditID: it is one exec. A second
// exec, with its own auditID, counts again.
TEST(K8sAuditDetector, CountsEachRequestOnce) {
  std::optional<Json> started = FalcoEvent("exec_pod.json");
  if (!started) {
    GTEST_SKIP() << "exec_pod.json is absent: ../shared/data is not checked out beside the tree";
  }
  Json received = *started;
  received["stage"] = "RequestReceived";
  received.erase("responseStatus");
  Json completed = *started;
  completed["stage"] = "ResponseComplete";
  completed["stageTimestamp"] = "2018-10-26T13:39:02.000000Z";
  Json again = *started;
  again["auditID"] = "0b8f3e8c-2f4c-4c4e-9d3a-6f1e2b7c9a10";

  std::vector<Json> findings = FindingsOf({received, *started, completed});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0]["ProductFields"]["rampart/detect/Count"], "1");

  findings = FindingsOf({received, *started, completed, again});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0]["ProductFields"]["rampart/detect/Count"], "2");
}

// Returns true when a pod mounting host path `path` is reported as a sensitive mount.
bool FlagsHostPath(Json pod, const std::string& path) {
  pod["requestObject"]["spec"]["volumes"][0]["hostPath"]["path"] = path;
  const std::vector<Json> findings = FindingsOf({pod});
  return std::any_of(findings.begin(), findings.end(), [](const Json& finding) {
    return finding["GeneratorId"] == "rampart-detect/k8s-sensitive-mount-pod";
  });
}

// A path spelled another way, a file below a sensitive directory and a directory above a
// sensitive socket give the container the same access to its node.
TEST(K8sAuditDetector, ReportsSensitiveHostPathsHoweverSpelled) {
  std::optional<Json> pod = FalcoEvent("create_nginx_pod_sensitive_mount.json");
  if (!pod) {
    GTEST_SKIP() << "create_nginx_pod_sensitive_mount.json is absent: ../shared/data is not "
                    "checked out beside the tree";
  }
  const std::pair<std::string, bool> kCases[] = {
      {"/etc", true},
      {"/etc/", true},
      {"//etc", true},
      {"/./etc", true},
      {"/etc//", true},
      {"/etc/../etc", true},
      {"/etc/shadow", true},
      {"/etc/kubernetes/pki", true},
      {"/root/.ssh", true},
      {"/", true},
      {"/proc", true},
      {"/proc/1/root", true},
      {"/var/run/docker.sock", true},
      {"/run/docker.sock", true},
      {"/run/containerd/containerd.sock", true},
      {"/var/run/containerd/containerd.sock", true},
      {"/var/run/crio/crio.sock", true},
      {"/run/crio/crio.sock", true},
      {"/var/run", true},
      {"/run", true},
      {"/var/lib/kubelet", true},
      {"/var/lib/kubelet/pki", true},
      {"/var", true},
      {"/home", true},
      {"/home/admin", true},
      {"/usr/local", false},
      {"/data", false},
      {"/var/log", false},
      {"/etcd", false},
      {"/run2", false},
      {"/var/lib/kubelet-data", false},
  };
  for (const auto& [path, sensitive] : kCases) {
    EXPECT_EQ(FlagsHostPath(*pod, path), sensitive) << path;
  }
}

// A user name is whatever the client sent; bytes that are not UTF-8 made the findings
// impossible to print as JSON or to store.
TEST(FindingSet, ReplacesTextThatIsNotUtf8) {
  FindingSet findings(FixedTime());
  Detection detection;
  detection.detector = "ssh-brute-force";
  detection.entity = "10.9.9.9";
  detection.type = "TTPs/Credential Access/UnauthorizedAccess:Host-SSHBruteForce.Threshold";
  detection.title = "Brute force of logins from 10.9.9.9";
  detection.description = "last as r\xFFoot";
  detection.fields["rampart/detect/User"] = "r\xFFoot";
  findings.Report(detection);
  ASSERT_EQ(findings.findings().size(), 1u);
  const Json& finding = findings.findings()[0];
  EXPECT_EQ(finding["Description"], "last as r\xEF\xBF\xBDoot");
  EXPECT_EQ(finding["ProductFields"]["rampart/detect/User"], "r\xEF\xBF\xBDoot");
  EXPECT_TRUE(finding::ValidateFinding(finding).empty()) << finding.dump();
  EXPECT_NO_THROW(static_cast<void>(finding.dump()));
}

TEST(FindingSet, NamesSourceAddressByFamily) {
  FindingSet findings(FixedTime());
  for (const char* source : {"198.51.100.7", "2001:db8::7", "bastion.example.com"}) {
    Detection detection;
    detection.detector = "ssh-brute-force";
    detection.entity = source;
    detection.type = "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce";
    detection.title = "SSH brute force";
    detection.description = "Failed logins.";
    detection.source_ip = source;
    findings.Report(detection);
  }
  ASSERT_EQ(findings.findings().size(), 3u);
  EXPECT_EQ(findings.findings()[0]["Network"]["SourceIpV4"], "198.51.100.7");
  EXPECT_EQ(findings.findings()[1]["Network"]["SourceIpV6"], "2001:db8::7");
  EXPECT_EQ(findings.findings()[2]["Network"]["SourceDomain"], "bastion.example.com");
}

TEST(BruteForceDetector, ReportsOpenSshAttackers) {
  const auto path = kLogs / "loghub_openssh/OpenSSH/OpenSSH_2k.log";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent: ../shared/data is not checked out beside the tree";
  }
  auto text = ReadFile(path.string());
  ASSERT_TRUE(text.has_value());
  LogReadOptions read_options;
  read_options.syslog_year = 2017;
  auto events = ReadSyslogAuth(*text, read_options);
  ASSERT_TRUE(events.has_value());
  std::map<std::string, int> failures;
  for (const LogEvent& event : events->events) {
    failures[event.source_ip] += event.failure ? 1 : 0;
  }

  FindingSet findings(FixedTime());
  BruteForceDetector detector({});
  for (const LogEvent& event : events->events) {
    detector.Add(event, findings);
  }
  std::map<std::string, int> reported;
  for (const Json& finding : findings.findings()) {
    ASSERT_TRUE(finding::ValidateFinding(finding).empty()) << finding.dump();
    if (finding["GeneratorId"] == "rampart-detect/ssh-brute-force") {
      const std::string ip = finding["Network"]["SourceIpV4"];
      reported[ip] = std::stoi(finding["ProductFields"]["rampart/detect/Count"].get<std::string>());
    }
  }
  for (const char* top : {"183.62.140.253", "187.141.143.180", "103.99.0.122"}) {
    ASSERT_EQ(reported.count(top), 1u) << top;
    // Failures spread wider than the window before a run starts are not counted.
    EXPECT_LE(reported[top], failures[top]) << top;
    EXPECT_GE(reported[top], failures[top] / 2) << top;
  }
  for (const auto& [ip, count] : reported) {
    EXPECT_GE(failures[ip], 5) << ip;
    EXPECT_GE(count, 5) << ip;
  }
}

TEST(BruteForceDetector, SuccessAfterFailuresIsHigh) {
  FindingSet findings(FixedTime());
  BruteForceDetector detector({});
  for (int i = 0; i < 6; ++i) {
    LogEvent failure;
    failure.source_ip = "198.51.100.7";
    failure.failure = true;
    failure.time = FromUnixMicros(std::int64_t{i} * 1'000'000);
    detector.Add(failure, findings);
  }
  LogEvent success;
  success.source_ip = "198.51.100.7";
  success.login_success = true;
  success.principal = "root";
  success.time = FromUnixMicros(10'000'000);
  detector.Add(success, findings);
  ASSERT_EQ(findings.findings().size(), 2u);
  EXPECT_EQ(findings.findings()[0]["ProductFields"]["rampart/detect/Count"], "6");
  EXPECT_EQ(findings.findings()[0]["Severity"]["Label"], "MEDIUM");
  EXPECT_EQ(findings.findings()[1]["Severity"]["Label"], "HIGH");
  EXPECT_EQ(findings.findings()[1]["LastObservedAt"], "1970-01-01T00:00:10.000Z");
}

// Returns an sshd login event from 198.51.100.7 at `second`.
LogEvent SshLogin(const std::string& user, bool accepted, std::int64_t second) {
  LogEvent event;
  event.source_ip = "198.51.100.7";
  event.service = "sshd";
  event.principal = user;
  event.failure = !accepted;
  event.login_success = accepted;
  event.time = FromUnixMicros(second * 1'000'000);
  return event;
}

// Returns the Ids of a finding's Resources, in order.
std::vector<std::string> ResourceIds(const Json& finding) {
  std::vector<std::string> ids;
  for (const Json& resource : finding["Resources"]) {
    ids.push_back(resource["Id"]);
  }
  return ids;
}

TEST(BruteForceDetector, SuccessNamesEveryAccount) {
  FindingSet findings(FixedTime());
  BruteForceDetector detector({});
  for (int i = 0; i < 6; ++i) {
    detector.Add(SshLogin("root", false, i), findings);
  }
  detector.Add(SshLogin("root", true, 10), findings);
  detector.Add(SshLogin("deploy", true, 11), findings);
  detector.Add(SshLogin("root", true, 12), findings);
  ASSERT_EQ(findings.findings().size(), 2u);
  const Json& success = findings.findings()[1];
  ASSERT_EQ(success["GeneratorId"], "rampart-detect/ssh-brute-force-success");
  EXPECT_EQ(ResourceIds(success), (std::vector<std::string>{"sshd root", "sshd deploy"}));
  EXPECT_EQ(success["Description"],
            "198.51.100.7 logged in as root and deploy after 6 failed logins within 600 s. "
            "Check these accounts and the host for compromise.");
  EXPECT_EQ(success["ProductFields"]["rampart/detect/Count"], "3");
  EXPECT_TRUE(finding::ValidateFinding(success).empty()) << success.dump();
}

TEST(BruteForceDetector, SuccessListsFiveAccountsThenCount) {
  FindingSet findings(FixedTime());
  BruteForceDetector detector({});
  for (int i = 0; i < 5; ++i) {
    detector.Add(SshLogin("root", false, i), findings);
  }
  for (int user = 0; user < 40; ++user) {
    detector.Add(SshLogin("user" + std::to_string(user), true, 10 + user), findings);
  }
  ASSERT_EQ(findings.findings().size(), 2u);
  const Json& success = findings.findings()[1];
  EXPECT_NE(success["Description"].get<std::string>().find(
                "logged in as user0, user1, user2, user3, user4 and 35 more after 5 failed"),
            std::string::npos)
      << success["Description"];
  // ASFF allows 32 resources; the first 32 accounts are kept.
  ASSERT_EQ(success["Resources"].size(), 32u);
  EXPECT_EQ(success["Resources"][31]["Id"], "sshd user31");
  EXPECT_TRUE(finding::ValidateFinding(success).empty()) << success.dump();
}

TEST(UnauthorizedCallsDetector, ReportsBurstOnce) {
  FindingSet findings(FixedTime());
  UnauthorizedCallsDetector detector({});
  for (int i = 0; i < 15; ++i) {
    LogEvent denied;
    denied.principal = "arn:aws:iam::123456789012:user/mallory";
    denied.failure = true;
    denied.error_code = "AccessDenied";
    denied.action = "ListSecrets";
    denied.time = FromUnixMicros(std::int64_t{i} * 1'000'000);
    detector.Add(denied, findings);
  }
  ASSERT_EQ(findings.findings().size(), 1u);
  const Json& finding = findings.findings()[0];
  EXPECT_EQ(finding["ProductFields"]["rampart/detect/Count"], "15");
  EXPECT_EQ(finding["Resources"][0]["Type"], "AwsIamUser");
  EXPECT_EQ(finding["LastObservedAt"], "1970-01-01T00:00:14.000Z");
}

// Returns the findings of the denied-calls detector on 12 denied calls of each CloudTrail
// userIdentity in `identities`, all from `source`.
std::vector<Json> DeniedCallFindings(const std::vector<Json>& identities,
                                     const std::string& source) {
  std::string text;
  for (const Json& identity : identities) {
    for (int second = 0; second < 12; ++second) {
      Json record = {{"eventTime", fmt::format("2024-05-01T10:00:{:02}Z", second)},
                     {"eventName", "GetObject"},
                     {"eventSource", "s3.amazonaws.com"},
                     {"errorCode", "AccessDenied"},
                     {"userIdentity", identity}};
      if (!source.empty()) {
        record["sourceIPAddress"] = source;
      }
      text += record.dump() + "\n";
    }
  }
  auto events = ReadCloudTrail(text, {});
  EXPECT_TRUE(events.has_value()) << events.status().ToString();
  FindingSet findings(FixedTime());
  UnauthorizedCallsDetector detector({});
  for (const LogEvent& event : events ? events->events : std::vector<LogEvent>{}) {
    detector.Add(event, findings);
  }
  for (const Json& finding : findings.findings()) {
    EXPECT_TRUE(finding::ValidateFinding(finding).empty()) << finding.dump();
  }
  return findings.findings();
}

// Anonymous S3 requests carry no ARN and no principal id; CloudTrail writes them so.
TEST(UnauthorizedCallsDetector, KeysAnonymousCallsOnSource) {
  const Json anonymous = {
      {"type", "AWSAccount"}, {"principalId", ""}, {"accountId", "ANONYMOUS_PRINCIPAL"}};
  const std::vector<Json> findings = DeniedCallFindings({anonymous}, "203.0.113.9");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0]["Title"],
            "Burst of denied API calls by a caller without identity from "
            "203.0.113.9");
  EXPECT_EQ(findings[0]["Resources"][0]["Id"], "203.0.113.9");
  EXPECT_EQ(findings[0]["Network"]["SourceIpV4"], "203.0.113.9");
  EXPECT_EQ(findings[0]["ProductFields"]["rampart/detect/Count"], "12");
}

TEST(UnauthorizedCallsDetector, KeysOnAccessKeyThenUserName) {
  const Json key_only = {{"type", "IAMUser"}, {"accessKeyId", "AKIAIOSFODNN7EXAMPLE"}};
  const Json federated = {{"type", "WebIdentityUser"}, {"userName", "alice"}};
  const std::vector<Json> findings = DeniedCallFindings({key_only, federated}, "198.51.100.7");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0]["Resources"][0]["Type"], "AwsIamAccessKey");
  EXPECT_EQ(findings[0]["Resources"][0]["Id"], "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(findings[0]["Title"], "Burst of denied API calls by access key AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(findings[1]["Resources"][0]["Id"], "WebIdentityUser/alice");
  EXPECT_EQ(findings[1]["Title"], "Burst of denied API calls by WebIdentityUser alice");
}

TEST(UnauthorizedCallsDetector, ReportsCallsWithoutAnyIdentity) {
  const std::vector<Json> findings = DeniedCallFindings({Json::object()}, "");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0]["Title"],
            "Burst of denied API calls by callers without identity or source address");
  EXPECT_EQ(findings[0]["ProductFields"]["rampart/detect/Count"], "12");
}

// Count is the number of denied calls in reported bursts, each counted once: 20 calls, the
// later ones spaced so that the window always contains exactly 10.
TEST(UnauthorizedCallsDetector, CountsEachCallOnce) {
  FindingSet findings(FixedTime());
  UnauthorizedCallsDetector detector({});  // 10 calls within 300 s
  for (int i = 0; i < 20; ++i) {
    LogEvent denied;
    denied.principal = "arn:aws:iam::123456789012:user/mallory";
    denied.failure = true;
    denied.error_code = "AccessDenied";
    denied.time = FromUnixMicros(std::int64_t{i} * 30'000'000);
    detector.Add(denied, findings);
  }
  ASSERT_EQ(findings.findings().size(), 1u);
  EXPECT_EQ(findings.findings()[0]["ProductFields"]["rampart/detect/Count"], "20");
}

// A second run of failures from the same source, an hour after the first, adds its own
// failures to the finding, not one.
TEST(BruteForceDetector, SecondRunAddsItsFailures) {
  FindingSet findings(FixedTime());
  BruteForceDetector detector({});  // 5 failures within 600 s
  for (const std::int64_t start : {0, 3600}) {
    for (std::int64_t i = 0; i < 5; ++i) {
      LogEvent failure;
      failure.source_ip = "198.51.100.9";
      failure.failure = true;
      failure.time = FromUnixMicros((start + i) * 1'000'000);
      detector.Add(failure, findings);
    }
  }
  ASSERT_EQ(findings.findings().size(), 1u);
  EXPECT_EQ(findings.findings()[0]["ProductFields"]["rampart/detect/Count"], "10");
}

TEST(InstanceCredentialDetector, ReportsOtrfExfiltration) {
  const auto path = kLogs / "otrf_aws/ec2_proxy_s3_exfiltration_2020-09-14011940.json";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent: ../shared/data is not checked out beside the tree";
  }
  auto text = ReadFile(path.string());
  ASSERT_TRUE(text.has_value());
  auto events = ReadCloudTrail(*text, {});
  ASSERT_TRUE(events.has_value());
  FindingSet findings(FixedTime());
  InstanceCredentialDetector().Detect(events->events, findings);

  std::map<std::string, const Json*> by_generator;
  for (const Json& finding : findings.findings()) {
    ASSERT_TRUE(finding::ValidateFinding(finding).empty()) << finding.dump();
    by_generator[finding["GeneratorId"]] = &finding;
  }
  const std::string role =
      "arn:aws:sts::123456789123:assumed-role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/"
      "i-0317f6c6b66ae9c40";
  ASSERT_EQ(by_generator.count("rampart-detect/instance-credential-exfiltration"), 1u);
  EXPECT_EQ(
      (*by_generator["rampart-detect/instance-credential-exfiltration"])["Resources"][0]["Id"],
      role);
  ASSERT_EQ(by_generator.count("rampart-detect/s3-listing-stolen-credentials"), 1u);
  ASSERT_EQ(by_generator.count("rampart-detect/s3-download-stolen-credentials"), 1u);
  // 9 listings (ListBuckets and ListObjects) and 2 GetObject calls in the trace.
  EXPECT_EQ((*by_generator["rampart-detect/s3-listing-stolen-credentials"])["ProductFields"]
                                                                           ["rampart/detect/Count"],
            "9");
  EXPECT_EQ(
      (*by_generator["rampart-detect/s3-download-stolen-credentials"])["ProductFields"]
                                                                      ["rampart/detect/Count"],
      "2");
  // The IAM user's console activity is not reported.
  EXPECT_EQ(findings.findings().size(), 3u);
}

// Returns a call with the instance-role session of instance i-0abc12345678def00.
LogEvent InstanceRoleCall(const std::string& source, const std::string& action,
                          std::int64_t second) {
  LogEvent event;
  event.principal = "arn:aws:sts::123456789012:assumed-role/WebRole/i-0abc12345678def00";
  event.principal_type = "AssumedRole";
  event.source_ip = source;
  event.user_agent = "aws-cli/2.15.0 Python/3.11.6 Darwin/23.1.0 exe/x86_64";
  event.service = "s3.amazonaws.com";
  event.action = action;
  event.resource = "payroll/2024.csv";
  event.time = FromUnixMicros(second * 1'000'000);
  return event;
}

std::map<std::string, Json> FindingsByGenerator(const std::vector<LogEvent>& events) {
  FindingSet findings(FixedTime());
  InstanceCredentialDetector().Detect(events, findings);
  std::map<std::string, Json> by_generator;
  for (const Json& finding : findings.findings()) {
    EXPECT_TRUE(finding::ValidateFinding(finding).empty()) << finding.dump();
    by_generator[finding["GeneratorId"]] = finding;
  }
  return by_generator;
}

// GuardDuty's InstanceCredentialExfiltration.OutsideAWS is for addresses outside AWS. A
// private address (RFC 1918, RFC 6598, RFC 4193) or a service name is inside.
TEST(InstanceCredentialDetector, PrivateSourceIsNotOutsideAws) {
  for (const std::string source : {"10.0.0.1", "10.255.255.254", "172.16.0.5", "172.31.255.255",
                                   "192.168.1.1", "100.64.0.1", "100.127.255.254", "fc00::1",
                                   "fd12:3456:789a::1", "::ffff:10.0.0.1", "::ffff:192.168.7.7"}) {
    const auto findings = FindingsByGenerator({InstanceRoleCall(source, "GetObject", 0)});
    EXPECT_EQ(findings.count("rampart-detect/instance-credential-exfiltration"), 0u) << source;
    EXPECT_EQ(findings.count("rampart-detect/s3-download-stolen-credentials"), 0u) << source;
    ASSERT_EQ(findings.count("rampart-detect/instance-credential-desktop-agent"), 1u) << source;
    const Json& inside = findings.at("rampart-detect/instance-credential-desktop-agent");
    EXPECT_EQ(inside["Severity"]["Label"], "LOW") << source;
    EXPECT_EQ(inside["Types"][0],
              "Unusual Behaviors/User/"
              "Behavior:IAMUser-InstanceCredentialDesktopAgent.PrivateAddress");
  }
  for (const std::string service : {"ec2.amazonaws.com", "AWS Internal"}) {
    EXPECT_TRUE(FindingsByGenerator({InstanceRoleCall(service, "GetObject", 0)}).empty())
        << service;
  }
}

TEST(InstanceCredentialDetector, PublicSourceIsOutsideAws) {
  for (const std::string source : {"9.255.255.255", "11.0.0.1", "172.15.255.255", "172.32.0.1",
                                   "192.169.0.1", "100.63.255.255", "100.128.0.1", "198.51.100.7",
                                   "fe80::1", "2001:db8::7", "fbff::1", "::ffff:198.51.100.7"}) {
    const auto findings = FindingsByGenerator({InstanceRoleCall(source, "GetObject", 0)});
    ASSERT_EQ(findings.count("rampart-detect/instance-credential-exfiltration"), 1u) << source;
    EXPECT_EQ(findings.at("rampart-detect/instance-credential-exfiltration")["Severity"]["Label"],
              "HIGH");
    EXPECT_EQ(findings.count("rampart-detect/s3-download-stolen-credentials"), 1u) << source;
    EXPECT_EQ(findings.count("rampart-detect/instance-credential-desktop-agent"), 0u) << source;
  }
}

// Once a session was used outside AWS, the instance's own later calls through the VPC are
// neither counted as outside nor as stolen S3 reads.
TEST(InstanceCredentialDetector, InsideCallsOfStolenSessionNotCounted) {
  LogEvent own = InstanceRoleCall("10.0.3.17", "GetObject", 60);
  own.user_agent = "aws-sdk-go/1.44.0 (go1.20; linux; amd64)";
  const auto findings =
      FindingsByGenerator({InstanceRoleCall("198.51.100.7", "GetObject", 0), own});
  ASSERT_EQ(findings.count("rampart-detect/instance-credential-exfiltration"), 1u);
  EXPECT_EQ(findings.at("rampart-detect/instance-credential-exfiltration")["ProductFields"]
                                                                          ["rampart/detect/Count"],
            "1");
  ASSERT_EQ(findings.count("rampart-detect/s3-download-stolen-credentials"), 1u);
  EXPECT_EQ(
      findings.at(
          "rampart-detect/s3-download-stolen-credentials")["ProductFields"]["rampart/detect/Count"],
      "1");
  EXPECT_EQ(findings.size(), 2u);
}

// A private address that an IAM user also calls from is most likely one host, such as a jump
// host, where a person's own keys and the instance's credentials both belong.
TEST(InstanceCredentialDetector, SharedPrivateAddressIsNotReported) {
  LogEvent own = InstanceRoleCall("10.0.3.17", "ListBuckets", 60);
  own.user_agent = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64";
  LogEvent person = own;
  person.principal = "arn:aws:iam::123456789012:user/alice";
  person.principal_type = "IAMUser";
  EXPECT_TRUE(FindingsByGenerator({person, own}).empty());
}

TEST(ImageRepository, StripsTagAndRegistry) {
  EXPECT_EQ(ImageRepository("nginx"), "nginx");
  EXPECT_EQ(ImageRepository("nginx:1.25"), "nginx");
  EXPECT_EQ(ImageRepository("docker.io/library/nginx:latest"), "nginx");
  EXPECT_EQ(ImageRepository("registry.example.com:5000/team/app@sha256:abc"),
            "registry.example.com:5000/team/app");
}

}  // namespace
}  // namespace rampart::detect
