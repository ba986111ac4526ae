#include <set>
#include <string>

#include <gtest/gtest.h>

#include "finding/validate.h"
#include "ingest/more_readers.h"
#include "ingest/more_readers_test_util.h"

namespace rampart::ingest {
namespace {

using testing::ReadAll;
using testing::RejectedText;
using testing::ReportFromJson;

// Alerts in the shape that Falco's json_output writes (falco.org, "Output Channels" and "Rule
// fields"). The first is a syscall alert in a Kubernetes container, the second one on the
// host, and the third comes from the Kubernetes audit source. The third lacks hostname,
// source and tags, as older Falco releases wrote alerts.
constexpr std::string_view kContainerAlert =
    R"json({"hostname":"worker-1","output":"22:20:05.408091526: Warning Sensitive file opened for reading by non-trusted program (user=root command=cat /etc/shadow file=/etc/shadow container_id=3ad7b26ded6d image=nginx)","output_fields":{"container.id":"3ad7b26ded6d","container.image.repository":"registry.example/web","container.image.tag":"1.25","container.name":"web","evt.time":1700000405408091526,"fd.name":"/etc/shadow","k8s.ns.name":"payments","k8s.pod.name":"web-7d9f","proc.cmdline":"cat /etc/shadow","proc.exepath":"/usr/bin/cat","proc.name":"cat","proc.pid":4242,"proc.ppid":4200,"user.name":"root"},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":["container","filesystem","mitre_credential_access","T1555"],"time":"2023-11-14T22:20:05.408091526Z"})json";
constexpr std::string_view kHostAlert =
    R"json({"hostname":"bastion","output":"22:21:00.000000001: Error File below a known binary directory opened for writing (user=root command=touch /usr/bin/updater file=/usr/bin/updater)","output_fields":{"container.id":"host","fd.name":"/usr/bin/updater","proc.cmdline":"touch /usr/bin/updater","proc.name":"touch","user.name":"root","k8s.pod.name":"<NA>"},"priority":"Error","rule":"Write below binary dir","source":"syscall","tags":["filesystem","mitre_persistence","mitre_command_and_control"],"time":"2023-11-14T22:21:00.000000001Z"})json";
constexpr std::string_view kAuditAlert =
    R"json({"output":"Attach/Exec to pod (user=alice pod=shell ns=default action=exec)","output_fields":{"ka.target.name":"shell","ka.target.namespace":"default","ka.target.resource":"pods","ka.user.name":"alice"},"priority":"Notice","rule":"Attach/Exec Pod","time":"2023-11-14T22:22:30.5Z"})json";

std::string Lines(std::initializer_list<std::string_view> lines) {
  std::string text;
  for (const std::string_view line : lines) {
    text.append(line);
    text.push_back('\n');
  }
  return text;
}

ReadResult ReadText(const std::string& text) {
  return ReadAll(*MakeFalcoReader(), Input{text, nullptr});
}

Json WithPriority(std::string_view priority) {
  Json alert = Json::parse(kHostAlert);
  alert["priority"] = priority;
  return alert;
}

TEST(FalcoReader, JsonLinesGiveOneFindingPerAlert) {
  const std::string text = Lines({kContainerAlert, "", kHostAlert, "   ", kAuditAlert});
  const auto reader = MakeFalcoReader();
  ASSERT_TRUE(reader->Detect(Input{text, nullptr}));
  const ReadResult result = ReadText(text);
  EXPECT_EQ(result.findings.size(), 3u);
  EXPECT_TRUE(result.rejected.empty()) << RejectedText(result);
  std::set<std::string> ids;
  for (const Json& finding : result.findings) {
    EXPECT_TRUE(finding::ValidateFinding(finding).empty());
    ids.insert(finding.at("Id").get<std::string>());
  }
  EXPECT_EQ(ids.size(), 3u);
}

