// Kubernetes strategic merge patch for the fields remediation touches: lists of containers,
// volumes, environment variables and ports merge by their key field, and everything else
// follows JSON merge patch (RFC 7386).
#pragma once

#include "core/json.h"

namespace rampart::remediate {

// Returns `target` with `patch` applied. Lists under containers, initContainers,
// ephemeralContainers, volumes, volumeMounts and env merge by "name", and ports by
// "containerPort"; an item whose "$patch" is "delete" is removed. Other lists are replaced.
// NOTE: the directives $retainKeys, $setElementOrder and $deleteFromPrimitiveList are not
// supported.
Json StrategicMerge(Json target, const Json& patch);

}  // namespace rampart::remediate
