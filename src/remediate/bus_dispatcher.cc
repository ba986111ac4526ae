#include "remediate/bus_dispatcher.h"

#include <fmt/format.h>

#include "core/log.h"
#include "remediate/bus_route_handler.h"
#include "store/event.h"

namespace rampart::remediate {
namespace {

// Returns the Id of a finding of an imported-findings event that `findings` does not contain,
// or "" when it contains them all or the event is of another kind. The store wrote each such event
// with its finding, so a missing finding means that the event comes from another store with
// the same identity, such as a copy of this database.
Result<std::string> ForeignFinding(store::FindingStore& findings, const Json& event) {
  if (StringOr(event, "detail-type") != store::kImportedDetailType) {
    return std::string();
  }
  const Json* list = FindPath(event, "detail.findings");
  if (list == nullptr || !list->is_array()) {
    return std::string();
  }
  for (const Json& finding : *list) {
    const std::string id = StringOr(finding, "Id");
    auto stored = findings.Get({StringOr(finding, "ProductArn"), id});
    if (!stored) {
      return stored.status();
    }
    if (!stored->has_value()) {
      return id;
    }
  }
  return std::string();
}

}  // namespace

Result<std::unique_ptr<BusDispatcher>> BusDispatcher::Open(const std::string& url,
                                                           store::FindingStore& findings,
                                                           const pattern::Matcher& matcher,
                                                           Engine& engine, EventEnricher* enricher,
                                                           BusDispatcherOptions options) {
  std::unique_ptr<BusDispatcher> dispatcher(new BusDispatcher(findings, matcher, engine, enricher));
  auto identity = findings.Identity();
  if (!identity) {
    return identity.status();
  }
  options.stream = bus::StoreStream(options.stream, *identity);
  auto connection = bus::Connection::Open(url, options.connect);
  if (!connection) {
    return connection.status();
  }
  dispatcher->connection_ = std::move(*connection);
  dispatcher->stream_ = options.stream;
  dispatcher->consumer_options_ = options.consumer;
  RAMPART_RETURN_IF_ERROR(bus::EnsureStream(*dispatcher->connection_, options.stream));
  dispatcher->publisher_ = std::make_unique<bus::OutboxPublisher>(
      findings, *dispatcher->connection_, options.stream, options.publisher);
  auto consumer = bus::EventConsumer::Create(*dispatcher->connection_, options.stream,
                                             options.consumer, dispatcher->Handler());
  if (!consumer) {
    return consumer.status();
  }
  dispatcher->consumer_ = std::move(*consumer);
  return dispatcher;
}

Result<DispatchReport> BusDispatcher::DispatchOnce(std::size_t limit) {
  auto published = publisher_->PublishOnce(limit);
  if (!published) {
    if (!Recreate().ok()) {
      return published.status();
    }
    published = publisher_->PublishOnce(limit);
    if (!published) {
      return published.status();
    }
  }
  report_ = DispatchReport();
  auto consumed = consumer_->ConsumeOnce();
  if (!consumed) {
    if (!Recreate().ok()) {
      return consumed.status();
    }
    report_ = DispatchReport();
    consumed = consumer_->ConsumeOnce();
    if (!consumed) {
      return consumed.status();
    }
  }
  return std::move(report_);
}

Status BusDispatcher::Recreate() {
  if (!connection_->connected()) {
    return Unavailable("not connected");  // an outage: the stream is still on the server
  }
  RAMPART_RETURN_IF_ERROR(bus::EnsureStream(*connection_, stream_));
  auto consumer = bus::EventConsumer::Create(*connection_, stream_, consumer_options_, Handler());
  if (!consumer) {
    return consumer.status();
  }
  consumer_ = std::move(*consumer);
  Logger("bus")->warn("created stream {} and its durable consumer again on {}", stream_.name,
                      connection_->url());
  return Status::Ok();
}

bus::MessageHandler BusDispatcher::Handler() {
  return [this, route = MakeRouteHandler(router_, report_)](const bus::Message& message) -> Status {
    auto foreign = ForeignFinding(findings_, message.event);
    if (!foreign) {
      return foreign.status();  // redelivered after the NAK delay
    }
    if (!foreign->empty()) {
      Logger("bus")->error(
          "event {} on stream {} names finding \"{}\", which this store does not contain: another "
          "store with the same identity uses the stream, such as a copy of this database; give "
          "the copy an identity of its own (docs/bus.md). The event is left for that store",
          message.msg_id, stream_.name, *foreign);
      return FailedPrecondition(fmt::format("event {} belongs to another store", message.msg_id));
    }
    return route(message);
  };
}

}  // namespace rampart::remediate
