#include "detect/rule_detectors.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

#include <fmt/format.h>

namespace rampart::detect {
namespace {

std::string ResourceTypeOf(const std::string& arn) {
  if (arn.find(":assumed-role/") != std::string::npos || arn.find(":role/") != std::string::npos) {
    return "AwsIamRole";
  }
  if (arn.find(":user/") != std::string::npos) {
    return "AwsIamUser";
  }
  return "Other";
}

void Trim(std::deque<TimePoint>& times, TimePoint now, std::chrono::seconds window) {
  while (!times.empty() && times.front() <= now - window) {
    times.pop_front();
  }
}

// Returns a detection of `detector` about `entity`, observed from `first_seen` to the event,
// whose source address it carries.
Detection EventDetection(const LogEvent& event, std::string detector, std::string entity,
                         TimePoint first_seen) {
  Detection detection;
  detection.detector = std::move(detector);
  detection.entity = std::move(entity);
  detection.first_seen = first_seen;
  detection.last_seen = event.time;
  detection.source_ip = event.source_ip;
  return detection;
}

// Returns the accounts for a description: "a", "a and b", "a, b and c", and past
// kListedAccounts names "a, b, c, d, e and 3 more", so that it stays within ASFF's length.
std::string AccountList(const std::vector<std::string>& accounts) {
  constexpr std::size_t kListedAccounts = 5;
  const std::size_t listed = std::min(accounts.size(), kListedAccounts);
  std::string list;
  for (std::size_t i = 0; i < listed; ++i) {
    const bool last = i + 1 == accounts.size();
    list += i == 0 ? "" : (last ? " and " : ", ");
    list += accounts[i].empty() ? "an unnamed account" : accounts[i];
  }
  if (accounts.size() > listed) {
    list += fmt::format(" and {} more", accounts.size() - listed);
  }
  return list;
}

bool HasDesktopUserAgent(const LogEvent& event) {
  return event.user_agent.find("Darwin") != std::string::npos ||
         event.user_agent.find("Windows") != std::string::npos;
}

// Returns true when the top `bits` bits of the 4-byte big-endian `address` equal `prefix`'s.
bool InIpv4Block(const unsigned char* address, std::uint32_t prefix, int bits) {
  const std::uint32_t value = (std::uint32_t{address[0]} << 24) |
                              (std::uint32_t{address[1]} << 16) | (std::uint32_t{address[2]} << 8) |
                              std::uint32_t{address[3]};
  const std::uint32_t mask = ~std::uint32_t{0} << (32 - bits);
  return (value & mask) == prefix;
}

// Returns a detection about one call of an instance role session.
Detection RoleCallDetection(const LogEvent& event, std::string detector,
                            finding::SeverityLabel severity) {
  Detection detection = EventDetection(event, std::move(detector), event.principal, event.time);
  detection.severity = severity;
  detection.resource_type = "AwsIamRole";
  return detection;
}

// Reports a desktop user agent on instance credentials called from a private address. The
// finding is LOW because Windows and macOS instances send such agents themselves.
void ReportDesktopAgentInside(const LogEvent& event, FindingSet& findings) {
  Detection detection =
      RoleCallDetection(event, "instance-credential-desktop-agent", finding::SeverityLabel::kLow);
  detection.type =
      "Unusual Behaviors/User/Behavior:IAMUser-InstanceCredentialDesktopAgent.PrivateAddress";
  detection.title = "EC2 instance credentials used with a desktop user agent inside the network";
  detection.description = fmt::format(
      "{} called {} from the private address {} with the user agent \"{}\". Windows and macOS "
      "instances send such agents. If {} is not the instance's address, a workstation reaching "
      "AWS through a VPN, Direct Connect or a VPC endpoint holds the instance's credentials.",
      event.principal, event.action, event.source_ip, event.user_agent, event.source_ip);
  findings.Report(detection);
}

// Returns why a call counts as made outside AWS, for the finding's description.
std::string_view OutsideReason(bool desktop, bool from_people) {
  if (desktop && from_people) {
    return "an address people use, desktop user agent";
  }
  if (from_people) {
    return "an address people use";
  }
  return desktop ? "a desktop user agent" : "the session was used outside AWS before";
}

void ReportOutsideAws(const LogEvent& event, bool desktop, bool from_people, FindingSet& findings) {
  Detection detection =
      RoleCallDetection(event, "instance-credential-exfiltration", finding::SeverityLabel::kHigh);
  detection.type =
      "TTPs/Initial "
      "Access/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS";
  detection.title = "EC2 instance credentials used from outside their instance";
  detection.description = fmt::format(
      "{} called {} from {} ({}). Instance credentials are meant for the instance alone; "
      "revoke the role's sessions and check the instance for a server-side request "
      "forgery or metadata exposure.",
      event.principal, event.action, event.source_ip, OutsideReason(desktop, from_people));
  findings.Report(detection);
}

// Reports an S3 listing or download by a session already used outside AWS.
void ReportS3Use(const LogEvent& event, FindingSet& findings) {
  const bool listing = event.action == "ListBuckets" || event.action == "ListObjects" ||
                       event.action == "ListObjectsV2";
  const bool download = event.action == "GetObject";
  if (!listing && !download) {
    return;
  }
  Detection detection;
  detection.detector =
      download ? "s3-download-stolen-credentials" : "s3-listing-stolen-credentials";
  detection.entity = event.principal;
  detection.type = download
                       ? "Effects/Data Exfiltration/Exfiltration:S3-ObjectRead.StolenCredentials"
                       : "TTPs/Discovery/Discovery:S3-BucketEnumeration.StolenCredentials";
  detection.title = download ? "S3 objects downloaded with stolen instance credentials"
                             : "S3 buckets listed with stolen instance credentials";
  detection.description = fmt::format(
      "{} called {} on {} from {} after its credentials were used outside the instance.",
      event.principal, event.action, event.resource.empty() ? "the account" : event.resource,
      event.source_ip);
  detection.severity = download ? finding::SeverityLabel::kHigh : finding::SeverityLabel::kMedium;
  detection.first_seen = event.time;
  detection.last_seen = event.time;
  detection.source_ip = event.source_ip;
  detection.resource_type = "AwsS3Bucket";
  detection.resource_id =
      event.resource.empty() ? "arn:aws:s3:::*"
                             : "arn:aws:s3:::" + event.resource.substr(0, event.resource.find('/'));
  detection.fields["rampart/detect/LastObject"] = event.resource;
  findings.Report(detection);
}

}  // namespace

void EventRun::Add(TimePoint now, std::chrono::seconds window) {
  Trim(times, now, window);
  times.push_back(now);
  ++seen;
}

std::size_t EventRun::TakeUncounted() {
  const auto uncounted = static_cast<std::size_t>(seen - counted);
  counted = seen;
  return std::min(uncounted, times.size());
}

void BruteForceDetector::ReportSuccess(const LogEvent& event, const std::deque<TimePoint>& failures,
                                       FindingSet& findings) {
  std::vector<std::string>& accounts = accounts_[event.source_ip];
  if (std::find(accounts.begin(), accounts.end(), event.principal) == accounts.end()) {
    accounts.push_back(event.principal);
  }
  Detection detection =
      EventDetection(event, "ssh-brute-force-success", event.source_ip, failures.front());
  detection.type = "TTPs/Initial Access/UnauthorizedAccess:Host-SSHBruteForceSuccess.Threshold";
  detection.title = fmt::format("Login from {} succeeded after a brute force", event.source_ip);
  detection.description = fmt::format(
      "{} logged in as {} after {} failed logins within {} s. Check these accounts and the "
      "host for compromise.",
      event.source_ip, AccountList(accounts), failures.size(), options_.window.count());
  detection.severity = finding::SeverityLabel::kHigh;
  detection.resource_id = event.service + " " + event.principal;
  findings.Report(detection);
}

void BruteForceDetector::Add(const LogEvent& event, FindingSet& findings) {
  if (event.source_ip.empty() || (!event.failure && !event.login_success)) {
    return;
  }
  EventRun& failures = sources_[event.source_ip];
  if (event.login_success) {
    Trim(failures.times, event.time, options_.window);
    if (failures.times.size() >= options_.failures) {
      ReportSuccess(event, failures.times, findings);
    }
    return;
  }

  failures.Add(event.time, options_.window);
  if (failures.times.size() < options_.failures) {
    return;
  }
  Detection detection =
      EventDetection(event, "ssh-brute-force", event.source_ip, failures.times.front());
  detection.type = "TTPs/Credential Access/UnauthorizedAccess:Host-SSHBruteForce.Threshold";
  detection.title = fmt::format("Brute force of logins from {}", event.source_ip);
  detection.description = fmt::format(
      "{} failed {} or more logins within {} s (last as {}). Block the address if it is not "
      "expected.",
      event.source_ip, options_.failures, options_.window.count(), event.principal);
  detection.resource_id = event.service;
  detection.count = failures.TakeUncounted();
  findings.Report(detection);
}

Caller CallerOf(const LogEvent& event) {
  if (!event.principal.empty()) {
    return {event.principal, event.principal, ResourceTypeOf(event.principal), event.principal};
  }
  if (!event.access_key_id.empty()) {
    return {"access-key:" + event.access_key_id, "access key " + event.access_key_id,
            "AwsIamAccessKey", event.access_key_id};
  }
  if (!event.user_name.empty()) {
    const std::string type = event.principal_type.empty() ? "user" : event.principal_type;
    return {fmt::format("user:{}/{}", type, event.user_name),
            fmt::format("{} {}", type, event.user_name), "Other",
            fmt::format("{}/{}", type, event.user_name)};
  }
  if (!event.source_ip.empty()) {
    return {"source:" + event.source_ip,
            fmt::format("a caller without identity from {}", event.source_ip), "Other",
            event.source_ip};
  }
  return {"unidentified", "callers without identity or source address", "Other", "unidentified"};
}

void UnauthorizedCallsDetector::Add(const LogEvent& event, FindingSet& findings) {
  if (!event.failure) {
    return;
  }
  const Caller caller = CallerOf(event);
  EventRun& denied = denied_[caller.key];
  denied.Add(event.time, options_.window);
  if (denied.times.size() < options_.denied) {
    return;
  }
  Detection detection =
      EventDetection(event, "unauthorized-api-calls", caller.key, denied.times.front());
  detection.type = "TTPs/Discovery/Recon:IAMUser-UnauthorizedCalls.Burst";
  detection.title = fmt::format("Burst of denied API calls by {}", caller.name);
  detection.description = fmt::format(
      "{} received {} or more {} errors within {} s (last on {}). A stolen credential probing "
      "its permissions looks like this; review the caller's recent activity.",
      caller.name, options_.denied, event.error_code, options_.window.count(), event.action);
  detection.resource_type = caller.resource_type;
  detection.resource_id = caller.resource_id;
  detection.count = denied.TakeUncounted();
  findings.Report(detection);
}

bool IsInstanceCredential(const std::string& principal_type, const std::string& arn) {
  if (principal_type != "AssumedRole") {
    return false;
  }
  const std::size_t slash = arn.rfind('/');
  if (slash == std::string::npos || arn.compare(slash + 1, 2, "i-") != 0) {
    return false;
  }
  const std::string_view id = std::string_view(arn).substr(slash + 3);
  return id.size() >= 8 && id.size() <= 17 &&
         std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(c) != 0; });
}

