#include "remediate/action.h"
#include "remediate/bump_image_action.h"
#include "remediate/exec_action.h"
#include "remediate/finding_update_action.h"
#include "remediate/harden_action.h"
#include "remediate/iam_actions.h"
#include "remediate/kube_actions.h"
#include "remediate/webhook_action.h"

namespace rampart::remediate {

std::unique_ptr<ActionRegistry> MakeBuiltinRegistry() {
  auto registry = std::make_unique<ActionRegistry>();
  for (auto* make :
       {&MakeExecAction, &MakeBumpImageAction, &MakeHardenAction, &MakeKubeJobAction,
        &MakeKubePatchAction, &MakeKubeSetImageAction, &MakeKubeScaleAction,
        &MakeKubeDeletePodAction, &MakeKubeIsolateAction, &MakeKubeRevokeRbacAction,
        &MakeIamRevokeSessionsAction, &MakeIamDeactivateAccessKeyAction,
        &MakeIamDetachRolePolicyAction, &MakeWebhookAction, &MakeFindingUpdateAction}) {
    // Built-in names are distinct (the registry test checks them), so this cannot fail.
    (void)registry->Register(make());
  }
  return registry;
}

}  // namespace rampart::remediate
