#include "remediate/bus_route_handler.h"

#include <fmt/format.h>

namespace rampart::remediate {

bus::MessageHandler MakeRouteHandler(EventRouter& router, DispatchReport& report) {
  return [&router, &report](const bus::Message& message) -> Status {
    const std::string& event_id =
        message.msg_id.empty() ? fmt::format("at stream sequence {}", message.stream_sequence)
                               : message.msg_id;
    auto routed = router.Route(event_id, message.data, &message.event, report);
    if (!routed) {
      return routed.status();
    }
    if (*routed == RouteOutcome::kInvalid) {
      return InvalidArgument(fmt::format("event {} on {} cannot be matched against the rules",
                                         event_id, message.subject));
    }
    return Status::Ok();
  };
}

}  // namespace rampart::remediate
