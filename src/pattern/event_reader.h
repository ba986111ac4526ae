// Reads an event's JSON text with simdjson's On Demand API, guided by a PathTrie. Members
// that no rule names are skipped without being parsed. Each leaf value at a named path is
// passed to a ValueSink together with its array membership.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "pattern/path_trie.h"

namespace rampart::pattern {

enum class ValueType : std::uint8_t { kString, kNumber, kTrue, kFalse, kNull };

struct EventValue {
  ValueType type = ValueType::kNull;
  std::string_view text;  // kString: the unescaped string, valid until the next Read
  double number = 0;      // kNumber; out-of-range numbers read as infinities
};

// An element of an array that is itself an object or an array. A value's chain is the path of
// such elements from the event root down to it; chain 0 is the root (no element). Values
// inside different elements of one array are never combined in one match.
struct ChainNode {
  std::uint32_t parent = 0;
  std::uint32_t array = 0;  // a number unique to one array of one event
  std::uint32_t index = 0;  // the element's position in that array
};

class ValueSink {
 public:
  virtual ~ValueSink() = default;
  virtual void OnValue(FieldId field, const EventValue& value, std::uint32_t chain) = 0;
};

// Reusable reader state (the simdjson parser and its buffers). Not thread-safe: one per
// thread.
class EventReader {
 public:
  EventReader();
  ~EventReader();
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  // Reads one event. `json` must stay readable for `capacity` bytes, with capacity at least
  // json.size() + kPadding. Read(std::string_view) copies when the caller cannot promise it.
  // Fails when the event is not a JSON object or the parts it reads are malformed. Skipped
  // parts are not validated (see Validate).
  Status Read(std::string_view json, std::size_t capacity, const PathTrie& paths, ValueSink& sink,
              std::vector<ChainNode>& chains);
  Status Read(std::string_view json, const PathTrie& paths, ValueSink& sink,
              std::vector<ChainNode>& chains);

  // Parses the whole text and fails unless it is one valid JSON object.
  Status Validate(std::string_view json);

  static constexpr std::size_t kPadding = 64;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rampart::pattern
