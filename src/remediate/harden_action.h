// The `gitops.harden` action: applies Pod Security fixes to a workload's manifests as minimal
// YAML edits, committed on their own branch.
#pragma once

#include <memory>

#include "remediate/action.h"

namespace rampart::remediate {

// Parameters: the repository parameters of gitops.bump-image (repository, base, paths,
// branch_prefix, push, push_url, author_name, author_email), and
//   fixes: [NAME, ...]            runAsNonRoot, allowPrivilegeEscalation, dropAllCapabilities,
//                                 readOnlyRootFilesystem, seccompProfile,
//                                 automountServiceAccountToken; all of them by default
//   workload: {kind, name, namespace}
//                                 the workload to fix; by default taken from the finding's
//                                 first resource (Details.Other kind/name/namespace, or an Id
//                                 of the form "Kind/namespace/name")
//   all_workloads: true           fix every workload under `paths` instead
//   scan_root: PATH               folder of the repository that the posture scan read
//
// A posture finding carries field patches in ProductFields "rampart/posture/FieldPatches".
// When the rule sets none of fixes, workload and all_workloads, the action applies exactly
// those patches to the manifest the finding names, so only the failed check is fixed.
std::unique_ptr<Action> MakeHardenAction();

}  // namespace rampart::remediate
