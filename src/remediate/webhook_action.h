// The `webhook` action: POSTs the event, or a template of it, to an allow-listed URL.
#pragma once

#include <memory>

#include "remediate/action.h"

namespace rampart::remediate {

// Parameters:
//   url: URL                      required; https, or http to a loopback address only; its
//                                 host must be on the hosts allow-list
//   template: VALUE               JSON sent instead of the event; its strings may hold
//                                 `{{ path }}` placeholders filled from the finding or event
//   headers: {NAME: VALUE}        fixed request headers
//   headers_from_env: {NAME: VAR} headers whose value is read from Rampart's environment, for
//                                 tokens that must not sit in the rule file
//   timeout_seconds: N
// The request carries "Idempotency-Key". A redirect is followed only to the same scheme, host
// and port, at most 3 times. A 2xx status succeeds, 429 and 5xx fail as unavailable (worth a
// retry), and other statuses fail as a failed precondition. Messages and the diff name the
// host but never the URL path or query, which often hold a secret.
std::unique_ptr<Action> MakeWebhookAction();

}  // namespace rampart::remediate
