// The `exec` action: runs a program from an argv list with the event on standard input.
#pragma once

#include <memory>

#include "remediate/action.h"

namespace rampart::remediate {

// Parameters:
//   argv: [program, args...]        required; never passed through a shell
//   env: {NAME: value}              fixed variables for the program
//   inherit_env: [NAME, ...]        variables copied from Rampart's own environment
//   timeout_seconds: N              per attempt; the default is the context's timeout
//   max_output_bytes: N             per stream; the default is the context's limit
//   working_dir: PATH
//   sandbox: true                   run inside bubblewrap (read-only root, private /tmp,
//                                   no network, own namespaces)
//   sandbox_network: true           keep the network inside the sandbox
//   sandbox_writable: [PATH, ...]   folders the sandboxed program may write
// The program also gets RAMPART_IDEMPOTENCY_KEY and RAMPART_ACTION; nothing else is inherited.
// A dry run reports the command without starting it. Exit status 75 (EX_TEMPFAIL) fails as
// unavailable, so the engine retries. Any other non-zero status fails as a failed
// precondition, with the end of standard error in the message.
std::unique_ptr<Action> MakeExecAction();

// Returns the argv that runs `argv` inside bubblewrap with the given options.
std::vector<std::string> SandboxArgv(const std::string& bwrap_path,
                                     const std::vector<std::string>& argv, bool network,
                                     const std::vector<std::string>& writable);

}  // namespace rampart::remediate
