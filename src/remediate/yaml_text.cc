#include "remediate/yaml_text.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "core/json.h"

namespace rampart::remediate {

namespace {

std::size_t LineEnd(std::string_view text, std::size_t offset) {
  const std::size_t newline = text.find('\n', offset);
  return newline == std::string_view::npos ? text.size() : newline + 1;
}

// Returns the offset just past the closing quote of the quoted scalar starting at `start`.
std::size_t QuotedEnd(std::string_view text, std::size_t start) {
  const char quote = text[start];
  std::size_t i = start + 1;
  while (i < text.size()) {
    if (quote == '"' && text[i] == '\\') {
      i += 2;
      continue;
    }
    if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return text.size();
}

std::size_t PlainEnd(std::string_view text, std::size_t start, bool in_flow) {
  std::size_t end = start;
  while (end < text.size() && text[end] != '\n' && text[end] != '\r') {
    if (text[end] == '#' && end > start && (text[end - 1] == ' ' || text[end - 1] == '\t')) {
      break;
    }
    if (in_flow && (text[end] == ',' || text[end] == ']' || text[end] == '}')) {
      break;
    }
    ++end;
  }
  while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t')) {
    --end;
  }
  return end;
}

bool EqualsAnyOf(std::string_view value, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), value) != words.end();
}

// True when a plain scalar with this text would load as something other than a string
// under YAML 1.1 or 1.2 (numbers, booleans, null), as Kubernetes' YAML readers resolve them.
bool ResolvesToNonString(std::string_view value) {
  if (EqualsAnyOf(value,
                  {"~",     "null", "Null",  "NULL", "true", "True", "TRUE", "false", "False",
                   "FALSE", "yes",  "Yes",   "YES",  "no",   "No",   "NO",   "on",    "On",
                   "ON",    "off",  "Off",   "OFF",  "y",    "Y",    "n",    "N",     ".inf",
                   ".Inf",  ".INF", "-.inf", ".nan", ".NaN", ".NAN"})) {
    return true;
  }
  // A number has at most one '.', so a version such as 1.2.3 stays a string.
  if (std::count(value.begin(), value.end(), '.') > 1) {
    return false;
  }
  bool has_digit = false;
  for (char c : value) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      has_digit = true;
    } else if (std::string_view("+-._:eExXoOabcdefABCDEF").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return has_digit;
}

bool SafePlain(std::string_view value) {
  if (value.empty() || ResolvesToNonString(value)) {
    return false;
  }
  const char first = value.front();
  if (!std::isalnum(static_cast<unsigned char>(first)) && first != '/' && first != '_') {
    return false;
  }
  for (char c : value) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("._/@:+-").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return value.back() != ':';
}

std::size_t Indentation(std::string_view line) {
  std::size_t spaces = 0;
  while (spaces < line.size() && line[spaces] == ' ') {
    ++spaces;
  }
  return spaces;
}

}  // namespace

Result<ScalarSpan> LocateScalar(std::string_view text, const YAML::Node& node, bool in_flow) {
  const auto mark = node.Mark();
  if (!node.IsScalar() || mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text.size()) {
    return InvalidArgument(fmt::format("line {}: expected a scalar value", mark.line + 1));
  }
  ScalarSpan span;
  span.offset = static_cast<std::size_t>(mark.pos);
  const char first = text[span.offset];
  if (first == '"' || first == '\'') {
    span.quote = first;
    span.length = QuotedEnd(text, span.offset) - span.offset;
  } else {
    span.length = PlainEnd(text, span.offset, in_flow) - span.offset;
  }

  const std::string raw(text.substr(span.offset, span.length));
  bool same = false;
  try {
    const YAML::Node reparsed = YAML::Load(raw);
    same = reparsed.IsScalar() && reparsed.Scalar() == node.Scalar();
  } catch (const YAML::Exception&) {
    same = false;
  }
  if (!same) {
    return InvalidArgument(fmt::format(
        "line {}, column {}: the value '{}' is not on one line as a simple scalar; edit it by hand",
        mark.line + 1, mark.column + 1, node.Scalar()));
  }
  return span;
}

