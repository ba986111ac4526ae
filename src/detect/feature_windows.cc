#include "detect/feature_windows.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace rampart::detect {
namespace {

std::int64_t FloorDiv(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

const std::string& EntityOf(EntityKind kind, const LogEvent& event) {
  switch (kind) {
    case EntityKind::kPrincipal:
      return event.principal;
    case EntityKind::kSourceIp:
      return event.source_ip;
    case EntityKind::kUserAgent:
      return event.user_agent;
    case EntityKind::kNamespace:
      return event.namespace_name;
  }
  return event.principal;
}

}  // namespace

std::uint64_t ValueHash(std::string_view value) {
  constexpr std::uint64_t kOffsetBasis = 14695981039346656037ull;
  constexpr std::uint64_t kPrime = 1099511628211ull;
  std::uint64_t hash = kOffsetBasis;
  for (const char c : value) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kPrime;
  }
  return hash;
}

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kPrincipal:
      return "principal";
    case EntityKind::kSourceIp:
      return "source_ip";
    case EntityKind::kUserAgent:
      return "user_agent";
    case EntityKind::kNamespace:
      return "namespace";
  }
  return "unknown";
}

const std::vector<std::string>& WindowFeatureNames() {
  static const std::vector<std::string> names = {
      "events",           "failures",           "distinct_actions",
      "distinct_regions", "distinct_resources", "distinct_source_ips",
      "new_actions",      "new_source_ips",     "new_user_agents"};
  return names;
}

std::vector<double> WindowFeatures::Vector() const {
  return {static_cast<double>(events),
          static_cast<double>(failures),
          static_cast<double>(distinct_actions),
          static_cast<double>(distinct_regions),
          static_cast<double>(distinct_resources),
          static_cast<double>(distinct_source_ips),
          static_cast<double>(new_actions),
          static_cast<double>(new_source_ips),
          static_cast<double>(new_user_agents)};
}

bool FeatureWindows::Distinct::Insert(std::uint64_t hash) {
  if (std::find(hashes.begin(), hashes.end(), hash) != hashes.end()) {
    return false;
  }
  hashes.push_back(hash);
  return true;
}

Result<FeatureWindows> FeatureWindows::Create(const WindowOptions& options, Sink sink) {
  if (options.size.count() <= 0 || options.slide.count() <= 0 ||
      options.size.count() % options.slide.count() != 0) {
    return InvalidArgument(
        fmt::format("feature windows: size {}s must be positive and a multiple of slide {}s",
                    options.size.count(), options.slide.count()));
  }
  if (options.entities.empty()) {
    return InvalidArgument("feature windows: name at least one entity kind");
  }
  return FeatureWindows(options, std::move(sink));
}

void FeatureWindows::Add(const LogEvent& event) {
  const std::int64_t micros = ToUnixMicros(event.time);
  const std::int64_t lateness = options_.allowed_lateness.count() * 1'000'000;
  if (newest_micros_ != INT64_MIN && micros < newest_micros_ - lateness) {
    ++late_events_;
    return;
  }
  for (EntityKind kind : options_.entities) {
    const std::string& entity = EntityOf(kind, event);
    if (!entity.empty()) {
      AddTo(kind, entity, event);
    }
  }
  if (micros > newest_micros_) {
    newest_micros_ = micros;
  }
  // Checking for closed windows once per slide keeps the scan off the per-event path.
  if (newest_micros_ >= next_close_check_) {
    const std::int64_t slide = options_.slide.count() * 1'000'000;
    CloseUpTo(newest_micros_ - lateness);
    next_close_check_ = (FloorDiv(newest_micros_, slide) + 1) * slide;
  }
}

