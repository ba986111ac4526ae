#include "vuln/osv_record.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "core/json.h"

namespace rampart::vuln {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// A JSON path as a chain of parent links, turned into text such as "$.affected[0].ranges"
// only when a problem is reported, so reading a valid record formats no paths.
struct Path {
  const Path* parent = nullptr;
  std::string_view member;  // empty for an array index, and for the root
  std::size_t index = 0;

  Path Member(std::string_view key) const { return Path{this, key, 0}; }
  Path Index(std::size_t i) const { return Path{this, "", i}; }

  std::string ToString() const {
    if (parent == nullptr) {
      return "$";
    }
    return member.empty() ? JsonPathIndex(parent->ToString(), index)
                          : JsonPathMember(parent->ToString(), member);
  }
};

// Reports the first problem found while reading one record.
class RecordReader {
 public:
  explicit RecordReader(std::string_view source) : source_(source) {}

  Status Fail(const Path& path, std::string_view problem) const {
    return InvalidArgument(fmt::format("{}: {}: {}", source_, path.ToString(), problem));
  }

  // Reads an optional string member; null counts as absent.
  Status String(const object& parent, std::string_view key, const Path& path,
                std::string& out) const {
    element value;
    if (parent.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
      return Status::Ok();
    }
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      return Fail(path.Member(key), "expected a string");
    }
    out = std::string(text);
    return Status::Ok();
  }

  // Reads an optional array member; null counts as empty.
  Status Array(const object& parent, std::string_view key, const Path& path, array& out,
               bool& present) const {
    element value;
    present = false;
    if (parent.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
      return Status::Ok();
    }
    if (value.get_array().get(out) != simdjson::SUCCESS) {
      return Fail(path.Member(key), "expected an array");
    }
    present = true;
    return Status::Ok();
  }