std::string FormatScalar(std::string_view value, char preferred_quote) {
  if (preferred_quote == 0 && SafePlain(value)) {
    return std::string(value);
  }
  bool single_ok = preferred_quote == '\'';
  for (unsigned char c : value) {
    single_ok = single_ok && c >= 0x20 && c != 0x7f;
  }
  if (single_ok) {
    std::string quoted = "'";
    for (char c : value) {
      quoted += c;
      if (c == '\'') {
        quoted += '\'';
      }
    }
    return quoted + "'";
  }
  // A JSON string is a valid YAML double-quoted scalar with the same value.
  return Json(std::string(value)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::string> ApplyEdits(std::string_view text, std::vector<TextEdit> edits) {
  std::sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
    return a.offset < b.offset || (a.offset == b.offset && a.length < b.length);
  });
  std::string result;
  std::size_t copied = 0;
  for (const TextEdit& edit : edits) {
    if (edit.offset < copied || edit.offset + edit.length > text.size()) {
      return Internal(fmt::format("overlapping or out-of-range edit at byte {}", edit.offset));
    }
    result.append(text.substr(copied, edit.offset - copied));
    result += edit.replacement;
    copied = edit.offset + edit.length;
  }
  result.append(text.substr(copied));
  return result;
}

std::size_t BlockEnd(std::string_view text, const YAML::Node& node) {
  const std::size_t column = static_cast<std::size_t>(node.Mark().column);
  const bool is_sequence = node.IsSequence();
  std::size_t end = LineEnd(text, static_cast<std::size_t>(node.Mark().pos));
  std::size_t offset = end;
  while (offset < text.size()) {
    const std::size_t next = LineEnd(text, offset);
    const std::string_view line = text.substr(offset, next - offset);
    const std::size_t indent = Indentation(line);
    const bool blank = indent == line.size() || line[indent] == '\n' || line[indent] == '\r' ||
                       line[indent] == '#';
    if (!blank) {
      if (line.substr(0, 3) == "---" || line.substr(0, 3) == "...") {
        break;
      }
      const bool deeper = indent > column;
      const bool sibling_item = indent == column && (!is_sequence || line[indent] == '-');
      if (!deeper && !sibling_item) {
        break;
      }
      end = next;
    }
    offset = next;
  }
  return end;
}

std::size_t FlowEnd(std::string_view text, std::size_t offset) {
  int depth = 0;
  std::size_t i = offset;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      i = QuotedEnd(text, i);
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) {
        return i;
      }
    }
    ++i;
  }
  return text.size();
}

std::size_t KeyColumn(const YAML::Node& node) {
  return static_cast<std::size_t>(node.Mark().column);
}

std::size_t LineStart(std::string_view text, std::size_t offset) {
  const std::size_t newline = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  if (offset == 0 || newline == std::string_view::npos) {
    return 0;
  }
  return newline + 1;
}

std::size_t LineNumber(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(
                 std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

namespace {

std::optional<std::size_t> FindIndentStep(const YAML::Node& node) {
  if (node.Style() == YAML::EmitterStyle::Flow) {
    return std::nullopt;
  }
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      if (auto step = FindIndentStep(item)) {
        return step;
      }
    }
    return std::nullopt;
  }
  if (!node.IsMap()) {
    return std::nullopt;
  }
  for (const auto& entry : node) {
    const YAML::Node& value = entry.second;
    if (value.IsMap() && value.Style() != YAML::EmitterStyle::Flow && value.size() > 0 &&
        value.Mark().line > entry.first.Mark().line &&
        value.Mark().column > entry.first.Mark().column) {
      return static_cast<std::size_t>(value.Mark().column - entry.first.Mark().column);
    }
  }
  for (const auto& entry : node) {
    if (auto step = FindIndentStep(entry.second)) {
      return step;
    }
  }
  return std::nullopt;
}

}  // namespace

std::size_t IndentStep(const YAML::Node& document) { return FindIndentStep(document).value_or(2); }

}  // namespace rampart::remediate
