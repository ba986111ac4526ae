#include "store/postgres_session.h"

#include "store/json_writer.h"

namespace rampart::store::postgres {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

}  // namespace

std::string StorableText(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  while (!text.empty()) {
    const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
    const unsigned char lead = begin[0];
    std::size_t length = 0;
    if (lead >= 0x80) {
      length = Utf8SequenceLength(begin, begin + text.size());
    } else if (lead != 0) {
      length = 1;
    }
    if (length == 0) {
      result += kReplacement;
      text.remove_prefix(1);
    } else {
      result += text.substr(0, length);
      text.remove_prefix(length);
    }
  }
  return result;
}

Result<std::unique_ptr<Session>> Session::Open(const std::string& url, std::string_view component,
                                               std::span<const Migration> migrations) {
  std::unique_ptr<Session> session(new Session(url));
  RAMPART_RETURN_IF_ERROR(session->Reconnect());
  RAMPART_RETURN_IF_ERROR(Migrate(*session->connection_, url, component, migrations));
  return session;
}

Status Session::Reconnect() {
  if (connection_ != nullptr && connection_->is_open()) {
    return Status::Ok();
  }
  auto connection = Connect(url_);
  if (!connection) {
    return connection.status();
  }
  connection_ = std::move(*connection);
  return Status::Ok();
}

}  // namespace rampart::store::postgres
