#include "pattern/event_reader.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/json.h"

namespace rampart::pattern {
namespace {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

static_assert(EventReader::kPadding >= simdjson::SIMDJSON_PADDING);

// Nodes with more named children than this never stop early (the seen-set is one word).
constexpr std::size_t kMaxTrackedChildren = 64;

// Arrays nested deeper than this make the event invalid. The walk recurses once per level and
// the On Demand parser does not bound the nesting itself, so without a limit a long run of
// '[' overflows the stack. 1,024 is simdjson's default maximum depth for its DOM parser.
constexpr std::uint32_t kMaxArrayNesting = 1024;

// Reads an out-of-range number token (such as 1e400) as an infinity or zero, as strtod does.
double ReadOutOfRangeNumber(std::string_view token) {
  double value = 0;
  const auto result = std::from_chars(token.data(), token.data() + token.size(), value);
  if (result.ec == std::errc()) {
    return value;
  }
  const auto exponent = token.find_first_of("eE");
  const bool tiny = exponent != std::string_view::npos && exponent + 1 < token.size() &&
                    token[exponent + 1] == '-';
  if (tiny) {
    return 0.0;
  }
  const double infinity = std::numeric_limits<double>::infinity();
  return !token.empty() && token[0] == '-' ? -infinity : infinity;
}

class Walker {
 public:
  Walker(const PathTrie& paths, ValueSink& sink, std::vector<ChainNode>& chains, const char* end)
      : paths_(paths), sink_(sink), chains_(chains), end_(end) {}

  error_code WalkObject(ondemand::object object, std::uint32_t node, std::uint32_t chain);

 private:
  error_code WalkValue(ondemand::value value, std::uint32_t node, std::uint32_t chain);
  error_code WalkArray(ondemand::array array, std::uint32_t node, std::uint32_t chain);
  error_code EmitScalar(ondemand::value& value, ondemand::json_type type, FieldId field,
                        std::uint32_t chain);
  error_code FindChild(ondemand::field& field, std::uint32_t node, std::uint32_t& child,
                       std::uint32_t& position);