TEST(FalcoReader, ContainerAlertMapsResourceProcessAndTypes) {
  const ReadResult result = ReadText(Lines({kContainerAlert}));
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding.at("Title"), "Read sensitive file untrusted");
  EXPECT_EQ(finding.at("GeneratorId"), "falco/Read sensitive file untrusted");
  EXPECT_EQ(finding.at("ProductArn"), "arn:aws:securityhub:eu-west-1::product/falcosecurity/falco");
  EXPECT_EQ(finding.at("Severity").at("Label"), "MEDIUM");
  EXPECT_EQ(finding.at("Severity").at("Original"), "Warning");
  EXPECT_EQ(finding.at("Types"), Json::array({"TTPs/Credential Access"}));
  EXPECT_EQ(finding.at("CreatedAt"), "2023-11-14T22:20:05.408Z");
  EXPECT_EQ(finding.at("FirstObservedAt"), finding.at("CreatedAt"));
  EXPECT_TRUE(finding.at("Description")
                  .get<std::string>()
                  .starts_with("22:20:05.408091526: Warning Sensitive file opened"));

  const Json& resource = finding.at("Resources")[0];
  EXPECT_EQ(resource.at("Type"), "Container");
  EXPECT_EQ(resource.at("Id"), "3ad7b26ded6d");
  EXPECT_EQ(resource.at("Details").at("Container").at("Name"), "web");
  EXPECT_EQ(resource.at("Details").at("Container").at("ImageName"), "registry.example/web:1.25");
  EXPECT_EQ(resource.at("Details").at("Other").at("KubernetesNamespace"), "payments");
  EXPECT_EQ(resource.at("Details").at("Other").at("KubernetesPod"), "web-7d9f");

  const Json& process = finding.at("Process");
  EXPECT_EQ(process.at("Name"), "cat");
  EXPECT_EQ(process.at("Path"), "/usr/bin/cat");
  EXPECT_EQ(process.at("Pid"), 4242);
  EXPECT_EQ(process.at("ParentPid"), 4200);
  EXPECT_EQ(finding.at("ProductFields").at("falco/output_fields/fd.name"), "/etc/shadow");
  EXPECT_EQ(finding.at("ProductFields").at("falco/hostname"), "worker-1");
  EXPECT_EQ(finding.at("ProductFields").at("falco/tags"),
            "container,filesystem,mitre_credential_access,T1555");
}

TEST(FalcoReader, HostAlertUsesHostResource) {
  const ReadResult result = ReadText(Lines({kHostAlert}));
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding.at("Resources")[0].at("Type"), "Other");
  EXPECT_EQ(finding.at("Resources")[0].at("Id"), "host/bastion");
  EXPECT_EQ(finding.at("Types"), Json::array({"TTPs/Persistence", "TTPs/Command and Control"}));
  EXPECT_EQ(finding.at("Severity").at("Label"), "HIGH");
}

TEST(FalcoReader, AuditAlertUsesKubernetesObject) {
  const ReadResult result = ReadText(Lines({kAuditAlert}));
  ASSERT_EQ(result.findings.size(), 1u);
  const Json& finding = result.findings[0];
  EXPECT_EQ(finding.at("Resources")[0].at("Id"), "kubernetes/pods/default/shell");
  EXPECT_EQ(finding.at("Severity").at("Label"), "LOW");
  EXPECT_EQ(finding.at("CreatedAt"), "2023-11-14T22:22:30.500Z");
  // Without tags and source, the alert is taken as a syscall alert on the host.
  EXPECT_EQ(finding.at("Types"), Json::array({"Unusual Behaviors/Process"}));
}

TEST(FalcoReader, PriorityMapping) {
  const std::pair<std::string, std::string> cases[] = {
      {"Emergency", "CRITICAL"}, {"Alert", "CRITICAL"},      {"Critical", "CRITICAL"},
      {"Error", "HIGH"},         {"Warning", "MEDIUM"},      {"Notice", "LOW"},
      {"Informational", "LOW"},  {"Debug", "INFORMATIONAL"}, {"WARNING", "MEDIUM"}};
  for (const auto& [priority, label] : cases) {
    SCOPED_TRACE(priority);
    const ReadResult result = ReadText(WithPriority(priority).dump() + "\n");
    ASSERT_EQ(result.findings.size(), 1u) << RejectedText(result);
    EXPECT_EQ(result.findings[0].at("Severity").at("Label"), label);
  }
}

