#include "vuln/osv_record.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "core/json.h"

namespace rampart::vuln {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Reports the first problem found while reading one record.
class RecordReader {
 public:
  explicit RecordReader(std::string_view source) : source_(source) {}

  Status Fail(std::string_view path, std::string_view problem) const {
    return InvalidArgument(fmt::format("{}: {}: {}", source_, path, problem));
  }

  // Reads an optional string member; null counts as absent.
  Status String(const object& parent, std::string_view key, std::string_view path,
                std::string& out) const {
    element value;
    if (parent.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
      return Status::Ok();
    }
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      return Fail(JsonPathMember(path, key), "expected a string");
    }
    out = std::string(text);
    return Status::Ok();
  }

  // Reads an optional array member; null counts as empty.
  Status Array(const object& parent, std::string_view key, std::string_view path, array& out,
               bool& present) const {
    element value;
    present = false;
    if (parent.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
      return Status::Ok();
    }
    if (value.get_array().get(out) != simdjson::SUCCESS) {
      return Fail(JsonPathMember(path, key), "expected an array");
    }
    present = true;
    return Status::Ok();
  }

  Status Strings(const object& parent, std::string_view key, std::string_view path,
                 std::vector<std::string>& out) const {
    array items;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(parent, key, path, items, present));
    if (!present) {
      return Status::Ok();
    }
    std::size_t index = 0;
    for (element item : items) {
      std::string_view text;
      if (item.get_string().get(text) != simdjson::SUCCESS) {
        return Fail(JsonPathIndex(JsonPathMember(path, key), index), "expected a string");
      }
      out.emplace_back(text);
      ++index;
    }
    return Status::Ok();
  }

  Status Object(const element& value, std::string_view path, object& out) const {
    if (value.get_object().get(out) != simdjson::SUCCESS) {
      return Fail(path, "expected an object");
    }
    return Status::Ok();
  }

  Status Severity(const object& parent, std::string_view path,
                  std::vector<SeverityScore>& out) const {
    array items;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(parent, "severity", path, items, present));
    if (!present) {
      return Status::Ok();
    }
    std::size_t index = 0;
    for (element item : items) {
      const std::string item_path = JsonPathIndex(JsonPathMember(path, "severity"), index++);
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
  // database_specific; other shapes (GitHub's CVSS objects, Go's "url") are ignored.
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

  Status Events(const array& items, std::string_view path, AffectedRange& range) const {
    std::size_t index = 0;
    for (element item : items) {
      const std::string event_path = JsonPathIndex(path, index++);
      object event;
      RAMPART_RETURN_IF_ERROR(Object(item, event_path, event));
      bool found = false;
      for (auto [key, kind] :
           {std::pair{"introduced", EventKind::kIntroduced}, std::pair{"fixed", EventKind::kFixed},
            std::pair{"last_affected", EventKind::kLastAffected},
            std::pair{"limit", EventKind::kLimit}}) {
        element value;
        if (event.at_key(key).get(value) != simdjson::SUCCESS) {
          continue;
        }
        std::string_view text;
        if (value.get_string().get(text) != simdjson::SUCCESS || text.empty()) {
          return Fail(JsonPathMember(event_path, key), "expected a non-empty version string");
        }
        range.events.push_back({kind, std::string(text)});
        found = true;
        break;
      }
      if (!found) {
        return Fail(event_path, "expected one of introduced, fixed, last_affected, limit");
      }
    }
    return Status::Ok();
  }

  Status Range(const element& item, std::string_view path, AffectedRange& range) const {
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
          JsonPathMember(path, "type"),
          fmt::format("unknown range type \"{}\"; expected SEMVER, ECOSYSTEM or GIT", type));
    }
    RAMPART_RETURN_IF_ERROR(String(entry, "repo", path, range.repo));
    array events;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(entry, "events", path, events, present));
    if (!present) {
      return Fail(path, "the range has no \"events\"");
    }
    return Events(events, JsonPathMember(path, "events"), range);
  }

  Status Affected(const element& item, std::string_view path, AffectedPackage& affected) const {
    object entry;
    RAMPART_RETURN_IF_ERROR(Object(item, path, entry));
    element package_value;
    if (entry.at_key("package").get(package_value) == simdjson::SUCCESS &&
        !package_value.is_null()) {
      const std::string package_path = JsonPathMember(path, "package");
      object package;
      RAMPART_RETURN_IF_ERROR(Object(package_value, package_path, package));
      RAMPART_RETURN_IF_ERROR(String(package, "ecosystem", package_path, affected.ecosystem));
      RAMPART_RETURN_IF_ERROR(String(package, "name", package_path, affected.name));
      RAMPART_RETURN_IF_ERROR(String(package, "purl", package_path, affected.purl));
    }

    array ranges;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(entry, "ranges", path, ranges, present));
    std::size_t index = 0;
    if (present) {
      for (element range_item : ranges) {
        AffectedRange range;
        RAMPART_RETURN_IF_ERROR(
            Range(range_item, JsonPathIndex(JsonPathMember(path, "ranges"), index++), range));
        affected.ranges.push_back(std::move(range));
      }
    }
    RAMPART_RETURN_IF_ERROR(Strings(entry, "versions", path, affected.versions));
    RAMPART_RETURN_IF_ERROR(Severity(entry, path, affected.severity));
    SeverityLabel(entry, "database_specific", affected.severity_label);
    SeverityLabel(entry, "ecosystem_specific", affected.severity_label);
    return Status::Ok();
  }

  Status References(const object& record, Advisory& advisory) const {
    array items;
    bool present = false;
    RAMPART_RETURN_IF_ERROR(Array(record, "references", "$", items, present));
    if (!present) {
      return Status::Ok();
    }
    std::size_t index = 0;
    for (element item : items) {
      const std::string path = JsonPathIndex("$.references", index++);
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
  RAMPART_RETURN_IF_ERROR(reader.String(record, "id", "$", advisory.id));
  if (advisory.id.empty()) {
    return reader.Fail("$.id", "the record has no \"id\"");
  }
  std::string details;
  RAMPART_RETURN_IF_ERROR(reader.String(record, "summary", "$", advisory.summary));
  RAMPART_RETURN_IF_ERROR(reader.String(record, "details", "$", details));
  advisory.details = CutUtf8(details, kMaxDetailsBytes);
  RAMPART_RETURN_IF_ERROR(reader.String(record, "modified", "$", advisory.modified));
  RAMPART_RETURN_IF_ERROR(reader.String(record, "published", "$", advisory.published));
  RAMPART_RETURN_IF_ERROR(reader.String(record, "withdrawn", "$", advisory.withdrawn));
  RAMPART_RETURN_IF_ERROR(reader.Strings(record, "aliases", "$", advisory.aliases));
  RAMPART_RETURN_IF_ERROR(reader.Severity(record, "$", advisory.severity));
  reader.SeverityLabel(record, "database_specific", advisory.severity_label);
  RAMPART_RETURN_IF_ERROR(reader.References(record, advisory));

  array affected;
  bool present = false;
  RAMPART_RETURN_IF_ERROR(reader.Array(record, "affected", "$", affected, present));
  if (present) {
    std::size_t index = 0;
    for (element item : affected) {
      AffectedPackage package;
      RAMPART_RETURN_IF_ERROR(reader.Affected(item, JsonPathIndex("$.affected", index++), package));
      advisory.affected.push_back(std::move(package));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Advisory> ParseOsvRecord(std::string_view json, std::string_view source) {
  // One parser per thread, reused so its buffers are allocated once.
  thread_local simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  element root;
  if (const auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
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
  RAMPART_RETURN_IF_ERROR(reader.Object(root, "$", record));
  Advisory advisory;
  RAMPART_RETURN_IF_ERROR(ReadRecord(reader, record, advisory));
  return advisory;
}

}  // namespace rampart::vuln