  Status Strings(const object& parent, std::string_view key, const Path& path,
                 std::vector<std::string>& out) const {
    array items;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(parent, key, path, items, present));
    if (!present) {
      return Status::Ok();
    }
    const Path list = path.Member(key);
    std::size_t index = 0;
    for (element item : items) {
      std::string_view text;
      if (item.get_string().get(text) != simdjson::SUCCESS) {
        return Fail(list.Index(index), "expected a string");
      }
      out.emplace_back(text);
      ++index;
    }
    return Status::Ok();
  }

  Status Object(const element& value, const Path& path, object& out) const {
    if (value.get_object().get(out) != simdjson::SUCCESS) {
      return Fail(path, "expected an object");
    }
    return Status::Ok();
  }

  Status Severity(const object& parent, const Path& path, std::vector<SeverityScore>& out) const {
    array items;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(parent, "severity", path, items, present));
    if (!present) {
      return Status::Ok();
    }
    const Path list = path.Member("severity");
    std::size_t index = 0;
    for (element item : items) {
      const Path item_path = list.Index(index++);
      object entry;
      RAMPART_RETURN_IF_ERROR(Object(item, item_path, entry));
      SeverityScore score;
      RAMPART_RETURN_IF_ERROR(String(entry, "type", item_path, score.type));
      RAMPART_RETURN_IF_ERROR(String(entry, "score", item_path, score.score));
      if (score.type.empty() || score.score.empty()) {
        return Fail(item_path, "expected non-empty \"type\" and \"score\"");
      }
      out.push_back(std::move(score));
    }
    return Status::Ok();
  }

  // Reads "severity" or "urgency" from an optional object member such as
  // database_specific. Other shapes (GitHub's CVSS objects, Go's "url") are ignored.
  void SeverityLabel(const object& parent, std::string_view key, std::string& out) const {
    object specific;
    if (parent.at_key(key).get(specific) != simdjson::SUCCESS) {
      return;
    }
    for (std::string_view label_key : {"severity", "urgency"}) {
      std::string_view text;
      if (specific.at_key(label_key).get(text) == simdjson::SUCCESS && !text.empty()) {
        out = std::string(text);
        return;
      }
    }
  }

  Status Events(const array& items, const Path& path, AffectedRange& range) const {
    std::size_t index = 0;
    for (element item : items) {
      const Path event_path = path.Index(index++);
      object event;
      RAMPART_RETURN_IF_ERROR(Object(item, event_path, event));
      // The schema makes each event "oneOf" these keys, so a second one is invalid.
      std::string_view found;
      for (auto [key, kind] :
           {std::pair{"introduced", EventKind::kIntroduced}, std::pair{"fixed", EventKind::kFixed},
            std::pair{"last_affected", EventKind::kLastAffected},
            std::pair{"limit", EventKind::kLimit}}) {
        element value;
        if (event.at_key(key).get(value) != simdjson::SUCCESS) {
          continue;
        }
        if (!found.empty()) {
          return Fail(event_path,
                      fmt::format("has both \"{}\" and \"{}\", but an OSV event has exactly "
                                  "one of introduced, fixed, last_affected or limit, so write "
                                  "each in its own event",
                                  found, key));
        }
        std::string_view text;
        if (value.get_string().get(text) != simdjson::SUCCESS || text.empty()) {
          return Fail(event_path.Member(key), "expected a non-empty version string");
        }
        range.events.push_back({kind, std::string(text)});
        found = key;
      }
      if (found.empty()) {
        return Fail(event_path, "expected one of introduced, fixed, last_affected, limit");
      }
    }
    return Status::Ok();
  }

  Status Range(const element& item, const Path& path, AffectedRange& range) const {
    object entry;
    RAMPART_RETURN_IF_ERROR(Object(item, path, entry));
    std::string type;
    RAMPART_RETURN_IF_ERROR(String(entry, "type", path, type));
    if (type == "SEMVER") {
      range.type = RangeType::kSemVer;
    } else if (type == "ECOSYSTEM") {
      range.type = RangeType::kEcosystem;
    } else if (type == "GIT") {
      range.type = RangeType::kGit;
    } else {
      return Fail(
          path.Member("type"),
          fmt::format("unknown range type \"{}\"; expected SEMVER, ECOSYSTEM or GIT", type));
    }
    RAMPART_RETURN_IF_ERROR(String(entry, "repo", path, range.repo));
    array events;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(entry, "events", path, events, present));
    if (!present) {
      return Fail(path, "the range has no \"events\"");
    }
    return Events(events, path.Member("events"), range);
  }

  Status Affected(const element& item, const Path& path, AffectedPackage& affected) const {
    object entry;
    RAMPART_RETURN_IF_ERROR(Object(item, path, entry));
    element package_value;
    if (entry.at_key("package").get(package_value) == simdjson::SUCCESS &&
        !package_value.is_null()) {
      const Path package_path = path.Member("package");
      object package;
      RAMPART_RETURN_IF_ERROR(Object(package_value, package_path, package));
      RAMPART_RETURN_IF_ERROR(String(package, "ecosystem", package_path, affected.ecosystem));
      RAMPART_RETURN_IF_ERROR(String(package, "name", package_path, affected.name));
      RAMPART_RETURN_IF_ERROR(String(package, "purl", package_path, affected.purl));
    }

    array ranges;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(entry, "ranges", path, ranges, present));
    if (present) {
      const Path list = path.Member("ranges");
      std::size_t index = 0;
      for (element range_item : ranges) {
        AffectedRange range;
        RAMPART_RETURN_IF_ERROR(Range(range_item, list.Index(index++), range));
        affected.ranges.push_back(std::move(range));
      }
    }
    RAMPART_RETURN_IF_ERROR(Strings(entry, "versions", path, affected.versions));
    RAMPART_RETURN_IF_ERROR(Severity(entry, path, affected.severity));
    SeverityLabel(entry, "database_specific", affected.severity_label);
    SeverityLabel(entry, "ecosystem_specific", affected.severity_label);
    return Status::Ok();
  }

  Status References(const object& record, const Path& root, Advisory& advisory) const {
    array items;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(record, "references", root, items, present));
    if (!present) {
      return Status::Ok();
    }
    const Path list = root.Member("references");
    std::size_t index = 0;
    for (element item : items) {
      const Path path = list.Index(index++);
      object reference;
      RAMPART_RETURN_IF_ERROR(Object(item, path, reference));
      std::string url;
      RAMPART_RETURN_IF_ERROR(String(reference, "url", path, url));
      if (!url.empty() && advisory.references.size() < kMaxReferences) {
        advisory.references.push_back(std::move(url));
      }
    }
    return Status::Ok();
  }

 private:
  std::string_view source_;
};

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string CutUtf8(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) {
    return std::string(text);
  }
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return std::string(text.substr(0, end));
}

