// Compliance standards: the names used in Compliance.RelatedRequirements and the --standard
// selections of the scan command.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::posture {

// The standards a scan can be limited to and the compliance summary scores.
enum class Standard { kPssBaseline, kPssRestricted, kCisKubernetes, kCisEks, kPciDss };

// Returns "pss-baseline", "pss-restricted", "cis", "cis-eks" or "pci-dss".
std::string_view StandardName(Standard standard);

// Parses the names above.
std::optional<Standard> ParseStandard(std::string_view name);

// Returns the standards in display order.
const std::vector<Standard>& AllStandards();

// A requirement as Security Hub writes it: "PCI DSS v4.0.1/8.6.2" is the control "8.6.2" of
// the standard "PCI DSS v4.0.1".
struct Requirement {
  Standard standard;
  std::string standard_text;  // "PCI DSS v4.0.1"
  std::string control;        // "8.6.2"
};

// Parses a requirement string. Recognises the prefixes "PSS baseline", "PSS restricted",
// "CIS Kubernetes", "CIS Amazon EKS" or "CIS EKS", and "PCI DSS", and the kube-bench form
// "cis-1.8 1.1.1" or "eks-1.8.0 4.1.1" (configuration, space, check number). Returns nullopt for
// others.
std::optional<Requirement> ParseRequirement(std::string_view text);

// True when a requirement counts towards `standard`. The restricted level of the Pod Security
// Standards includes every baseline control, and "cis" includes the CIS EKS benchmark items.
bool RequirementInStandard(const Requirement& requirement, Standard standard);

}  // namespace rampart::posture
