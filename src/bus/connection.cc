#include "bus/connection.h"

#include <fmt/format.h>

#include "core/log.h"

namespace rampart::bus {
namespace {

// Frees natsOptions on every return path of Open.
struct OptionsDeleter {
  void operator()(natsOptions* options) const { natsOptions_Destroy(options); }
};

StatusCode CodeFor(natsStatus status) {
  switch (status) {
    case NATS_TIMEOUT:
      return StatusCode::kDeadlineExceeded;
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NO_RESPONDERS:
    case NATS_STALE_CONNECTION:
      return StatusCode::kUnavailable;
    case NATS_INVALID_ARG:
    case NATS_INVALID_SUBJECT:
    case NATS_MAX_PAYLOAD:
      return StatusCode::kInvalidArgument;
    case NATS_NOT_FOUND:
      return StatusCode::kNotFound;
    default:
      return StatusCode::kIoError;
  }
}

// The client calls these on its own thread, possibly after the Connection is gone, so they
// read only the natsConnection they are given.
void OnDisconnected(natsConnection* connection, void*) {
  if (!natsConnection_IsClosed(connection)) {
    Logger("bus")->warn("lost the connection to the NATS server; reconnecting");
  }
}

void OnReconnected(natsConnection* connection, void*) {
  char url[512] = {};
  natsConnection_GetConnectedUrl(connection, url, sizeof url);
  Logger("bus")->info("reconnected to {}", RedactUrl(url));
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  std::string result;
  std::size_t start = 0;
  while (start <= url.size()) {
    std::size_t end = url.find(',', start);
    if (end == std::string_view::npos) {
      end = url.size();
    }
    const std::string_view part = url.substr(start, end - start);
    if (start > 0) {
      result += ',';
    }
    // The last '@' ends the user information, because a password may contain '@'. The scheme
    // is kept only when no '@' comes before it, so nothing of a malformed URL's user
    // information shows.
    const std::size_t at = part.rfind('@');
    if (at == std::string_view::npos) {
      result += part;
    } else {
      const std::size_t scheme = part.find("://");
      if (scheme != std::string_view::npos && scheme < at &&
          part.substr(0, scheme).find('@') == std::string_view::npos) {
        result += part.substr(0, scheme + 3);
      }
      result += part.substr(at + 1);
    }
    start = end + 1;
  }
  return result;
}

Status NatsError(std::string_view url, std::string_view action, natsStatus status, jsErrCode code) {
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  std::string message =
      fmt::format("NATS {}: {} failed: {}", url, action, natsStatus_GetText(status));
  if (detail != nullptr && *detail != '\0' && last == status) {
    message += fmt::format(" ({})", RedactUrl(detail));
  }
  if (code != 0) {
    message += fmt::format(" [JetStream error {}]", static_cast<int>(code));
  }
  if (status == NATS_NO_SERVER) {
    message += "; check that nats-server runs at that address with JetStream enabled (-js)";
  }
  return Status(CodeFor(status), std::move(message));
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url,
                                                     const ConnectOptions& options) {
  std::unique_ptr<Connection> connection(new Connection(RedactUrl(url), options));
  natsOptions* raw_options = nullptr;
  natsStatus status = natsOptions_Create(&raw_options);
  std::unique_ptr<natsOptions, OptionsDeleter> nats_options(raw_options);
  if (status == NATS_OK) status = natsOptions_SetURL(raw_options, url.c_str());
  if (status == NATS_OK) status = natsOptions_SetName(raw_options, options.name.c_str());
  if (status == NATS_OK) {
    status = natsOptions_SetTimeout(raw_options, options.connect_timeout.count());
  }
  if (status == NATS_OK) status = natsOptions_SetMaxReconnect(raw_options, options.max_reconnect);
  if (status == NATS_OK) {
    status = natsOptions_SetReconnectWait(raw_options, options.reconnect_wait.count());
  }
  if (status == NATS_OK) {
    status = natsOptions_SetDisconnectedCB(raw_options, OnDisconnected, nullptr);
  }
  if (status == NATS_OK) {
    status = natsOptions_SetReconnectedCB(raw_options, OnReconnected, nullptr);
  }
  if (status != NATS_OK) {
    return NatsError(connection->url(), "setting connection options", status);
  }
  status = natsConnection_Connect(&connection->connection_, raw_options);
  if (status != NATS_OK) {
    return NatsError(connection->url(), "connect", status);
  }

  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options.request_timeout.count();
  status = natsConnection_JetStream(&connection->jetstream_, connection->connection_, &js_options);
  if (status != NATS_OK) {
    return NatsError(connection->url(), "opening the JetStream context", status);
  }
  Logger("bus")->info("connected to {}", connection->url());
  return connection;
}

Connection::~Connection() {
  if (jetstream_ != nullptr) {
    jsCtx_Destroy(jetstream_);
  }
  if (connection_ != nullptr) {
    natsConnection_Destroy(connection_);
  }
}

bool Connection::connected() const {
  return connection_ != nullptr && natsConnection_Status(connection_) == NATS_CONN_STATUS_CONNECTED;
}

Status Connection::Error(std::string_view action, natsStatus status, jsErrCode code) const {
  return NatsError(redacted_url_, action, status, code);
}

}  // namespace rampart::bus