  const PathTrie& paths_;
  ValueSink& sink_;
  std::vector<ChainNode>& chains_;
  const char* end_;
  std::uint32_t next_array_ = 0;
  std::uint32_t array_depth_ = 0;
};

// Looks up a member name, unescaping it only when it contains a backslash.
error_code Walker::FindChild(ondemand::field& field, std::uint32_t node, std::uint32_t& child,
                             std::uint32_t& position) {
  const char* start = field.key().raw();
  const auto* quote = static_cast<const char*>(std::memchr(start, '"', end_ - start));
  if (quote == nullptr) {
    return simdjson::TAPE_ERROR;
  }
  std::string_view name(start, quote - start);
  if (name.find('\\') != std::string_view::npos || quote[-1] == '\\') {
    SIMDJSON_TRY(field.unescaped_key().get(name));
  }
  child = paths_.FindChild(node, name, &position);
  return simdjson::SUCCESS;
}

error_code Walker::WalkObject(ondemand::object object, std::uint32_t node, std::uint32_t chain) {
  const std::size_t wanted = paths_.node(node).children.size();
  const bool can_stop = wanted <= kMaxTrackedChildren;
  std::uint64_t seen = 0;
  std::size_t seen_count = 0;
  for (auto member : object) {
    ondemand::field field;
    SIMDJSON_TRY(std::move(member).get(field));
    std::uint32_t child = PathTrie::kMissing;
    std::uint32_t position = 0;
    SIMDJSON_TRY(FindChild(field, node, child, position));
    if (child == PathTrie::kMissing) {
      continue;  // On Demand skips the unread value when the loop advances
    }
    SIMDJSON_TRY(WalkValue(field.value(), child, chain));
    if (can_stop) {
      // NOTE: once every named member was read, the rest of the object is skipped, so a
      // later duplicate of a member name (which RFC 8259 leaves undefined) is ignored.
      if (!(seen & (1ULL << position))) {
        seen |= 1ULL << position;
        if (++seen_count == wanted) {
          break;
        }
      }
    }
  }
  return simdjson::SUCCESS;
}

error_code Walker::WalkValue(ondemand::value value, std::uint32_t node, std::uint32_t chain) {
  ondemand::json_type type;
  SIMDJSON_TRY(value.type().get(type));
  const PathTrie::Node& trie_node = paths_.node(node);
  if (type == ondemand::json_type::object) {
    if (trie_node.children.empty()) {
      return simdjson::SUCCESS;
    }
    ondemand::object object;
    SIMDJSON_TRY(value.get_object().get(object));
    return WalkObject(object, node, chain);
  }
  if (type == ondemand::json_type::array) {
    ondemand::array array;
    SIMDJSON_TRY(value.get_array().get(array));
    return WalkArray(array, node, chain);
  }
  if (trie_node.field == kNoField) {
    return simdjson::SUCCESS;
  }
  return EmitScalar(value, type, trie_node.field, chain);
}

error_code Walker::WalkArray(ondemand::array array, std::uint32_t node, std::uint32_t chain) {
  // An error ends the whole walk, so the early returns below need not restore the depth.
  if (++array_depth_ > kMaxArrayNesting) {
    return simdjson::DEPTH_ERROR;
  }
  const std::uint32_t array_number = next_array_++;
  std::uint32_t index = 0;
  const bool has_children = !paths_.node(node).children.empty();
  for (auto element : array) {
    ondemand::value value;
    SIMDJSON_TRY(std::move(element).get(value));
    ondemand::json_type type;
    SIMDJSON_TRY(value.type().get(type));
    const bool container =
        type == ondemand::json_type::object || type == ondemand::json_type::array;
    if (!container) {
      SIMDJSON_TRY(WalkValue(value, node, chain));
    } else if (has_children || type == ondemand::json_type::array) {
      chains_.push_back({chain, array_number, index});
      SIMDJSON_TRY(WalkValue(value, node, static_cast<std::uint32_t>(chains_.size() - 1)));
    }
    ++index;
  }
  --array_depth_;
  return simdjson::SUCCESS;
}

error_code Walker::EmitScalar(ondemand::value& value, ondemand::json_type type, FieldId field,
                              std::uint32_t chain) {
  EventValue event_value;
  switch (type) {
    case ondemand::json_type::string:
      event_value.type = ValueType::kString;
      SIMDJSON_TRY(value.get_string().get(event_value.text));
      break;
    case ondemand::json_type::number: {
      event_value.type = ValueType::kNumber;
      if (value.get_double().get(event_value.number) != simdjson::SUCCESS) {
        const std::string_view token = value.raw_json_token();
        event_value.number =
            ReadOutOfRangeNumber(token.substr(0, token.find_first_of(" \t\r\n,]}")));
      }
      event_value.number = event_value.number == 0 ? 0.0 : event_value.number;
      break;
    }
    case ondemand::json_type::boolean: {
      bool flag = false;
      SIMDJSON_TRY(value.get_bool().get(flag));
      event_value.type = flag ? ValueType::kTrue : ValueType::kFalse;
      break;
    }
    case ondemand::json_type::null: {
      bool is_null = false;
      SIMDJSON_TRY(value.is_null().get(is_null));
      if (!is_null) {
        return simdjson::N_ATOM_ERROR;
      }
      event_value.type = ValueType::kNull;
      break;
    }
    default:
      return simdjson::INCORRECT_TYPE;
  }
  sink_.OnValue(field, event_value, chain);
  return simdjson::SUCCESS;
}

Status ReadError(error_code error) {
  if (error == simdjson::DEPTH_ERROR) {
    return InvalidArgument(fmt::format(
        "invalid event JSON: arrays are nested more than {} deep; nest them less deeply",
        kMaxArrayNesting));
  }
  return InvalidArgument(fmt::format("invalid event JSON: {}; the event must be one JSON object",
                                     simdjson::error_message(error)));
}

}  // namespace

struct EventReader::Impl {
  ondemand::parser parser;
  simdjson::dom::parser validator;
  std::string padded;
};

EventReader::EventReader() : impl_(std::make_unique<Impl>()) {}
EventReader::~EventReader() = default;

Status EventReader::Read(std::string_view json, std::size_t capacity, const PathTrie& paths,
                         ValueSink& sink, std::vector<ChainNode>& chains) {
  chains.assign(1, ChainNode{});
  ondemand::document document;
  error_code error =
      impl_->parser.iterate(simdjson::padded_string_view(json.data(), json.size(), capacity))
          .get(document);
  if (error != simdjson::SUCCESS) {
    return ReadError(error);
  }
  ondemand::object root;
  if (document.get_object().get(root) != simdjson::SUCCESS) {
    return InvalidArgument(
        "the event is not a JSON object; an event is an object such as "
        "{\"source\": \"...\", \"detail\": {...}}");
  }
  Walker walker(paths, sink, chains, json.data() + json.size());
  error = walker.WalkObject(root, PathTrie::kRoot, 0);
  if (error != simdjson::SUCCESS) {
    return ReadError(error);
  }
  return Status::Ok();
}

Status EventReader::Read(std::string_view json, const PathTrie& paths, ValueSink& sink,
                         std::vector<ChainNode>& chains) {
  std::string& buffer = impl_->padded;
  buffer.reserve(json.size() + kPadding);
  buffer.assign(json.data(), json.size());
  return Read(buffer, buffer.capacity(), paths, sink, chains);
}

Status EventReader::Validate(std::string_view json) {
  simdjson::dom::element root;
  const error_code error = impl_->validator.parse(simdjson::padded_string(json)).get(root);
  if (error != simdjson::SUCCESS) {
    // simdjson names no position, so the text is parsed again for one.
    auto located = ParseJsonLine(json, 1);
    if (located) {
      return InvalidArgument(fmt::format("invalid event JSON: {}", simdjson::error_message(error)));
    }
    std::string message = located.status().message();
    constexpr std::string_view kInvalid = "invalid JSON";
    if (message.starts_with(kInvalid)) {
      message.replace(0, kInvalid.size(), "invalid event JSON");
    }
    return InvalidArgument(message);
  }
  if (!root.is_object()) {
    return InvalidArgument(
        "the event is not a JSON object; an event is an object such as "
        "{\"source\": \"...\", \"detail\": {...}}");
  }
  return Status::Ok();
}

}  // namespace rampart::pattern
