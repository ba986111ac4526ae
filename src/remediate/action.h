// The action interface that the remediation engine calls, and the context it passes in.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "net/host_allow_list.h"

namespace rampart::remediate {

// One run of an action for one finding. `params` are the rule target's parameters, already
// checked by Validate. With `dry_run` the action computes and returns the exact change
// without making it.
struct ActionRequest {
  Json finding;
  Json event;
  Json params;
  bool dry_run = true;
  std::string idempotency_key;
};

// The outcome of a run. `diff` is the change made, or the change a dry run would make. `output` is
// bounded by ActionContext::max_output_bytes. `rollback` is what Rollback needs, or null
// when the action cannot undo this run.
struct ActionResult {
  bool changed = false;
  std::string summary;
  std::string diff;
  std::string output;
  Json rollback;
};

// Targets an action may touch. An empty list allows nothing; "*" allows everything.
struct AllowLists {
  std::vector<std::string> namespaces;
  std::vector<std::string> repositories;  // local paths or clone URLs, exact or prefix "dir/*"
  std::vector<std::string> accounts;      // AWS account ids
  std::vector<std::string> hosts;         // host names or IP literals, "*.example.com" allowed
};

// Returns true when `value` matches an entry: exact, "*", or a trailing-"*" prefix.
bool AllowListed(const std::vector<std::string>& list, std::string_view value);
using net::HostAllowListed;

// Sets a finding's customer fields; the engine connects it to the finding store.
struct FindingUpdate {
  std::optional<std::string> workflow_status;
  std::optional<std::string> note_text;
  std::optional<std::string> note_updated_by;
  std::optional<std::string> severity_label;
};
using FindingUpdater = std::function<Status(const Json& finding, const FindingUpdate& update)>;

// Reads an environment variable; injected so that tests control credentials and paths.
using EnvironmentReader = std::function<std::optional<std::string>(std::string_view name)>;

// Returns the process environment reader.
EnvironmentReader ProcessEnvironment();

// Everything an action may use besides its request: time, limits, allow-lists and clients'
// settings. The engine builds one per run from the configuration and the rule's guardrails.
struct ActionContext {
  const Clock* clock = &DefaultClock();
  std::chrono::milliseconds timeout{30000};  // per attempt
  std::size_t max_output_bytes = 64 * 1024;
  AllowLists allow;
  EnvironmentReader environment = ProcessEnvironment();
  std::string work_dir = "/tmp";  // where clones and scratch files go
  // The folder that relative local paths of parameters (a repository, a kubeconfig, a verify
  // command's program) are read from: the configuration file's. Empty: the working directory.
  std::string base_dir;
  std::string bwrap_path = "/usr/bin/bwrap";
  std::string ca_file;  // extra CA bundle for HTTPS targets; empty uses the system store
  FindingUpdater finding_updater;
};

// Returns `path` resolved against context.base_dir; empty and absolute paths are unchanged.
std::string ResolveLocalPath(const ActionContext& context, const std::string& path);

// A remediation action. Implementations are stateless between runs and thread-compatible:
// one instance may serve several runs in sequence.
class Action {
 public:
  virtual ~Action() = default;

  // The name rules use in a target, such as "gitops.bump-image".
  virtual std::string_view Name() const = 0;

  // Checks the rule target's parameters; the error names the parameter and the fix.
  virtual Status Validate(const Json& params) const = 0;

  // Runs once for one finding. Errors use StatusCode::kDeadlineExceeded for a timeout,
  // kUnavailable for a target that could not be reached (worth a retry), kPermissionDenied
  // for a target outside the allow-lists, and kInvalidArgument for a finding the action
  // cannot act on.
  virtual Result<ActionResult> Run(const ActionRequest& request, const ActionContext& context) = 0;

  // Undoes a run from its result's `rollback`. The default reports that undo is unsupported.
  virtual Status Rollback(const ActionResult& result, const ActionContext& context);
};

// Actions by name.
class ActionRegistry {
 public:
  // Adds `action`; fails when an action of the same name is already registered.
  Status Register(std::unique_ptr<Action> action);

  // Returns the action called `name`, or nullptr.
  Action* Find(std::string_view name) const;

  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::unique_ptr<Action>, std::less<>> actions_;
};

// Returns a registry holding every built-in action.
std::unique_ptr<ActionRegistry> MakeBuiltinRegistry();

// Cuts `text` to at most `max_bytes`, marking the cut with a trailing note.
std::string BoundOutput(std::string text, std::size_t max_bytes);

}  // namespace rampart::remediate
