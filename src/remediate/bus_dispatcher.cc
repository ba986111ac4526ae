#include "remediate/bus_dispatcher.h"

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
    return published.status();
  }
  report_ = DispatchReport();
  auto consumed = consumer_->ConsumeOnce();
  if (!consumed) {
    return consumed.status();
  }
  return std::move(report_);
}

}  // namespace rampart::remediate
