#include "remediate/verifier.h"

#include <fmt/format.h>

#include "remediate/subprocess.h"

namespace rampart::remediate {

bool ProblemGone(const Json& finding, const std::vector<Json>& findings) {
  const std::string product_arn = StringOr(finding, "ProductArn");
  const std::string id = StringOr(finding, "Id");
  for (const Json& candidate : findings) {
    if (StringOr(candidate, "ProductArn") != product_arn || StringOr(candidate, "Id") != id) {
      continue;
    }
    const Json* compliance = FindPath(candidate, "Compliance.Status");
    if (compliance != nullptr && *compliance == "PASSED") {
      return true;
    }
    return StringOr(candidate, "RecordState") == "ARCHIVED";
  }
  return true;
}

Verifier MakeVerifier(ReportScanner scanner) {
  return [scanner = std::move(scanner)](const VerifySpec& spec, const Json& finding,
                                        const ActionContext& context) -> Result<bool> {
    (void)context;
    if (!spec.command.empty()) {
      ProcessOptions options;
      options.argv = spec.command;
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
