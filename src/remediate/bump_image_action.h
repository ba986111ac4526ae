// The `gitops.bump-image` action: moves every manifest in a git repository that runs a
// finding's vulnerable image to a fixed tag or digest, as a commit on its own branch.
#pragma once

#include <memory>

#include "remediate/action.h"

namespace rampart::remediate {

// Parameters:
//   repository: PATH or URL       required; must be on the repositories allow-list
//   base: REF                     commit to start from; HEAD by default
//   paths: [PATH, ...]            folders or files to scan; the whole tree by default
//   image: REF                    the vulnerable image; taken from the finding by default
//   tag, digest                   the fixed version; or else
//   tag_from_finding: true        the tag in the finding's ProductFields
//                                 "rampart/vuln/FixedImageTag", which `rampart scan sbom
//                                 --image` records; or else
//   registry: {url, constraint, token_env, page_size}
//                                 picks the newest tag from the registry's tag list within
//                                 constraint "patch" (default), "minor" or "major"
//   branch_prefix: TEXT           "rampart/bump-image" by default
//   push: true, push_url: URL     push the branch (to origin for a cloned URL)
//   author_name, author_email     commit author
// The branch name comes from the finding's identity and the idempotency key, so a second run
// with the same key finds the branch and changes nothing. Rollback deletes the branch.
std::unique_ptr<Action> MakeBumpImageAction();

}  // namespace rampart::remediate
