#include "remediate/exec_action.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "remediate/params.h"
#include "remediate/subprocess.h"

namespace rampart::remediate {

namespace {

constexpr std::string_view kName = "exec";
constexpr int kExitTempFail = 75;  // EX_TEMPFAIL from sysexits.h

struct ExecParams {
  std::vector<std::string> argv;
  std::vector<std::string> environment;  // fixed "NAME=value" entries
  std::vector<std::string> inherit;
  std::optional<std::int64_t> timeout_seconds;
  std::optional<std::int64_t> max_output_bytes;
  std::string working_dir;
  bool sandbox = false;
  bool sandbox_network = false;
  std::vector<std::string> writable;
};

bool ValidEnvName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

Result<ExecParams> ParseParams(const Json& json) {
  Params params(json, kName);
  RAMPART_RETURN_IF_ERROR(
      params.CheckKeys({"argv", "env", "inherit_env", "timeout_seconds", "max_output_bytes",
                        "working_dir", "sandbox", "sandbox_network", "sandbox_writable"}));
  ExecParams parsed;
  REMEDIATE_ASSIGN_OR_RETURN(parsed.argv, params.StringList("argv", true));
  REMEDIATE_ASSIGN_OR_RETURN(parsed.inherit, params.StringList("inherit_env"));
  REMEDIATE_ASSIGN_OR_RETURN(const Json env, params.Object("env"));
  REMEDIATE_ASSIGN_OR_RETURN(parsed.timeout_seconds,
                             params.OptionalInteger("timeout_seconds", 1, 86400));
  REMEDIATE_ASSIGN_OR_RETURN(parsed.max_output_bytes,
                             params.OptionalInteger("max_output_bytes", 0, 64 << 20));
  REMEDIATE_ASSIGN_OR_RETURN(const auto working_dir, params.OptionalString("working_dir"));
  REMEDIATE_ASSIGN_OR_RETURN(parsed.sandbox, params.Bool("sandbox", false));
  REMEDIATE_ASSIGN_OR_RETURN(parsed.sandbox_network, params.Bool("sandbox_network", false));
  REMEDIATE_ASSIGN_OR_RETURN(parsed.writable, params.StringList("sandbox_writable"));
  parsed.working_dir = working_dir.value_or("");

  for (const std::string& name : parsed.inherit) {
    if (!ValidEnvName(name)) {
      return InvalidArgument(
          fmt::format("exec: inherit_env name '{}' is invalid; use letters, digits and '_'", name));
    }
  }

  for (const auto& [name, value] : env.items()) {
    if (!ValidEnvName(name) || !value.is_string()) {
      return InvalidArgument(
          fmt::format("exec: env entry '{}' must be a variable name with a string value", name));
    }
    parsed.environment.push_back(name + "=" + value.get<std::string>());
  }

  for (const std::string& path : parsed.writable) {
    if (path.empty() || path[0] != '/') {
      return InvalidArgument(
          fmt::format("exec: sandbox_writable path '{}' must be absolute", path));
    }
  }
  return parsed;
}

std::string DescribeExit(const ProcessResult& result) {
  if (result.timed_out) {
    return "timed out and was killed";
  }
  if (result.term_signal != 0) {
    return fmt::format("was ended by signal {}", result.term_signal);
  }
  return fmt::format("exited with status {}", result.exit_code);
}

std::string FormatOutput(const ProcessResult& result, std::size_t max_bytes) {
  std::string text = "stdout:\n" + result.stdout_text;
  if (result.stdout_dropped > 0) {
    text += fmt::format("\n[stdout cut: {} more bytes]", result.stdout_dropped);
  }
  text += "\nstderr:\n" + result.stderr_text;
  if (result.stderr_dropped > 0) {
    text += fmt::format("\n[stderr cut: {} more bytes]", result.stderr_dropped);
  }
  return BoundOutput(std::move(text), 2 * max_bytes + 64);
}

class ExecAction final : public Action {
 public:
  std::string_view Name() const override { return kName; }

