#include "remediate/bus_dispatcher.h"

#include "core/log.h"
#include "remediate/bus_route_handler.h"

namespace rampart::remediate {

Result<std::unique_ptr<BusDispatcher>> BusDispatcher::Open(const std::string& url,
                                                           store::FindingStore& findings,
                                                           const pattern::Matcher& matcher,
                                                           Engine& engine, EventEnricher* enricher,
                                                           BusDispatcherOptions options) {
  std::unique_ptr<BusDispatcher> dispatcher(new BusDispatcher(matcher, engine, enricher));
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
  auto consumer =
      bus::EventConsumer::Create(*dispatcher->connection_, options.stream, options.consumer,
                                 MakeRouteHandler(dispatcher->router_, dispatcher->report_));
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
  auto consumer = bus::EventConsumer::Create(*connection_, stream_, consumer_options_,
                                             MakeRouteHandler(router_, report_));
  if (!consumer) {
    return consumer.status();
  }
  consumer_ = std::move(*consumer);
  Logger("bus")->warn("created stream {} and its durable consumer again on {}", stream_.name,
                      connection_->url());
  return Status::Ok();
}

}  // namespace rampart::remediate
