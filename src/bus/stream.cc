#include "bus/stream.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/log.h"

namespace rampart::bus {
namespace {

std::int64_t Nanoseconds(std::chrono::seconds duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

std::string_view RetentionName(jsRetentionPolicy retention) {
  switch (retention) {
    case js_WorkQueuePolicy:
      return "work queue";
    case js_InterestPolicy:
      return "interest";
    case js_LimitsPolicy:
      break;
  }
  return "limits";
}

// Valid subject tokens and stream names: printable, no spaces, no wildcards, no dots.
bool IsPlainToken(std::string_view token) {
  if (token.empty()) {
    return false;
  }
  for (const char c : token) {
    if (c <= ' ' || c == 0x7f || c == '.' || c == '*' || c == '>') {
      return false;
    }
  }
  return true;
}

}  // namespace

Status ValidateStreamOptions(const StreamOptions& options) {
  if (!IsPlainToken(options.name) || options.name.find_first_of("/\\") != std::string::npos) {
    return InvalidArgument(fmt::format(
        "stream name \"{}\" is invalid; use letters, digits, '-' and '_', such as RAMPART_EVENTS",
        options.name));
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = options.subject_prefix.find('.', start);
    const std::string_view token = std::string_view(options.subject_prefix)
                                       .substr(start, dot == std::string::npos ? dot : dot - start);
    if (!IsPlainToken(token)) {
      return InvalidArgument(fmt::format(
          "subject prefix \"{}\" is invalid; use dot-separated tokens without spaces or "
          "wildcards, such as rampart.events",
          options.subject_prefix));
    }
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  if (options.duplicate_window.count() <= 0) {
    return InvalidArgument(
        fmt::format("duplicate window {} s must be positive", options.duplicate_window.count()));
  }
  if (options.max_age.count() < 0) {
    return InvalidArgument(
        fmt::format("max age {} s must be 0 (no limit) or positive", options.max_age.count()));
  }
  return Status::Ok();
}

StreamOptions StoreStream(StreamOptions options, std::string_view store_identity) {
  const std::string id(store_identity.substr(0, 12));
  std::string upper = id;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  options.name += "_" + upper;
  options.subject_prefix = "rampart." + id + ".events";
  return options;
}

std::string StreamSubjects(const StreamOptions& options) { return options.subject_prefix + ".>"; }

std::string EventSubject(const StreamOptions& options, const Json& event) {
  std::string kind;
  const Json* detail_type = nullptr;
  if (event.is_object()) {
    auto found = event.find("detail-type");
    if (found != event.end() && found->is_string()) {
      detail_type = &*found;
    }
  }
  if (detail_type != nullptr) {
    for (const char c : detail_type->get_ref<const std::string&>()) {
      const auto byte = static_cast<unsigned char>(c);
      if (std::isalnum(byte) != 0 && byte < 0x80) {
        kind += static_cast<char>(std::tolower(byte));
      } else if (!kind.empty() && kind.back() != '-') {
        kind += '-';
      }
    }
    while (!kind.empty() && kind.back() == '-') {
      kind.pop_back();
    }
  }
  if (kind.empty()) {
    kind = "unknown";
  }
  return options.subject_prefix + "." + kind;
}

Status EnsureStream(Connection& connection, const StreamOptions& options) {
  RAMPART_RETURN_IF_ERROR(ValidateStreamOptions(options));
  const std::string subjects = StreamSubjects(options);
  const char* subject_list[] = {subjects.c_str()};
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = options.name.c_str();
  config.Subjects = subject_list;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.Retention =
      options.retention == StreamRetention::kWorkQueue ? js_WorkQueuePolicy : js_LimitsPolicy;
  config.Duplicates = Nanoseconds(options.duplicate_window);
  config.MaxAge = Nanoseconds(options.max_age);

  jsStreamInfo* info = nullptr;
  jsErrCode code = jsErrCode(0);
  natsStatus status =
      js_GetStreamInfo(&info, connection.jetstream(), options.name.c_str(), nullptr, &code);
  if (status == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
    status = js_AddStream(&info, connection.jetstream(), &config, nullptr, &code);
    if (status != NATS_OK) {
      return connection.Error(fmt::format("creating stream {}", options.name), status, code);
    }
    jsStreamInfo_Destroy(info);
    Logger("bus")->info("created stream {} on {} for {}", options.name, connection.url(), subjects);
    return Status::Ok();
  }
  if (status != NATS_OK) {
    return connection.Error(fmt::format("reading stream {}", options.name), status, code);
  }
  const jsRetentionPolicy existing = info->Config->Retention;
  jsStreamInfo_Destroy(info);
  if (existing != config.Retention) {
    return FailedPrecondition(fmt::format(
        "NATS {}: stream {} exists with {} retention, but {} was configured; JetStream cannot "
        "change retention, so delete the stream or configure {}",
        connection.url(), options.name, RetentionName(existing), RetentionName(config.Retention),
        RetentionName(existing)));
  }
  status = js_UpdateStream(&info, connection.jetstream(), &config, nullptr, &code);
  if (status != NATS_OK) {
    return connection.Error(fmt::format("updating stream {}", options.name), status, code);
  }
  jsStreamInfo_Destroy(info);
  return Status::Ok();
}

Result<StreamState> GetStreamState(Connection& connection, std::string_view stream) {
  const std::string name(stream);
  jsStreamInfo* info = nullptr;
  jsErrCode code = jsErrCode(0);
  const natsStatus status =
      js_GetStreamInfo(&info, connection.jetstream(), name.c_str(), nullptr, &code);
  if (status != NATS_OK) {
    return connection.Error(fmt::format("reading stream {}", name), status, code);
  }
  StreamState state{info->State.Msgs, info->State.FirstSeq, info->State.LastSeq};
  jsStreamInfo_Destroy(info);
  return state;
}

}  // namespace rampart::bus
