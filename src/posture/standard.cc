#include "posture/standard.h"

namespace rampart::posture {
namespace {

struct Prefix {
  std::string_view text;
  Standard standard;
};

constexpr Prefix kPrefixes[] = {
    {"PSS baseline", Standard::kPssBaseline},
    {"PSS restricted", Standard::kPssRestricted},
    {"CIS Kubernetes", Standard::kCisKubernetes},
    {"CIS Amazon EKS", Standard::kCisEks},
    {"CIS EKS", Standard::kCisEks},
    {"PCI DSS", Standard::kPciDss},
};

}  // namespace

std::string_view StandardName(Standard standard) {
  switch (standard) {
    case Standard::kPssBaseline:
      return "pss-baseline";
    case Standard::kPssRestricted:
      return "pss-restricted";
    case Standard::kCisKubernetes:
      return "cis";
    case Standard::kCisEks:
      return "cis-eks";
    case Standard::kPciDss:
      return "pci-dss";
  }
  return "unknown";
}

std::optional<Standard> ParseStandard(std::string_view name) {
  for (Standard standard : AllStandards()) {
    if (StandardName(standard) == name) {
      return standard;
    }
  }
  return std::nullopt;
}

const std::vector<Standard>& AllStandards() {
  static const std::vector<Standard> standards = {Standard::kPssBaseline, Standard::kPssRestricted,
                                                  Standard::kCisKubernetes, Standard::kCisEks,
                                                  Standard::kPciDss};
  return standards;
}

std::optional<Requirement> ParseRequirement(std::string_view text) {
  // kube-bench findings name the benchmark configuration and the check: "cis-1.8 1.1.1".
  const std::size_t space = text.find(' ');
  if (space != std::string_view::npos && space + 1 < text.size() &&
      text.find(' ', space + 1) == std::string_view::npos) {
    const std::string_view benchmark = text.substr(0, space);
    const std::string control(text.substr(space + 1));
    if (benchmark.substr(0, 4) == "cis-") {
      return Requirement{Standard::kCisKubernetes, std::string(benchmark), control};
    }
    if (benchmark.substr(0, 4) == "eks-") {
      return Requirement{Standard::kCisEks, std::string(benchmark), control};
    }
  }
  const std::size_t slash = text.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) {
    return std::nullopt;
  }
  const std::string_view standard_text = text.substr(0, slash);
  for (const Prefix& prefix : kPrefixes) {
    if (standard_text.substr(0, prefix.text.size()) == prefix.text) {
      return Requirement{prefix.standard, std::string(standard_text),
                         std::string(text.substr(slash + 1))};
    }
  }
  return std::nullopt;
}

bool RequirementInStandard(const Requirement& requirement, Standard standard) {
  if (requirement.standard == standard) {
    return true;
  }
  if (standard == Standard::kPssRestricted) {
    return requirement.standard == Standard::kPssBaseline;
  }
  if (standard == Standard::kCisKubernetes) {
    return requirement.standard == Standard::kCisEks;
  }
  return false;
}

}  // namespace rampart::posture