namespace {

bool IsPrivateIpv4(const unsigned char* address) {
  return InIpv4Block(address, 0x0A000000, 8) ||   // 10.0.0.0/8
         InIpv4Block(address, 0xAC100000, 12) ||  // 172.16.0.0/12
         InIpv4Block(address, 0xC0A80000, 16) ||  // 192.168.0.0/16
         InIpv4Block(address, 0x64400000, 10);    // 100.64.0.0/10, shared address space
}

}  // namespace

bool IsAwsServiceName(const std::string& source) {
  constexpr std::string_view kSuffix = ".amazonaws.com";
  return source == "AWS Internal" ||
         (source.size() > kSuffix.size() &&
          source.compare(source.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0);
}

bool IsInsideAwsSource(const std::string& source) {
  if (IsAwsServiceName(source)) {
    return true;
  }
  unsigned char address[sizeof(in6_addr)];
  if (inet_pton(AF_INET, source.c_str(), address) == 1) {
    return IsPrivateIpv4(address);
  }
  if (inet_pton(AF_INET6, source.c_str(), address) == 1) {
    // An IPv4-mapped address (::ffff:a.b.c.d, RFC 4291 section 2.5.5.2) is the IPv4 address.
    constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::equal(std::begin(kMappedPrefix), std::end(kMappedPrefix), address)) {
      return IsPrivateIpv4(address + 12);
    }
    return (address[0] & 0xFE) == 0xFC;  // fc00::/7, unique local addresses
  }
  return false;
}

