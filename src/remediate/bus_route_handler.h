// Routes events that arrive from the JetStream stream through the same EventRouter as the
// outbox dispatcher, so a remediation worker on another machine plans exactly what the
// in-process dispatcher would.
#pragma once

#include "bus/event_consumer.h"
#include "remediate/event_router.h"

namespace rampart::remediate {

// Returns a handler for bus::EventConsumer that routes each message through `router` and adds
// its counts to `report`. An event the router cannot read is kInvalidArgument, so the consumer
// terminates it. A planning failure is returned as it is, so the message comes again. The
// message is acknowledged only after its remediation records are written, and the engine's
// idempotency keys make a second delivery plan nothing new. `router` and `report` must
// outlive the handler, and the handler runs on the consumer's thread.
bus::MessageHandler MakeRouteHandler(EventRouter& router, DispatchReport& report);

}  // namespace rampart::remediate
