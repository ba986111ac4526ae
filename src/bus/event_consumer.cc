#include "bus/event_consumer.h"

#include <fmt/format.h>

#include "core/log.h"

namespace rampart::bus {
namespace {

std::int64_t Nanoseconds(std::chrono::milliseconds duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

Status ValidateConsumerOptions(const ConsumerOptions& options) {
  if (options.durable.empty() || options.durable.find_first_of(" \t.*>/\\") != std::string::npos) {
    return InvalidArgument(
        fmt::format("durable consumer name \"{}\" is invalid; use letters, digits, '-' and '_'",
                    options.durable));
  }
  if (options.ack_wait.count() <= 0 || options.fetch_timeout.count() <= 0 ||
      options.nak_delay.count() < 0) {
    return InvalidArgument("ack wait and fetch timeout must be positive, nak delay not negative");
  }
  if (options.max_deliver == 0 || options.max_deliver < -1) {
    return InvalidArgument(fmt::format(
        "max deliver {} is invalid; use a positive count or -1 for no limit", options.max_deliver));
  }
  if (options.batch <= 0) {
    return InvalidArgument(fmt::format("batch {} must be positive", options.batch));
  }
  return Status::Ok();
}

// Fills `message` from a delivered NATS message. Fails when the data is not a JSON object.
Status ReadMessage(natsMsg* raw, Message& message) {
  message.subject = natsMsg_GetSubject(raw);
  const char* data = natsMsg_GetData(raw);
  message.data.assign(data == nullptr ? "" : data,
                      static_cast<std::size_t>(natsMsg_GetDataLength(raw)));
  const char* msg_id = nullptr;
  if (natsMsgHeader_Get(raw, "Nats-Msg-Id", &msg_id) == NATS_OK && msg_id != nullptr) {
    message.msg_id = msg_id;
  }
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, raw) == NATS_OK) {
    message.stream_sequence = meta->Sequence.Stream;
    message.deliveries = meta->NumDelivered;
    jsMsgMetaData_Destroy(meta);
  }
  auto parsed = ParseJson(message.data, fmt::format("message {}", message.stream_sequence));
  if (!parsed) {
    return parsed.status();
  }
  if (!parsed->is_object()) {
    return InvalidArgument(fmt::format("message {} is not a JSON object but a {}",
                                       message.stream_sequence, parsed->type_name()));
  }
  message.event = std::move(*parsed);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<EventConsumer>> EventConsumer::Create(Connection& connection,
                                                             const StreamOptions& stream,
                                                             ConsumerOptions options,
                                                             MessageHandler handler) {
  RAMPART_RETURN_IF_ERROR(ValidateStreamOptions(stream));
  RAMPART_RETURN_IF_ERROR(ValidateConsumerOptions(options));
  std::unique_ptr<EventConsumer> consumer(
      new EventConsumer(connection, std::move(options), std::move(handler)));
  const ConsumerOptions& settings = consumer->options_;
  const std::string subjects = StreamSubjects(stream);

  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = settings.durable.c_str();
  config.AckPolicy = js_AckExplicit;
  config.AckWait = Nanoseconds(settings.ack_wait);
  config.MaxDeliver = settings.max_deliver;
  config.FilterSubject = subjects.c_str();
  config.DeliverPolicy = js_DeliverAll;

  jsConsumerInfo* info = nullptr;
  jsErrCode code = jsErrCode(0);
  natsStatus status =
      js_AddConsumer(&info, connection.jetstream(), stream.name.c_str(), &config, nullptr, &code);
  if (status != NATS_OK && code == JSConsumerNameExistErr) {
    status = js_UpdateConsumer(&info, connection.jetstream(), stream.name.c_str(), &config, nullptr,
                               &code);
  }
  if (status != NATS_OK) {
    return connection.Error(
        fmt::format("creating durable consumer {} on stream {}", settings.durable, stream.name),
        status, code);
  }
  jsConsumerInfo_Destroy(info);

  jsSubOptions subscribe_options;
  jsSubOptions_Init(&subscribe_options);
  subscribe_options.Stream = stream.name.c_str();
  subscribe_options.Consumer = settings.durable.c_str();
  subscribe_options.ManualAck = true;
  status = js_PullSubscribe(&consumer->subscription_, connection.jetstream(), subjects.c_str(),
                            settings.durable.c_str(), nullptr, &subscribe_options, &code);
  if (status != NATS_OK) {
    return connection.Error(fmt::format("subscribing to durable consumer {} on stream {}",
                                        settings.durable, stream.name),
                            status, code);
  }
  Logger("bus")->info("consuming stream {} through durable consumer {} on {}", stream.name,
                      settings.durable, connection.url());
  return consumer;
}

EventConsumer::~EventConsumer() {
  if (subscription_ != nullptr) {
    // Destroy keeps the durable consumer on the server, but Unsubscribe would delete it.
    natsSubscription_Destroy(subscription_);
  }
}

Result<ConsumeReport> EventConsumer::ConsumeOnce() {
  ConsumeReport report;
  natsMsgList list{nullptr, 0};
  jsErrCode code = jsErrCode(0);
  const natsStatus status = natsSubscription_Fetch(&list, subscription_, options_.batch,
                                                   options_.fetch_timeout.count(), &code);
  if (status == NATS_TIMEOUT) {
    return report;
  }
  if (status != NATS_OK) {
    return connection_.Error(fmt::format("fetching from durable consumer {}", options_.durable),
                             status, code);
  }
  for (int i = 0; i < list.Count; ++i) {
    report.fetched += 1;
    Handle(list.Msgs[i], report);
  }
  natsMsgList_Destroy(&list);
  return report;
}

void EventConsumer::Handle(natsMsg* raw, ConsumeReport& report) {
  Message message;
  Status handled = ReadMessage(raw, message);
  if (handled.ok()) {
    handled = handler_(message);
  }
  if (handled.ok()) {
    jsErrCode code = jsErrCode(0);
    const natsStatus acked = natsMsg_AckSync(raw, nullptr, &code);
    if (acked == NATS_OK) {
      report.acknowledged += 1;
      return;
    }
    report.ack_errors += 1;
    Logger("bus")->warn("acknowledging message {} (event {}) failed, so it comes again: {}",
                        message.stream_sequence, message.msg_id,
                        connection_.Error("ack", acked, code).ToString());
    return;
  }
  if (handled.code() == StatusCode::kInvalidArgument) {
    report.terminated += 1;
    Logger("bus")->error("message {} (event {}) on {} cannot be handled and is dropped: {}",
                         message.stream_sequence, message.msg_id, message.subject,
                         handled.ToString());
    if (natsMsg_Term(raw, nullptr) != NATS_OK) {
      Logger("bus")->warn("terminating message {} failed; it comes again after the ack wait",
                          message.stream_sequence);
    }
    return;
  }
  report.failed += 1;
  const bool last = options_.max_deliver > 0 &&
                    message.deliveries >= static_cast<std::uint64_t>(options_.max_deliver);
  if (last) {
    Logger("bus")->error(
        "message {} (event {}) failed on its last delivery ({} of {}) and is not delivered "
        "again: {}",
        message.stream_sequence, message.msg_id, message.deliveries, options_.max_deliver,
        handled.ToString());
  } else {
    Logger("bus")->warn("message {} (event {}) failed on delivery {}; retrying in {} ms: {}",
                        message.stream_sequence, message.msg_id, message.deliveries,
                        options_.nak_delay.count(), handled.ToString());
  }
  if (natsMsg_NakWithDelay(raw, options_.nak_delay.count(), nullptr) != NATS_OK) {
    Logger("bus")->warn("rejecting message {} failed; it comes again after the ack wait",
                        message.stream_sequence);
  }
}

}  // namespace rampart::bus