void InstanceCredentialDetector::Detect(const std::vector<LogEvent>& events,
                                        FindingSet& findings) const {
  std::set<std::string> people_addresses;
  for (const LogEvent& event : events) {
    if (event.principal_type == "IAMUser" || event.principal_type == "Root") {
      people_addresses.insert(event.source_ip);
    }
  }
  std::vector<const LogEvent*> ordered;
  for (const LogEvent& event : events) {
    ordered.push_back(&event);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const LogEvent* a, const LogEvent* b) { return a->time < b->time; });

  std::set<std::string> stolen;
  for (const LogEvent* event : ordered) {
    if (!IsInstanceCredential(event->principal_type, event->principal)) {
      continue;
    }
    const bool desktop = HasDesktopUserAgent(*event);
    if (IsInsideAwsSource(event->source_ip)) {
      if (desktop && !IsAwsServiceName(event->source_ip)) {
        ReportDesktopAgentInside(*event, findings);
      }
      continue;
    }
    const bool from_people = people_addresses.count(event->source_ip) != 0;
    if (desktop || from_people || stolen.count(event->principal) != 0) {
      stolen.insert(event->principal);
      ReportOutsideAws(*event, desktop, from_people, findings);
    }
    if (stolen.count(event->principal) != 0 && event->service == "s3.amazonaws.com") {
      ReportS3Use(*event, findings);
    }
  }
}

}  // namespace rampart::detect
