// Feature windows: per-entity counts over tumbling or sliding windows of event time, the
// input of the anomalous-behaviour models. Replaying a log gives the same windows, since
// only the events' own timestamps move the windows.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "detect/log_event.h"

namespace rampart::detect {

// The event field that identifies an entity.
enum class EntityKind { kPrincipal, kSourceIp, kUserAgent, kNamespace };

std::string_view EntityKindName(EntityKind kind);

struct WindowOptions {
  std::chrono::seconds size{300};
  std::chrono::seconds slide{300};  // equal to size: tumbling windows; smaller: sliding
  std::vector<EntityKind> entities = {EntityKind::kPrincipal};
  // An event older than the newest event seen minus this is late: it is counted in
  // late_events() and dropped, because its windows may be closed already.
  std::chrono::seconds allowed_lateness{300};
};

// The names of WindowFeatures::Vector()'s values, in order.
const std::vector<std::string>& WindowFeatureNames();

// The values one entity used in every window so far: the ValueHash of each action, source
// address and user agent, in the order of first use.
struct EntityHistory {
  EntityKind kind = EntityKind::kPrincipal;
  std::string entity;
  std::vector<std::uint64_t> actions;
  std::vector<std::uint64_t> source_ips;
  std::vector<std::uint64_t> user_agents;

  bool operator==(const EntityHistory&) const = default;
};

// Returns the 64-bit FNV-1a hash of `value`, which is the same on every platform and build, so
// that a stored EntityHistory stays valid.
std::uint64_t ValueHash(std::string_view value);

// The counts of one entity in one window.
struct WindowFeatures {
  EntityKind kind = EntityKind::kPrincipal;
  std::string entity;
  TimePoint start;
  TimePoint end;  // exclusive
  std::uint32_t events = 0;
  std::uint32_t failures = 0;          // denied calls and failed logins
  std::uint32_t distinct_actions = 0;  // API calls or verbs
  std::uint32_t distinct_regions = 0;
  std::uint32_t distinct_resources = 0;
  std::uint32_t distinct_source_ips = 0;
  std::uint32_t new_actions = 0;      // actions this entity had never made before
  std::uint32_t new_source_ips = 0;   // addresses this entity had never come from
  std::uint32_t new_user_agents = 0;  // user agents this entity had never used

  // Returns the counts as model features, in WindowFeatureNames() order.
  std::vector<double> Vector() const;
};

// Accumulates events into windows and hands each window to `sink` when it closes. Events
// may arrive out of order by up to allowed_lateness. Not thread-safe.
class FeatureWindows {
 public:
  using Sink = std::function<void(const WindowFeatures&)>;

  // Fails when size or slide is not positive or size is not a multiple of slide.
  static Result<FeatureWindows> Create(const WindowOptions& options, Sink sink);

  void Add(const LogEvent& event);

  // Closes every open window, oldest first.
  void Flush();

  // Returns what each entity has used so far, sorted by kind and entity.
  std::vector<EntityHistory> History() const;

  // Adds `history` to what the entities have used, so that values used before, such as in
  // a model's training log, do not count as new. Call it before the first Add.
  void Restore(const std::vector<EntityHistory>& history);

  std::size_t late_events() const { return late_events_; }

 private:
  // Distinct values kept as 64-bit hashes; windows see few distinct values, so a vector
  // with linear search beats a hash set.
  struct Distinct {
    std::vector<std::uint64_t> hashes;
    bool Insert(std::uint64_t hash);
  };
  struct Accumulator {
    WindowFeatures features;
    Distinct actions, regions, resources, source_ips;
  };
  // Per entity: its open windows by start time, and every value it has used so far.
  struct EntityState {
    std::unordered_map<std::int64_t, Accumulator> open;
    Distinct seen_actions, seen_source_ips, seen_user_agents;
  };

  FeatureWindows(const WindowOptions& options, Sink sink)
      : options_(options), sink_(std::move(sink)) {}
  void AddTo(EntityKind kind, const std::string& entity, const LogEvent& event);
  void CloseUpTo(std::int64_t watermark_micros);

  WindowOptions options_;
  Sink sink_;
  std::unordered_map<std::string, EntityState> entities_[4];
  std::int64_t newest_micros_ = INT64_MIN;
  std::int64_t next_close_check_ = INT64_MIN;
  std::size_t late_events_ = 0;
};

}  // namespace rampart::detect
