// The `finding.update` action: sets a finding's workflow status, note or severity as a
// customer update, through the finding store the engine connects as ActionContext's
// finding_updater.
#pragma once

#include <memory>

#include "remediate/action.h"

namespace rampart::remediate {

// Parameters (at least one):
//   workflow_status: NEW | NOTIFIED | RESOLVED | SUPPRESSED
//   note: TEXT                    at most 512 characters, as ASFF Note.Text allows; may hold
//                                 `{{ path }}` placeholders filled from the finding or event
//   note_updated_by: TEXT         "rampart" by default
//   severity: INFORMATIONAL | LOW | MEDIUM | HIGH | CRITICAL
// A run that would change nothing returns changed = false without calling the store.
std::unique_ptr<Action> MakeFindingUpdateAction();

}  // namespace rampart::remediate