void FeatureWindows::AddTo(EntityKind kind, const std::string& entity, const LogEvent& event) {
  EntityState& state = entities_[static_cast<int>(kind)][entity];
  const bool new_action = state.seen_actions.Insert(ValueHash(event.action));
  const bool new_ip =
      !event.source_ip.empty() && state.seen_source_ips.Insert(ValueHash(event.source_ip));
  const bool new_agent =
      !event.user_agent.empty() && state.seen_user_agents.Insert(ValueHash(event.user_agent));

  const std::int64_t slide = options_.slide.count() * 1'000'000;
  const std::int64_t size = options_.size.count() * 1'000'000;
  const std::int64_t micros = ToUnixMicros(event.time);
  const std::int64_t last_start = FloorDiv(micros, slide) * slide;
  for (std::int64_t start = last_start; start > micros - size; start -= slide) {
    Accumulator& window = state.open[start];
    WindowFeatures& features = window.features;
    if (features.events == 0) {
      features.kind = kind;
      features.entity = entity;
      features.start = FromUnixMicros(start);
      features.end = FromUnixMicros(start + size);
    }
    ++features.events;
    features.failures += event.failure ? 1 : 0;
    features.distinct_actions += window.actions.Insert(ValueHash(event.action)) ? 1 : 0;
    if (!event.region.empty()) {
      features.distinct_regions += window.regions.Insert(ValueHash(event.region)) ? 1 : 0;
    }
    if (!event.resource.empty()) {
      features.distinct_resources += window.resources.Insert(ValueHash(event.resource)) ? 1 : 0;
    }
    if (!event.source_ip.empty()) {
      features.distinct_source_ips += window.source_ips.Insert(ValueHash(event.source_ip)) ? 1 : 0;
    }
    features.new_actions += new_action ? 1 : 0;
    features.new_source_ips += new_ip ? 1 : 0;
    features.new_user_agents += new_agent ? 1 : 0;
  }
}

void FeatureWindows::CloseUpTo(std::int64_t watermark_micros) {
  const std::int64_t size = options_.size.count() * 1'000'000;
  std::vector<WindowFeatures> closed;
  for (auto& by_entity : entities_) {
    for (auto& [entity, state] : by_entity) {
      for (auto it = state.open.begin(); it != state.open.end();) {
        if (it->first + size <= watermark_micros) {
          closed.push_back(std::move(it->second.features));
          it = state.open.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  // Hash-map order is arbitrary; sort so that replays hand windows over in one order.
  std::sort(closed.begin(), closed.end(), [](const WindowFeatures& a, const WindowFeatures& b) {
    if (a.start != b.start) {
      return a.start < b.start;
    }
    if (a.kind != b.kind) {
      return a.kind < b.kind;
    }
    return a.entity < b.entity;
  });
  for (const WindowFeatures& features : closed) {
    sink_(features);
  }
}

void FeatureWindows::Flush() { CloseUpTo(INT64_MAX); }

std::vector<EntityHistory> FeatureWindows::History() const {
  std::vector<EntityHistory> history;
  for (std::size_t kind = 0; kind < std::size(entities_); ++kind) {
    for (const auto& [entity, state] : entities_[kind]) {
      history.push_back({static_cast<EntityKind>(kind), entity, state.seen_actions.hashes,
                         state.seen_source_ips.hashes, state.seen_user_agents.hashes});
    }
  }
  std::sort(history.begin(), history.end(), [](const EntityHistory& a, const EntityHistory& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.entity < b.entity;
  });
  return history;
}

void FeatureWindows::Restore(const std::vector<EntityHistory>& history) {
  for (const EntityHistory& used : history) {
    EntityState& state = entities_[static_cast<int>(used.kind)][used.entity];
    for (const std::uint64_t hash : used.actions) {
      state.seen_actions.Insert(hash);
    }
    for (const std::uint64_t hash : used.source_ips) {
      state.seen_source_ips.Insert(hash);
    }
    for (const std::uint64_t hash : used.user_agents) {
      state.seen_user_agents.Insert(hash);
    }
  }
}

}  // namespace rampart::detect
