// The compiled matcher: every enabled rule's event pattern in one structure that finds all
// rules matching an event. The cost of matching grows with the event's size and with the
// number of fields and matching rules, not with the number of rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "pattern/pattern.h"

namespace rampart::pattern {

using RuleId = std::uint32_t;

class MatchState;

// Thread safety: Match may run on many threads at once, each with its own MatchState.
// AddRule, AddRules and RemoveRule need exclusive access (no Match running).
class Matcher {
 public:
  Matcher();
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // Adds a rule. Fails with kAlreadyExists when `name` is taken.
  Status AddRule(std::string_view name, const Pattern& pattern);
  // Adds several rules, rebuilding each affected field index once. Fails, adding nothing,
  // when a name is taken or repeated.
  Status AddRules(const std::vector<std::pair<std::string, Pattern>>& rules);
  // Removes a rule; only the field indexes it used are rebuilt. Returns false when unknown.
  bool RemoveRule(std::string_view name);

  std::size_t rule_count() const;
  const std::string& rule_name(RuleId id) const;
  std::optional<RuleId> FindRule(std::string_view name) const;

  // Appends the id of every rule that matches the event (each once, in no set order).
  // Fails when the event is not a JSON object or the parts read are malformed.
  Status Match(std::string_view event_json, MatchState& state, std::vector<RuleId>& matches) const;
  // As Match, without copying: `capacity` (at least size + 64) bytes from
  // event_json.data() must be readable.
  Status MatchPadded(std::string_view event_json, std::size_t capacity, MatchState& state,
                     std::vector<RuleId>& matches) const;

  // Bytes held by the compiled structures (an estimate of heap use).
  std::size_t MemoryUsage() const;

  struct Impl;

 private:
  // capacity == 0 means the text has no padding and is copied first.
  Status MatchText(std::string_view event_json, std::size_t capacity, MatchState& state,
                   std::vector<RuleId>& matches) const;

  std::unique_ptr<Impl> impl_;
};

// Returns whether `pattern` matches the event, building a matcher that holds only it.
Result<bool> PatternMatches(const Pattern& pattern, std::string_view event_json);

// Per-thread scratch space for Match; reuse it across events to avoid allocations.
class MatchState {
 public:
  MatchState();
  ~MatchState();
  MatchState(const MatchState&) = delete;
  MatchState& operator=(const MatchState&) = delete;

  struct Impl;

 private:
  friend class Matcher;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rampart::pattern