Status ReadRecord(const RecordReader& reader, const object& record, Advisory& advisory) {
  const Path root;
  RAMPART_RETURN_IF_ERROR(reader.String(record, "id", root, advisory.id));
  if (advisory.id.empty()) {
    return reader.Fail(root.Member("id"), "the record has no \"id\"");
  }
  std::string details;
  RAMPART_RETURN_IF_ERROR(reader.String(record, "summary", root, advisory.summary));
  RAMPART_RETURN_IF_ERROR(reader.String(record, "details", root, details));
  advisory.details = CutUtf8(details, kMaxDetailsBytes);
  RAMPART_RETURN_IF_ERROR(reader.String(record, "modified", root, advisory.modified));
  RAMPART_RETURN_IF_ERROR(reader.String(record, "published", root, advisory.published));
  RAMPART_RETURN_IF_ERROR(reader.String(record, "withdrawn", root, advisory.withdrawn));
  RAMPART_RETURN_IF_ERROR(reader.Strings(record, "aliases", root, advisory.aliases));
  RAMPART_RETURN_IF_ERROR(reader.Strings(record, "upstream", root, advisory.upstream));
  RAMPART_RETURN_IF_ERROR(reader.Severity(record, root, advisory.severity));
  reader.SeverityLabel(record, "database_specific", advisory.severity_label);
  RAMPART_RETURN_IF_ERROR(reader.References(record, root, advisory));

  array affected;
  bool present = false;
  RAMPART_RETURN_IF_ERROR(reader.Array(record, "affected", root, affected, present));
  if (present) {
    const Path list = root.Member("affected");
    std::size_t index = 0;
    for (element item : affected) {
      AffectedPackage package;
      RAMPART_RETURN_IF_ERROR(reader.Affected(item, list.Index(index++), package));
      advisory.affected.push_back(std::move(package));
    }
  }
  return Status::Ok();
}

Result<Advisory> ParseWith(simdjson::simdjson_result<element> parsed, std::string_view json,
                           std::string_view source) {
  element root;
  if (const auto error = std::move(parsed).get(root); error != simdjson::SUCCESS) {
    // Let the slower parser locate the syntax error by line and column.
    auto located = ParseJson(json, source);
    if (!located) {
      return InvalidArgument(located.status().message());
    }
    return InvalidArgument(
        fmt::format("{}: invalid JSON: {}", source, simdjson::error_message(error)));
  }

  const RecordReader reader(source);
  object record;
  RAMPART_RETURN_IF_ERROR(reader.Object(root, Path{}, record));
  Advisory advisory;
  RAMPART_RETURN_IF_ERROR(ReadRecord(reader, record, advisory));
  return advisory;
}

// One parser per thread, reused so its buffers are allocated once.
simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

Result<Advisory> ParseOsvRecord(std::string_view json, std::string_view source) {
  simdjson::dom::parser& parser = ThreadParser();
  const simdjson::padded_string padded(json);
  return ParseWith(parser.parse(padded), json, source);
}

Result<Advisory> ParseOsvRecordInPlace(std::string_view json, std::string_view source) {
  static_assert(kOsvRecordPadding >= simdjson::SIMDJSON_PADDING);
  simdjson::dom::parser& parser = ThreadParser();
  return ParseWith(parser.parse(json.data(), json.size(), false), json, source);
}

}  // namespace rampart::vuln