TEST(FalcoReader, BadLinesAreRejectedAndOthersKept) {
  const std::string text = Lines({kContainerAlert, "{\"rule\": \"broken", R"({"hello": 1})",
                                  WithPriority("Loud").dump(), kHostAlert});
  const ReadResult result = ReadText(text);
  EXPECT_EQ(result.findings.size(), 2u);
  ASSERT_EQ(result.rejected.size(), 3u);
  EXPECT_EQ(result.rejected[0].path, "line 2");
  EXPECT_EQ(result.rejected[0].message.rfind("invalid JSON at line 2, column ", 0), 0u)
      << result.rejected[0].message;
  EXPECT_EQ(result.rejected[1].path, "line 3");
  EXPECT_NE(result.rejected[1].message.find("not a Falco alert"), std::string::npos);
  EXPECT_EQ(result.rejected[2].path, "line 4");
  EXPECT_NE(result.rejected[2].message.find("priority \"Loud\""), std::string::npos);
}

// Each message names its line once, and never the file, which the caller prints before it.
TEST(FalcoReader, RejectionsNameLineOnce) {
  const std::string text = Lines(
      {kContainerAlert, "{\"rule\": \"broken", R"({"hello": 1})", WithPriority("Loud").dump()});
  const ReadResult result = ReadText(text);
  ASSERT_EQ(result.rejected.size(), 3u);
  for (const Rejected& rejected : result.rejected) {
    EXPECT_EQ(rejected.message.find("test-report.json"), std::string::npos) << rejected.message;
    const std::size_t first = rejected.message.find(rejected.path);
    ASSERT_NE(first, std::string::npos) << rejected.message;
    EXPECT_EQ(rejected.message.find(rejected.path, first + 1), std::string::npos)
        << rejected.message;
  }
  EXPECT_EQ(result.rejected[1].message.rfind("line 3: not a Falco alert", 0), 0u)
      << result.rejected[1].message;
  EXPECT_EQ(result.rejected[2].message.rfind("line 4: priority \"Loud\"", 0), 0u)
      << result.rejected[2].message;
}

TEST(FalcoReader, SameLogGivesSameIds) {
  const std::string text = Lines({kContainerAlert, kHostAlert});
  const ReadResult first = ReadText(text);
  const ReadResult second = ReadText(text);
  ASSERT_EQ(first.findings.size(), 2u);
  ASSERT_EQ(second.findings.size(), 2u);
  EXPECT_EQ(first.findings[0].at("Id"), second.findings[0].at("Id"));
  EXPECT_EQ(first.findings[1].at("Id"), second.findings[1].at("Id"));

  Json later = Json::parse(kHostAlert);
  later["time"] = "2023-11-14T22:25:00Z";
  const ReadResult other = ReadText(later.dump() + "\n");
  ASSERT_EQ(other.findings.size(), 1u);
  EXPECT_NE(other.findings[0].at("Id"), first.findings[1].at("Id"));
}

TEST(FalcoReader, SingleAlertParsedAsDocumentIsRead) {
  const auto report = ReportFromJson(Json::parse(kContainerAlert));
  const auto reader = MakeFalcoReader();
  ASSERT_TRUE(reader->Detect(report.AsInput()));
  const ReadResult result = ReadAll(*reader, report.AsInput());
  ASSERT_EQ(result.findings.size(), 1u);
  // The Id does not depend on whether the alert came as a document or as a line.
  EXPECT_EQ(result.findings[0].at("Id"), ReadText(Lines({kContainerAlert})).findings[0].at("Id"));
}

TEST(FalcoReader, OtherTextIsNotFalco) {
  const auto reader = MakeFalcoReader();
  for (const std::string text :
       {"", "\n\n", "10:20:05.408091526: Warning Sensitive file opened", "id;title;status\n",
        R"({"Controls": []})", R"({"rule": "r", "priority": "Warning"})"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(reader->Detect(Input{text, nullptr}));
  }
  const std::string plain = "Falco initialized\n";
  ReadResult result;
  const Status status = reader->Read(Input{plain, nullptr}, testing::TestOptions(), result);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("json_output"), std::string::npos);
}

}  // namespace
}  // namespace rampart::ingest