  Status Validate(const Json& params) const override {
    auto parsed = ParseParams(params);
    return parsed.has_value() ? Status::Ok() : parsed.status();
  }

  Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) override {
    auto parsed = ParseParams(request.params);
    if (!parsed) {
      return parsed.status();
    }
    const std::string path_list = context.environment("PATH").value_or("/usr/bin:/bin");
    auto program = FindExecutable(parsed->argv[0], path_list);
    if (!program) {
      return program.status().WithContext("exec");
    }
    ProcessOptions options;
    options.argv = parsed->argv;
    options.argv[0] = *program;
    if (parsed->sandbox) {
      options.argv =
          SandboxArgv(context.bwrap_path, options.argv, parsed->sandbox_network, parsed->writable);
    }
    options.environment = BuildEnvironment(*parsed, request, context);
    options.stdin_data = request.event.is_null() ? request.finding.dump() : request.event.dump();
    options.working_dir = parsed->working_dir;
    options.timeout = parsed->timeout_seconds
                          ? std::chrono::milliseconds(*parsed->timeout_seconds * 1000)
                          : context.timeout;
    options.max_output_bytes = parsed->max_output_bytes
                                   ? static_cast<std::size_t>(*parsed->max_output_bytes)
                                   : context.max_output_bytes;

    const std::string command = fmt::format("{}", fmt::join(options.argv, " "));
    ActionResult result;
    if (request.dry_run) {
      result.summary = fmt::format("would run {}", parsed->argv[0]);
      result.diff = "run: " + command + "\n";
      return result;
    }
    auto ran = RunProcess(options);
    if (!ran) {
      return ran.status().WithContext("exec");
    }
    return Finish(*ran, parsed->argv[0], options.max_output_bytes);
  }

 private:
  static std::vector<std::string> BuildEnvironment(const ExecParams& params,
                                                   const ActionRequest& request,
                                                   const ActionContext& context) {
    std::vector<std::string> environment;
    for (const std::string& name : params.inherit) {
      if (auto value = context.environment(name)) {
        environment.push_back(name + "=" + *value);
      }
    }
    environment.insert(environment.end(), params.environment.begin(), params.environment.end());
    environment.push_back("RAMPART_IDEMPOTENCY_KEY=" + request.idempotency_key);
    environment.push_back(std::string("RAMPART_ACTION=") + std::string(kName));
    return environment;
  }

  static Result<ActionResult> Finish(const ProcessResult& ran, const std::string& program,
                                     std::size_t max_bytes) {
    ActionResult result;
    result.output = FormatOutput(ran, max_bytes);
    if (ran.timed_out) {
      return Status(StatusCode::kDeadlineExceeded,
                    fmt::format("exec: {} {}", program, DescribeExit(ran)));
    }
    if (ran.term_signal != 0 || ran.exit_code != 0) {
      const StatusCode code = ran.exit_code == kExitTempFail ? StatusCode::kUnavailable
                                                             : StatusCode::kFailedPrecondition;
      const std::string tail = ran.stderr_text.size() > 2048
                                   ? ran.stderr_text.substr(ran.stderr_text.size() - 2048)
                                   : ran.stderr_text;
      return Status(code, fmt::format("exec: {} {}; stderr: {}", program, DescribeExit(ran), tail));
    }
    result.changed = true;
    result.summary = fmt::format("ran {}: exit status 0", program);
    return result;
  }
};

}  // namespace

std::vector<std::string> SandboxArgv(const std::string& bwrap_path,
                                     const std::vector<std::string>& argv, bool network,
                                     const std::vector<std::string>& writable) {
  std::vector<std::string> wrapped = {bwrap_path, "--unshare-all"};
  if (network) {
    wrapped.push_back("--share-net");
  }
  for (const char* arg : {"--die-with-parent", "--new-session", "--ro-bind", "/", "/", "--dev",
                          "/dev", "--proc", "/proc", "--tmpfs", "/tmp"}) {
    wrapped.push_back(arg);
  }
  for (const std::string& path : writable) {
    wrapped.insert(wrapped.end(), {"--bind", path, path});
  }
  wrapped.push_back("--");
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

std::unique_ptr<Action> MakeExecAction() { return std::make_unique<ExecAction>(); }

}  // namespace rampart::remediate
