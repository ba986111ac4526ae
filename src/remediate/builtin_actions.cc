#include "remediate/action.h"
#include "remediate/exec_action.h"

namespace rampart::remediate {

std::unique_ptr<ActionRegistry> MakeBuiltinRegistry() {
  auto registry = std::make_unique<ActionRegistry>();
  for (auto* make : {&MakeExecAction}) {
    // Built-in names are distinct, so registration cannot fail.
    (void)registry->Register(make());
  }
  return registry;
}

}  // namespace rampart::remediate
