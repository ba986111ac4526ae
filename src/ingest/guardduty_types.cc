#include "ingest/guardduty_types.h"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace rampart::ingest::detail {
namespace {

// GuardDuty types whose ASFF type follows none of the rules below.
constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kIrregular{{
    {"DefenseEvasion:EC2/UnusualDNSResolver", "TTPs/DefenseEvasion/EC2:Unusual-DNS-Resolver"},
    {"DefenseEvasion:EC2/UnusualDoHActivity", "TTPs/DefenseEvasion/EC2:Unusual-DoH-Activity"},
    {"DefenseEvasion:EC2/UnusualDoTActivity", "TTPs/DefenseEvasion/EC2:Unusual-DoT-Activity"},
    {"DefenseEvasion:Runtime/PtraceAntiDebugging",
     "TTPs/DefenseEvasion/DefenseEvasion:Runtime-PtraceAntiDebugging"},
    {"DefenseEvasion:Runtime/SuspiciousCommand",
     "TTPs/DefenseEvasion/DefenseEvasion:Runtime-SuspiciousCommand"},
    {"Discovery:RDS/MaliciousIPCaller", "TTPs/Discovery/RDS-MaliciousIPCaller"},
    {"Discovery:RDS/TorIPCaller", "TTPs/Discovery/RDS-TorIPCaller"},
    {"Policy:S3/BucketBlockPublicAccessDisabled",
     "Effects/Data Exposure/Policy:S3-BucketBlockPublicAccessDisabled"},
    {"PrivilegeEscalation:Runtime/SuspiciousCommand",
     "Software and Configuration Checks/PrivilegeEscalation:Runtime-SuspiciousCommand"},
    {"UnauthorizedAccess:IAMUser/ConsoleLogin",
     "Unusual Behaviors/User/UnauthorizedAccess:IAMUser-ConsoleLogin"},
    {"UnauthorizedAccess:IAMUser/TorIPCaller",
     "TTPs/Command and Control/UnauthorizedAccess:IAMUser-TorIPCaller"},
    {"UnauthorizedAccess:EC2/MaliciousIPCaller.Custom",
     "TTPs/Command and Control/UnauthorizedAccess:EC2-MaliciousIPCaller.Custom"},
    {"UnauthorizedAccess:Lambda/MaliciousIPCaller.Custom",
     "TTPs/Command and Control/UnauthorizedAccess:Lambda-MaliciousIPCaller.Custom"},
}};

// The ASFF namespace and category in front of most types of each threat purpose.
constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kPurposePrefix{{
    {"Backdoor", "TTPs/Command and Control/"},
    {"CredentialAccess", "TTPs/Credential Access/"},
    {"CryptoCurrency", "TTPs/Command and Control/"},
    {"DefenseEvasion", "TTPs/Defense Evasion/"},
    {"Discovery", "TTPs/Discovery/"},
    {"Execution", "TTPs/Execution/"},
    {"Exfiltration", "TTPs/Exfiltration/"},
    {"Impact", "TTPs/Impact/"},
    {"InitialAccess", "TTPs/Initial Access/"},
    {"Object", "TTPs/Object/"},
    {"Persistence", "TTPs/Persistence/"},
    {"PrivilegeEscalation", "TTPs/Privilege Escalation/"},
    {"Recon", "TTPs/Discovery/"},
    {"ResourceConsumption", "Unusual Behaviors/User/"},
    {"Stealth", "TTPs/Defense Evasion/"},
    {"Trojan", "TTPs/Command and Control/"},
}};

// The parts of a type name: Purpose:Resource/Family (Family includes the detection
// mechanism and artifact).
struct TypeParts {
  std::string_view purpose;
  std::string_view resource;
  std::string_view family;
};

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string_view PurposePrefix(std::string_view purpose) {
  for (const auto& [name, prefix] : kPurposePrefix) {
    if (name == purpose) {
      return prefix;
    }
  }
  return "TTPs/";
}

// Returns the prefix for UnauthorizedAccess types, which Security Hub sorts by family.
std::string_view UnauthorizedAccessPrefix(std::string_view family) {
  if (StartsWith(family, "TorClient") || StartsWith(family, "TorRelay")) {
    return "Effects/Resource Consumption/";
  }
  if (StartsWith(family, "SSHBruteForce") || StartsWith(family, "RDPBruteForce")) {
    return "TTPs/Initial Access/";
  }
  if (StartsWith(family, "InstanceCredentialExfiltration") ||
      StartsWith(family, "ResourceCredentialExfiltration")) {
    return "Effects/Data Exfiltration/";
  }
  return "TTPs/";
}

// Returns the prefix of a type that none of the per-resource rules covers.
std::string_view DefaultPrefix(const TypeParts& parts) {
  if (parts.purpose == "Behavior") {
    return parts.resource == "EC2" ? "Unusual Behaviors/VM/" : "Unusual Behaviors/User/";
  }
  if (parts.purpose == "UnauthorizedAccess") {
    return UnauthorizedAccessPrefix(parts.family);
  }
  if (parts.purpose == "Trojan" && StartsWith(parts.family, "DropPoint")) {
    return "Effects/Data Exfiltration/";
  }
  if (parts.purpose == "Trojan" && StartsWith(parts.family, "DriveBySourceTraffic")) {
    return "TTPs/Initial Access/";
  }
  if (parts.purpose == "Impact" && parts.resource == "EC2" &&
      parts.family.ends_with(".Reputation")) {
    return "TTPs/";
  }
  if (parts.purpose == "PenTest" || parts.purpose == "Policy") {
    return "TTPs/";
  }
  return PurposePrefix(parts.purpose);
}

std::string MapParsed(std::string_view type, const TypeParts& parts) {
  const std::string dashed = fmt::format("{}:{}-{}", parts.purpose, parts.resource, parts.family);
  constexpr std::string_view kAnomalous = "AnomalousBehavior";

  if (parts.purpose == "AttackSequence" ||
      (parts.purpose == "PenTest" && parts.resource == "IAMUser")) {
    return fmt::format("TTPs/{}", type);
  }
  if (StartsWith(parts.family, kAnomalous) && parts.resource == "IAMUser") {
    return fmt::format("{}IAMUser-AnomalousBehavior", PurposePrefix(parts.purpose));
  }
  if (StartsWith(parts.family, kAnomalous) && parts.resource == "Kubernetes") {
    std::string_view rest = parts.family.substr(kAnomalous.size());
    if (StartsWith(rest, ".")) {
      rest.remove_prefix(1);
    }
    return fmt::format("TTPs/AnomalousBehavior/{}:Kubernetes-{}", parts.purpose, rest);
  }
  if (parts.resource == "Kubernetes") {
    if (parts.purpose == "Policy") {
      return fmt::format("Software and Configuration Checks/AWS Security Best Practices/{}",
                         dashed);
    }
    return fmt::format("TTPs/{}/{}", parts.purpose, dashed);
  }
  if (parts.resource == "S3" && (parts.purpose == "Discovery" || parts.purpose == "Exfiltration" ||
                                 parts.purpose == "Impact")) {
    return fmt::format("TTPs/{}", dashed);
  }
  return fmt::format("{}{}", DefaultPrefix(parts), dashed);
}

}  // namespace

std::vector<std::string> AsffTypesForGuardDutyType(std::string_view type) {
  for (const auto& [guardduty_type, asff_type] : kIrregular) {
    if (guardduty_type == type) {
      return {std::string(asff_type)};
    }
  }
  if (type == "CryptoCurrency:Lambda/BitcoinTool.B") {
    return {"TTPs/Command and Control/CryptoCurrency:Lambda-BitcoinTool.B",
            "Effects/Resource Consumption/CryptoCurrency:Lambda-BitcoinTool.B"};
  }
  const auto colon = type.find(':');
  const auto slash = type.find('/', colon == std::string_view::npos ? 0 : colon);
  if (colon == std::string_view::npos || slash == std::string_view::npos || colon == 0) {
    // Not of the documented form; keep the text under the TTPs namespace.
    return {fmt::format("TTPs/{}", type.empty() ? "GuardDuty" : type)};
  }
  const TypeParts parts{type.substr(0, colon), type.substr(colon + 1, slash - colon - 1),
                        type.substr(slash + 1)};
  return {MapParsed(type, parts)};
}

}  // namespace rampart::ingest::detail
