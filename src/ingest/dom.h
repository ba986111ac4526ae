// Reading reports from simdjson's DOM: parsing with limits, and lookups that tolerate
// missing members so readers can walk optional structure without a check at every step.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/json.h"
#include "core/status.h"
#include "ingest/reader.h"

namespace rampart::ingest {

// Nesting allowed in a report: one level more than ParseJson's default, so a document
// within ParseJson's limit is never rejected here for its depth.
inline constexpr std::size_t kMaxDomDepth = 257;

// A JSON value in a simdjson DOM, or a missing one. Lookups on a missing value, a member of
// a non-object or a missing key return a missing Node; accessors then return empty values.
// A Node refers into its parser's document and is valid only while that parser lives.
class Node {
 public:
  Node() = default;
  explicit Node(simdjson::dom::element element) : element_(element), present_(true) {}

  bool present() const { return present_; }
  bool IsObject() const { return present_ && element_.is_object(); }
  bool IsArray() const { return present_ && element_.is_array(); }
  bool IsString() const { return present_ && element_.is_string(); }
  bool IsNumber() const { return present_ && element_.is_number(); }

  // Returns the member `key` of an object, or a missing Node.
  Node operator[](std::string_view key) const;

  // Returns the string, or "" when missing or not a string.
  std::string_view String() const;

  // Returns the number, or nothing when missing or not a number.
  std::optional<double> Number() const;

  // Returns the elements of an array, or none when missing or not an array.
  std::vector<Node> Items() const;

  // Returns the number of elements of an array or members of an object, else 0.
  std::size_t Size() const;

  // Returns the member names of an object in document order.
  std::vector<std::string_view> Keys() const;

  // Returns the value as an nlohmann document (Json() when missing).
  Json ToJson() const;

  simdjson::dom::element element() const { return element_; }

 private:
  simdjson::dom::element element_;
  bool present_ = false;
};

// A parsed report. It borrows the calling thread's spare simdjson parser when there is one
// and gives it back when destroyed, so a stream of reports reuses the parser's buffers
// instead of allocating and touching fresh memory for each. A parser grown past
// kMaxRetainedCapacity is freed instead of kept.
class DomDocument {
 public:
  static constexpr std::size_t kMaxRetainedCapacity = std::size_t{64} << 20;

  // Keeps the parser for the next document of this thread only while its capacity is at most
  // `max_retained_capacity` bytes of JSON. A parser takes more than ten bytes of memory per
  // byte of capacity (about 15 for a body of dense numbers), so a server with many threads
  // passes a small limit.
  explicit DomDocument(std::size_t max_retained_capacity = kMaxRetainedCapacity);
  ~DomDocument();
  DomDocument(const DomDocument&) = delete;
  DomDocument& operator=(const DomDocument&) = delete;

  // Parses `text`; on failure the error names `source` and, through ParseJson, the line and
  // column and what was wrong.
  Status Parse(std::string_view text, std::string_view source);
  // Parses `text` with simdjson alone: false, with no explanation, where Parse would fail,
  // and also for a NUL byte or integers beyond 64 bits, which ParseJson reads its own way.
  bool TryParse(std::string_view text);

  Node root() const { return Node(root_); }

  // The capacity of the parser this thread keeps for its next document, 0 when it keeps none.
  static std::size_t SpareCapacity();
  const simdjson::dom::element* root_element() const { return &root_; }

 private:
  std::unique_ptr<simdjson::dom::parser> parser_;
  std::size_t max_retained_capacity_;
  simdjson::error_code error_ = simdjson::SUCCESS;  // of the last TryParse
  simdjson::dom::element root_;
};

// Returns the input's value as a Node: `input.dom` when ReadReport parsed it, otherwise
// `input.text` parsed into `storage`.
Result<Node> ResolveDom(const Input& input, std::string_view source, DomDocument& storage);

}  // namespace rampart::ingest
