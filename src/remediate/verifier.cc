#include "remediate/verifier.h"

#include <algorithm>

#include <fmt/format.h>

#include "remediate/subprocess.h"

namespace rampart::remediate {

namespace {

bool IsImageResource(const Json& resource) {
  const std::string type = StringOr(resource, "Type");
  return type == "Container" || type == "AwsEcrContainerImage";
}

// Returns an image reference without its tag or digest: "registry:5000/app:1.2" becomes
// "registry:5000/app".
std::string ImageRepository(std::string reference) {
  reference.resize(std::min(reference.find('@'), reference.size()));
  const auto colon = reference.rfind(':');
  const auto slash = reference.rfind('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    reference.resize(colon);
  }
  return reference;
}

// Returns the resource's id, for a container image without its tag or digest.
std::string SubjectOf(const Json& resource) {
  std::string id = StringOr(resource, "Id");
  return IsImageResource(resource) ? ImageRepository(std::move(id)) : id;
}

std::vector<std::string> SubjectsOf(const Json& finding) {
  std::vector<std::string> subjects;
  if (const Json* resources = FindPath(finding, "Resources");
      resources != nullptr && resources->is_array()) {
    for (const Json& resource : *resources) {
      subjects.push_back(SubjectOf(resource));
    }
  }
  return subjects;
}

std::string FirstPackage(const Json& finding) {
  const Json* vulnerabilities = FindPath(finding, "Vulnerabilities");
  if (vulnerabilities == nullptr || !vulnerabilities->is_array() || vulnerabilities->empty()) {
    return "";
  }
  const Json* packages = FindPath((*vulnerabilities)[0], "VulnerablePackages");
  if (packages == nullptr || !packages->is_array() || packages->empty()) {
    return "";
  }
  return StringOr((*packages)[0], "Name");
}

bool Shares(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& subject) {
    return std::find(b.begin(), b.end(), subject) != b.end();
  });
}

bool SameProblem(const Json& finding, const Json& candidate) {
  return StringOr(candidate, "ProductArn") == StringOr(finding, "ProductArn") &&
         StringOr(candidate, "GeneratorId") == StringOr(finding, "GeneratorId") &&
         FirstPackage(candidate) == FirstPackage(finding) &&
         StringOr(candidate, "RecordState") != "ARCHIVED";
}

}  // namespace

Result<bool> ProblemGone(const Json& finding, const VerifyScan& scan) {
  const std::string product_arn = StringOr(finding, "ProductArn");
  const std::string id = StringOr(finding, "Id");
  for (const Json& candidate : scan.findings) {
    if (StringOr(candidate, "ProductArn") != product_arn || StringOr(candidate, "Id") != id) {
      continue;
    }
    const Json* compliance = FindPath(candidate, "Compliance.Status");
    if (compliance != nullptr && *compliance == "PASSED") {
      return true;
    }
    return StringOr(candidate, "RecordState") == "ARCHIVED";
  }
  const std::vector<std::string> subjects = SubjectsOf(finding);
  bool covered = false;
  // A covered subject carries no resource type, so it is compared as written and as an
  // image repository.
  for (const std::string& subject : scan.subjects) {
    covered = covered || Shares(subjects, {subject, ImageRepository(subject)});
  }
  for (const Json& candidate : scan.findings) {
    if (!Shares(subjects, SubjectsOf(candidate))) {
      continue;
    }
    covered = true;
    if (SameProblem(finding, candidate)) {
      return false;
    }
  }
  if (!covered) {
    return FailedPrecondition(fmt::format(
        "the re-scan report does not scan {}, the resource of finding {}; point verify.report "
        "at a scan of that resource",
        subjects.empty() ? std::string("(no resource)") : subjects.front(), id));
  }
  return true;
}

Verifier MakeVerifier(ReportScanner scanner) {
  return [scanner = std::move(scanner)](const VerifySpec& spec, const Json& finding,
                                        const ActionContext& context) -> Result<bool> {
    if (!spec.command.empty()) {
      ProcessOptions options;
      options.argv = spec.command;
      // A program path, like every path of the configuration, is relative to its folder.
      if (options.argv[0].find('/') != std::string::npos) {
        options.argv[0] = ResolveLocalPath(context, options.argv[0]);
      }
      options.stdin_data = finding.dump();
      options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(spec.timeout);
      options.environment = {"PATH=/usr/local/bin:/usr/bin:/bin"};
      auto result = RunProcess(options);
      if (!result) {
        return result.status();
      }
      if (result->timed_out) {
        return Status(StatusCode::kDeadlineExceeded,
                      fmt::format("verify command {} timed out", spec.command[0]));
      }
      if (result->term_signal == 0 && (result->exit_code == 0 || result->exit_code == 1)) {
        return result->exit_code == 0;
      }
      return Internal(fmt::format("verify command {} ended with status {} signal {}: {}",
                                  spec.command[0], result->exit_code, result->term_signal,
                                  result->stderr_text.substr(0, 500)));
    }
    if (!scanner) {
      return FailedPrecondition("no report scanner is configured for verify.report");
    }
    auto findings = scanner(spec.report);
    if (!findings) {
      return findings.status();
    }
    return ProblemGone(finding, *findings);
  };
}

}  // namespace rampart::remediate
