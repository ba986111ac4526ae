#include "ingest/dom.h"

#include <algorithm>

#include <fmt/format.h>

namespace rampart::ingest {

namespace {

// The accessors below copy each value out with get(), which keeps GCC's dangling-pointer
// analysis quiet where value_unsafe() on a temporary result does not.
bool AsObject(simdjson::dom::element element, simdjson::dom::object& object) {
  return element.get_object().get(object) == simdjson::SUCCESS;
}

bool AsArray(simdjson::dom::element element, simdjson::dom::array& array) {
  return element.get_array().get(array) == simdjson::SUCCESS;
}

}  // namespace

Node Node::operator[](std::string_view key) const {
  simdjson::dom::object object;
  if (!present_ || !AsObject(element_, object)) {
    return Node();
  }
  simdjson::dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) {
    return Node();
  }
  return Node(value);
}

std::string_view Node::String() const {
  std::string_view text;
  if (!present_ || element_.get_string().get(text) != simdjson::SUCCESS) {
    return {};
  }
  return text;
}

std::optional<double> Node::Number() const {
  if (!IsNumber()) {
    return std::nullopt;
  }
  double value = 0;
  if (element_.get_double().get(value) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return value;
}

std::vector<Node> Node::Items() const {
  std::vector<Node> items;
  simdjson::dom::array array;
  if (!present_ || !AsArray(element_, array)) {
    return items;
  }
  items.reserve(array.size());
  for (const simdjson::dom::element child : array) {
    items.emplace_back(child);
  }
  return items;
}

std::size_t Node::Size() const {
  simdjson::dom::array array;
  simdjson::dom::object object;
  if (present_ && AsArray(element_, array)) {
    return array.size();
  }
  if (present_ && AsObject(element_, object)) {
    return object.size();
  }
  return 0;
}

std::vector<std::string_view> Node::Keys() const {
  std::vector<std::string_view> keys;
  simdjson::dom::object object;
  if (!present_ || !AsObject(element_, object)) {
    return keys;
  }
  for (const auto field : object) {
    keys.push_back(field.key);
  }
  return keys;
}

namespace {

template <typename T>
T ValueOf(simdjson::simdjson_result<T> result) {
  T value{};
  if (std::move(result).get(value) != simdjson::SUCCESS) {
    return T{};
  }
  return value;
}

Json ElementToJson(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT: {
      Json object = Json::object();
      simdjson::dom::object members;
      if (AsObject(element, members)) {
        for (const auto field : members) {
          // The last of duplicate keys wins, as in nlohmann's parser.
          object[std::string(field.key)] = ElementToJson(field.value);
        }
      }
      return object;
    }
    case simdjson::dom::element_type::ARRAY: {
      Json array = Json::array();
      simdjson::dom::array items;
      if (AsArray(element, items)) {
        array.get_ref<Json::array_t&>().reserve(items.size());
        for (const simdjson::dom::element child : items) {
          array.push_back(ElementToJson(child));
        }
      }
      return array;
    }
    case simdjson::dom::element_type::STRING:
      return Json(std::string(ValueOf(element.get_string())));
    case simdjson::dom::element_type::INT64:
      return Json(ValueOf(element.get_int64()));
    case simdjson::dom::element_type::UINT64:
      return Json(ValueOf(element.get_uint64()));
    case simdjson::dom::element_type::DOUBLE:
      return Json(ValueOf(element.get_double()));
    case simdjson::dom::element_type::BOOL:
      return Json(ValueOf(element.get_bool()));
    case simdjson::dom::element_type::NULL_VALUE:
      return Json(nullptr);
  }
  return Json(nullptr);
}

}  // namespace

Json Node::ToJson() const { return present_ ? ElementToJson(element_) : Json(); }

namespace {

// The parser that the last DomDocument of this thread gave back, if any.
thread_local std::unique_ptr<simdjson::dom::parser> spare_parser;

}  // namespace

DomDocument::DomDocument(std::size_t max_retained_capacity)
    : parser_(std::move(spare_parser)), max_retained_capacity_(max_retained_capacity) {
  if (parser_ == nullptr) {
    parser_ = std::make_unique<simdjson::dom::parser>();
  }
}

DomDocument::~DomDocument() {
  if (spare_parser == nullptr && parser_->capacity() <= max_retained_capacity_) {
    spare_parser = std::move(parser_);
  }
}

std::size_t DomDocument::SpareCapacity() {
  return spare_parser == nullptr ? 0 : spare_parser->capacity();
}

bool DomDocument::TryParse(std::string_view text) {
  // JSON text has no raw NUL byte, but simdjson stops reading at one and accepts what came
  // before it, so such a text is left to ParseJson, which rejects it.
  if (text.find('\0') != std::string_view::npos) {
    error_ = simdjson::UNESCAPED_CHARS;
    return false;
  }
  // A new parser gets the depth limit here; parse() then grows its capacity as needed and
  // keeps that limit.
  if (parser_->capacity() == 0 || parser_->max_depth() != kMaxDomDepth) {
    const std::size_t capacity = std::max<std::size_t>(text.size(), 64);
    error_ = parser_->allocate(capacity, kMaxDomDepth);
    if (error_ != simdjson::SUCCESS) {
      return false;
    }
  }
  error_ = parser_->parse(text.data(), text.size(), true).get(root_);
  return error_ == simdjson::SUCCESS;
}

Status DomDocument::Parse(std::string_view text, std::string_view source) {
  if (TryParse(text)) {
    return Status::Ok();
  }
  if (error_ == simdjson::MEMALLOC) {
    return ResourceExhausted(
        fmt::format("{}: cannot allocate a parser for {} bytes of JSON", source, text.size()));
  }
  // simdjson reports no position; nlohmann's parser does, so it explains the error.
  auto checked = ParseJson(text, source);
  if (!checked) {
    return checked.status();
  }
  return InvalidArgument(
      fmt::format("{}: the JSON cannot be read: {}", source, simdjson::error_message(error_)));
}

Result<Node> ResolveDom(const Input& input, std::string_view source, DomDocument& storage) {
  if (input.dom != nullptr) {
    return Node(*input.dom);
  }
  RAMPART_RETURN_IF_ERROR(storage.Parse(input.text, source));
  return storage.root();
}

}  // namespace rampart::ingest
