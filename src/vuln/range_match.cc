#include "vuln/range_match.h"

#include <fmt/format.h>

namespace rampart::vuln {
namespace {

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

// An event with its parsed version; no version stands for introduced "0", the lowest.
struct ParsedEvent {
  const RangeEvent* event = nullptr;
  std::size_t position = 0;  // index in the range, which breaks ties as a stable sort would
  std::optional<Version> version;
};

// Orders events as the OSV evaluation sorts them: by version with "0" first, then an
// introduced event before the events that end a range, then by position.
bool EventBefore(const ParsedEvent& a, const ParsedEvent& b) {
  if (a.version.has_value() != b.version.has_value()) {
    return !a.version.has_value();
  }
  if (a.version.has_value()) {
    if (const int order = CompareVersions(*a.version, *b.version); order != 0) {
      return order < 0;
    }
  }
  const bool a_introduced = a.event->kind == EventKind::kIntroduced;
  const bool b_introduced = b.event->kind == EventKind::kIntroduced;
  if (a_introduced != b_introduced) {
    return a_introduced;
  }
  return a.position < b.position;
}

// Returns -1, 0 or 1 for `installed` against an event ("0" is below every version).
int CompareToEvent(const Version& installed, const ParsedEvent& event) {
  return event.version.has_value() ? CompareVersions(installed, *event.version) : 1;
}

// Keeps `candidate` in `best` when it sorts after (`latest`) or before the current one.
void Keep(std::optional<ParsedEvent>& best, ParsedEvent& candidate, bool latest) {
  if (!best.has_value() || EventBefore(*best, candidate) == latest) {
    best = std::move(candidate);
  }
}

// Evaluates one SEMVER or ECOSYSTEM range in a single pass. Replaying the sorted events
// leaves the state set by the last event that applies to the version (introduced or fixed
// at or below it, last_affected below it), so only that event matters. The fix is the
// first fixed event above the version, unless a last_affected event at or above it comes
// first. Only these few events are kept, so no parsed version is stored per event.
Status MatchRange(const AffectedRange& range, VersionScheme scheme, const Version& installed,
                  RangeMatch& match) {
  std::optional<ParsedEvent> last_applied;
  std::optional<ParsedEvent> next_fix;
  std::optional<ParsedEvent> next_last_affected;
  bool has_limit = false;
  bool below_a_limit = false;

  for (std::size_t i = 0; i < range.events.size(); ++i) {
    const RangeEvent& event = range.events[i];
    ParsedEvent parsed{&event, i, std::nullopt};
    if (!(event.kind == EventKind::kIntroduced && event.version == "0")) {
      auto version = ParseVersion(scheme, event.version);
      if (!version) {
        return InvalidArgument(
            fmt::format("{} event: {}", EventName(event.kind), version.status().message()));
      }
      parsed.version = std::move(*version);
    }
    const int order = CompareToEvent(installed, parsed);
    switch (event.kind) {
      case EventKind::kLimit:
        has_limit = true;
        below_a_limit = below_a_limit || order < 0;
        break;
      case EventKind::kIntroduced:
        if (order >= 0) {
          Keep(last_applied, parsed, true);
        }
        break;
      case EventKind::kFixed:
        if (order >= 0) {
          Keep(last_applied, parsed, true);
        } else {
          Keep(next_fix, parsed, false);
        }
        break;
      case EventKind::kLastAffected:
        if (order > 0) {
          Keep(last_applied, parsed, true);
        } else {
          Keep(next_last_affected, parsed, false);
        }
        break;
    }
  }

  const bool affected =
      last_applied.has_value() && last_applied->event->kind == EventKind::kIntroduced;
  if (!affected || (has_limit && !below_a_limit)) {
    return Status::Ok();
  }
  match.affected = true;
  const bool closed_first = next_last_affected.has_value() &&
                            (!next_fix.has_value() || EventBefore(*next_last_affected, *next_fix));
  if (next_fix.has_value() && !closed_first) {
    match.fixed_versions.push_back(next_fix->event->version);
  } else {
    match.has_unfixed_range = true;
  }
  return Status::Ok();
}

bool InVersionsList(const AffectedPackage& package, const Version& installed) {
  for (const std::string& listed : package.versions) {
    if (listed == installed.text()) {
      return true;
    }
    auto version = ParseVersion(installed.scheme(), listed);
    if (version && CompareVersions(*version, installed) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<InstalledVersion> InstalledVersion::Parse(VersionScheme scheme, std::string_view text) {
  auto version = ParseVersion(scheme, text);
  if (!version) {
    return version.status();
  }
  return InstalledVersion(std::move(*version));
}

const Result<Version>& InstalledVersion::AsSemVer() const {
  if (!semver_.has_value()) {
    semver_ = version_.scheme() == VersionScheme::kSemVer
                  ? Result<Version>(version_)
                  : ParseVersion(VersionScheme::kSemVer, version_.text());
  }
  return *semver_;
}

Result<RangeMatch> MatchAffectedPackage(const AffectedPackage& package,
                                        const InstalledVersion& installed) {
  RangeMatch match;
  for (const AffectedRange& range : package.ranges) {
    if (range.type == RangeType::kGit) {
      continue;
    }
    if (range.type == RangeType::kEcosystem) {
      RAMPART_RETURN_IF_ERROR(MatchRange(range, installed.scheme(), installed.version(), match));
      continue;
    }
    const Result<Version>& semver = installed.AsSemVer();
    if (!semver) {
      return semver.status();
    }
    RAMPART_RETURN_IF_ERROR(MatchRange(range, VersionScheme::kSemVer, *semver, match));
  }

  if (!match.affected && InVersionsList(package, installed.version())) {
    match.affected = true;
    match.has_unfixed_range = true;
  }
  return match;
}

Result<RangeMatch> MatchAffectedPackage(const AffectedPackage& package, VersionScheme scheme,
                                        std::string_view installed) {
  auto parsed = InstalledVersion::Parse(scheme, installed);
  if (!parsed) {
    return parsed.status();
  }
  return MatchAffectedPackage(package, *parsed);
}

}  // namespace rampart::vuln
