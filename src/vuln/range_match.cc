#include "vuln/range_match.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace rampart::vuln {
namespace {

struct ParsedEvent {
  EventKind kind = EventKind::kIntroduced;
  std::optional<Version> version;  // empty for introduced "0", the lowest version
  const std::string* text = nullptr;
};

std::string_view EventName(EventKind kind) {
  switch (kind) {
    case EventKind::kIntroduced:
      return "introduced";
    case EventKind::kFixed:
      return "fixed";
    case EventKind::kLastAffected:
      return "last_affected";
    case EventKind::kLimit:
      return "limit";
  }
  return "event";
}

// Orders events by version with "0" first. At equal versions an introduced event comes
// before the events that end a range, so that introduced X with fixed X affects nothing.
bool EventBefore(const ParsedEvent& a, const ParsedEvent& b) {
  if (a.version.has_value() != b.version.has_value()) {
    return !a.version.has_value();
  }
  if (a.version.has_value()) {
    if (const int order = CompareVersions(*a.version, *b.version); order != 0) {
      return order < 0;
    }
  }
  return a.kind == EventKind::kIntroduced && b.kind != EventKind::kIntroduced;
}

Result<std::vector<ParsedEvent>> ParseEvents(const AffectedRange& range, VersionScheme scheme) {
  std::vector<ParsedEvent> events;
  events.reserve(range.events.size());
  for (const RangeEvent& event : range.events) {
    ParsedEvent parsed;
    parsed.kind = event.kind;
    parsed.text = &event.version;
    if (!(event.kind == EventKind::kIntroduced && event.version == "0")) {
      auto version = ParseVersion(scheme, event.version);
      if (!version) {
        return InvalidArgument(
            fmt::format("{} event: {}", EventName(event.kind), version.status().message()));
      }
      parsed.version = std::move(*version);
    }
    events.push_back(std::move(parsed));
  }
  std::stable_sort(events.begin(), events.end(), EventBefore);
  return events;
}

// Returns -1, 0 or 1 for `installed` against an event version ("0" is below everything).
int CompareToEvent(const Version& installed, const ParsedEvent& event) {
  return event.version.has_value() ? CompareVersions(installed, *event.version) : 1;
}

Status MatchRange(const AffectedRange& range, VersionScheme scheme, const Version& installed,
                  RangeMatch& match) {
  auto events = ParseEvents(range, scheme);
  if (!events) {
    return events.status();
  }

  // Replaying the sorted events that lie at or below the version leaves the state of the
  // interval that contains it.
  bool affected = false;
  bool has_limit = false;
  bool below_a_limit = false;
  for (const ParsedEvent& event : *events) {
    const int order = CompareToEvent(installed, event);
    switch (event.kind) {
      case EventKind::kIntroduced:
        affected = affected || order >= 0;
        break;
      case EventKind::kFixed:
        affected = affected && order < 0;
        break;
      case EventKind::kLastAffected:
        affected = affected && order <= 0;
        break;
      case EventKind::kLimit:
        has_limit = true;
        below_a_limit = below_a_limit || order < 0;
        break;
    }
  }
  if (!affected || (has_limit && !below_a_limit)) {
    return Status::Ok();
  }

  // The fix is the first fixed event above the version, unless a last_affected event
  // closes the interval first.
  match.affected = true;
  for (const ParsedEvent& event : *events) {
    const int order = CompareToEvent(installed, event);
    if (event.kind == EventKind::kFixed && order < 0) {
      match.fixed_versions.push_back(*event.text);
      return Status::Ok();
    }
    if (event.kind == EventKind::kLastAffected && order <= 0) {
      break;
    }
  }
  match.has_unfixed_range = true;
  return Status::Ok();
}

bool InVersionsList(const AffectedPackage& package, VersionScheme scheme,
                    const Version& installed) {
  for (const std::string& listed : package.versions) {
    if (listed == installed.text()) {
      return true;
    }
    auto version = ParseVersion(scheme, listed);
    if (version && CompareVersions(*version, installed) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<RangeMatch> MatchAffectedPackage(const AffectedPackage& package, VersionScheme scheme,
                                        std::string_view installed) {
  auto ecosystem_version = ParseVersion(scheme, installed);
  if (!ecosystem_version) {
    return ecosystem_version.status();
  }

  RangeMatch match;
  std::optional<Result<Version>> semver_version;
  for (const AffectedRange& range : package.ranges) {
    if (range.type == RangeType::kGit) {
      continue;
    }
    if (range.type == RangeType::kEcosystem || scheme == VersionScheme::kSemVer) {
      RAMPART_RETURN_IF_ERROR(MatchRange(range, scheme, *ecosystem_version, match));
      continue;
    }
    if (!semver_version.has_value()) {
      semver_version = ParseVersion(VersionScheme::kSemVer, installed);
    }
    if (!*semver_version) {
      return semver_version->status();
    }
    RAMPART_RETURN_IF_ERROR(MatchRange(range, VersionScheme::kSemVer, **semver_version, match));
  }

  if (!match.affected && InVersionsList(package, scheme, *ecosystem_version)) {
    match.affected = true;
    match.has_unfixed_range = true;
  }
  return match;
}

}  // namespace rampart::vuln
