#include "posture/yaml_patch.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

namespace rampart::posture {
namespace {

// Line starts of a text, for turning 1-based positions into byte offsets.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        starts_.push_back(i + 1);
      }
    }
  }

  std::uint32_t count() const { return static_cast<std::uint32_t>(starts_.size()); }

  std::size_t Offset(std::uint32_t line, std::uint32_t column) const {
    return std::min(text_.size(), starts_[line - 1] + column - 1);
  }

  // Returns the offset where the line after `line` starts, or the end of the text.
  std::size_t NextLineStart(std::uint32_t line) const {
    return line < count() ? starts_[line] : text_.size();
  }

  // Returns line `line` without its line ending.
  std::string_view Line(std::uint32_t line) const {
    std::string_view content =
        text_.substr(starts_[line - 1], NextLineStart(line) - starts_[line - 1]);
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
      content.remove_suffix(1);
    }
    return content;
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

std::size_t Indentation(std::string_view line) {
  const std::size_t first = line.find_first_not_of(' ');
  return first == std::string_view::npos ? line.size() : first;
}

bool IsBlankOrComment(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t");
  return first == std::string_view::npos || line[first] == '#';
}

bool IsDashLine(std::string_view line, std::size_t indentation) {
  return line.size() > indentation && line[indentation] == '-' &&
         (line.size() == indentation + 1 || line[indentation + 1] == ' ');
}

// Returns the last line of a block node whose entries sit at `indentation`, scanning from
// `start_line`. The node goes on through more indented lines and through "- " lines at the same
// indentation (an unindented sequence under its last key); comments and blank lines between
// them do not end it.
std::uint32_t LastLine(const LineIndex& lines, std::uint32_t start_line, std::size_t indentation) {
  std::uint32_t last = start_line;
  for (std::uint32_t line = start_line + 1; line <= lines.count(); ++line) {
    const std::string_view content = lines.Line(line);
    if (IsBlankOrComment(content)) {
      continue;
    }
    if (content.substr(0, 3) == "---" || content.substr(0, 3) == "...") {
      break;
    }
    const std::size_t indent = Indentation(content);
    if (indent > indentation || (indent == indentation && IsDashLine(content, indent))) {
      last = line;
      continue;
    }
    break;
  }
  return last;
}

// The layout habits of one document, copied into inserted text.
struct Style {
  std::size_t step = 2;             // indentation of a nested mapping under its key
  std::size_t sequence_offset = 2;  // indentation of "- " under its key (0: unindented)
  std::string newline = "\n";
};

void CollectStyle(const YamlNode& node, const LineIndex& lines, std::map<std::size_t, int>& steps,
                  std::map<std::size_t, int>& offsets) {
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const YamlNode& child = node.children[i];
    if (node.IsMapping() && !node.flow && i < node.key_marks.size() &&
        node.key_marks[i].line != 0) {
      const YamlMark key = node.key_marks[i];
      if (child.IsMapping() && !child.flow && !child.key_marks.empty() &&
          child.key_marks[0].line > key.line && child.key_marks[0].column > key.column) {
        ++steps[child.key_marks[0].column - key.column];
      }
      if (child.IsSequence() && !child.flow && !child.children.empty() &&
          child.children[0].line > key.line) {
        const std::size_t dash = Indentation(lines.Line(child.children[0].line));
        if (dash + 1 >= key.column) {
          ++offsets[dash + 1 - key.column];
        }
      }
    }
    CollectStyle(child, lines, steps, offsets);
  }
}

std::size_t MostCommon(const std::map<std::size_t, int>& counts, std::size_t fallback) {
  std::size_t best = fallback;
  int best_count = 0;
  for (const auto& [value, count] : counts) {
    if (count > best_count) {
      best = value;
      best_count = count;
    }
  }
  return best;
}

Style DetectStyle(std::string_view text, const YamlNode& document, const LineIndex& lines) {
  std::map<std::size_t, int> steps;
  std::map<std::size_t, int> offsets;
  CollectStyle(document, lines, steps, offsets);
  Style style;
  style.step = MostCommon(steps, 2);
  style.sequence_offset = MostCommon(offsets, style.step);
  if (text.find("\r\n") != std::string_view::npos) {
    style.newline = "\r\n";
  }
  return style;
}

// Returns the offset of the bracket that closes the one at `open`, skipping quoted text.
std::optional<std::size_t> MatchingBracket(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      for (++i; i < text.size() && text[i] != c; ++i) {
        if (c == '"' && text[i] == '\\') {
          ++i;
        }
      }
      continue;
    }
    if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && --depth == 0) {
      return i;
    }
  }
  return std::nullopt;
}

std::string QuoteLike(char quote, std::string_view value) {
  std::string quoted(1, quote);
  for (char c : value) {
    if (quote == '\'' && c == '\'') {
      quoted += "''";
    } else if (quote == '"' && (c == '"' || c == '\\')) {
      quoted += std::string("\\") + c;
    } else {
      quoted.push_back(c);
    }
  }
  return quoted + quote;
}

class Patcher {
 public:
  Patcher(std::string_view text, const Style& style) : text_(text), lines_(text), style_(style) {}

  Result<std::optional<TextEdit>> Plan(const YamlNode& object, const FieldPatch& patch) {
    auto segments = ParseFieldPath(patch.path);
    if (!segments) {
      return segments.status();
    }
    const YamlNode* node = &object;
    const YamlNode* parent = nullptr;
    std::size_t key_index = 0;
    for (std::size_t i = 0; i < segments->size(); ++i) {
      const PathSegment& segment = (*segments)[i];
      if (segment.kind != PathSegment::Kind::kKey) {
        const YamlNode* item = node->IsSequence() ? FindItem(*node, segment) : nullptr;
        if (item == nullptr) {
          return NotFound(fmt::format("field path {}: no item matches {}", patch.path,
                                      FormatFieldPath({segment})));
        }
        parent = node;
        node = item;
        continue;
      }
      if (node->IsMapping()) {
        const auto found = std::find(node->keys.begin(), node->keys.end(), segment.key);
        if (found != node->keys.end()) {
          parent = node;
          key_index = static_cast<std::size_t>(found - node->keys.begin());
          node = &node->children[key_index];
          continue;
        }
      }
      const std::vector<std::string> rest = RemainingKeys(*segments, i);
      if (rest.size() != segments->size() - i) {
        return NotFound(
            fmt::format("field path {}: {} does not exist, and a [...] step cannot "
                        "be created",
                        patch.path, segment.key));
      }
      if (node->IsMapping()) {
        return InsertIntoMapping(*node, rest, patch);
      }
      if (node->IsNull() && parent != nullptr && parent->IsMapping()) {
        return InsertUnderKey(*parent, key_index, rest, patch);
      }
      return FailedPrecondition(
          fmt::format("field path {}: {} is not under a mapping", patch.path, segment.key));
    }
    return ChangeTarget(*node, parent, key_index, patch);
  }

 private:
  static const YamlNode* FindItem(const YamlNode& sequence, const PathSegment& segment) {
    if (segment.kind == PathSegment::Kind::kIndex) {
      return segment.index < sequence.children.size() ? &sequence.children[segment.index] : nullptr;
    }
    for (const YamlNode& item : sequence.children) {
      const YamlNode* field = item.Find(segment.key);
      if (field != nullptr && StringOr(field) == segment.match) {
        return &item;
      }
    }
    return nullptr;
  }

  // Returns the keys from step `from` on, stopping at the first [...] step.
  static std::vector<std::string> RemainingKeys(const std::vector<PathSegment>& segments,
                                                std::size_t from) {
    std::vector<std::string> keys;
    for (std::size_t i = from; i < segments.size(); ++i) {
      if (segments[i].kind != PathSegment::Kind::kKey) {
        break;
      }
      keys.push_back(segments[i].key);
    }
    return keys;
  }

  Result<std::optional<TextEdit>> ChangeTarget(const YamlNode& node, const YamlNode* parent,
                                               std::size_t key_index, const FieldPatch& patch) {
    if (patch.op == FieldPatch::Op::kAppend) {
      if (node.IsSequence()) {
        return AppendToSequence(node, patch.value);
      }
      if (node.IsNull() && parent != nullptr && parent->IsMapping()) {
        return InsertUnderKey(*parent, key_index, {}, patch);
      }
      return FailedPrecondition(fmt::format("field path {} is not a sequence", patch.path));
    }
    if (node.IsScalar()) {
      return ReplaceScalar(node, parent, patch.value);
    }
    if (node.IsNull() && parent != nullptr && parent->IsMapping()) {
      return InsertUnderKey(*parent, key_index, {}, patch);
    }
    return FailedPrecondition(
        fmt::format("field path {} is a mapping or sequence, not a scalar", patch.path));
  }

  std::string Indent(std::size_t width) const { return std::string(width, ' '); }

  // Returns the lines of keys[0]: keys[1]: ... : value, starting at `indentation`.
  std::string BlockChain(const std::vector<std::string>& keys, std::size_t indentation,
                         const FieldPatch& patch) const {
    std::string text;
    for (std::size_t j = 0; j < keys.size(); ++j) {
      text += Indent(indentation + j * style_.step) + keys[j] + ":";
      if (j + 1 < keys.size()) {
        text += style_.newline;
      }
    }
    const std::size_t last = indentation + (keys.empty() ? 0 : (keys.size() - 1) * style_.step);
    if (patch.op == FieldPatch::Op::kSet) {
      return text + " " + patch.value.ToYaml() + style_.newline;
    }
    return text + style_.newline + Indent(last + style_.sequence_offset) + "- " +
           patch.value.ToYaml() + style_.newline;
  }

  // Returns keys[0]: {keys[1]: ... value} for a flow mapping.
  static std::string FlowChain(const std::vector<std::string>& keys, const FieldPatch& patch) {
    std::string value =
        patch.op == FieldPatch::Op::kSet ? patch.value.ToYaml() : "[" + patch.value.ToYaml() + "]";
    for (std::size_t j = keys.size(); j-- > 1;) {
      value = "{" + keys[j] + ": " + value + "}";
    }
    return keys[0] + ": " + value;
  }

  // Inserts at the start of the line after `line`, adding a line ending when the text ends
  // without one.
  TextEdit InsertAfterLine(std::uint32_t line, std::string inserted) const {
    const std::size_t offset = lines_.NextLineStart(line);
    if (offset == text_.size() && !text_.empty() && text_.back() != '\n') {
      inserted = style_.newline + inserted;
    }
    return {offset, 0, std::move(inserted)};
  }

  Result<std::optional<TextEdit>> InsertIntoFlow(const YamlNode& node, std::string item) const {
    const std::size_t open = lines_.Offset(node.line, node.column);
    const auto close = open < text_.size() ? MatchingBracket(text_, open) : std::nullopt;
    if (!close) {
      return FailedPrecondition("cannot find the end of a flow collection");
    }
    std::size_t at = *close;
    while (at > open + 1 && text_[at - 1] == ' ') {
      --at;
    }
    const bool empty = node.children.empty();
    return std::optional<TextEdit>(TextEdit{at, 0, (empty ? "" : ", ") + item});
  }

  Result<std::optional<TextEdit>> InsertIntoMapping(const YamlNode& mapping,
                                                    const std::vector<std::string>& keys,
                                                    const FieldPatch& patch) const {
    if (mapping.flow) {
      return InsertIntoFlow(mapping, FlowChain(keys, patch));
    }
    if (mapping.key_marks.empty() || mapping.key_marks[0].line == 0) {
      return FailedPrecondition("cannot place a key in a mapping without keys");
    }
    const std::size_t indentation = mapping.key_marks[0].column - 1;
    const std::uint32_t last = LastLine(lines_, mapping.key_marks.back().line, indentation);
    return std::optional<TextEdit>(InsertAfterLine(last, BlockChain(keys, indentation, patch)));
  }

  // Fills the empty value of key `key_index` of `mapping`: "key:" becomes "key: value", or
  // gets a block of the remaining keys under it.
  Result<std::optional<TextEdit>> InsertUnderKey(const YamlNode& mapping, std::size_t key_index,
                                                 const std::vector<std::string>& keys,
                                                 const FieldPatch& patch) const {
    const YamlMark key = mapping.key_marks[key_index];
    if (mapping.flow || key.line == 0) {
      return FailedPrecondition("cannot fill an empty value in a flow mapping");
    }
    const std::string_view line = lines_.Line(key.line);
    const std::size_t colon = line.find(':', key.column - 1 + mapping.keys[key_index].size());
    const std::size_t rest = colon == std::string_view::npos
                                 ? std::string_view::npos
                                 : line.find_first_not_of(' ', colon + 1);
    if (colon == std::string_view::npos || (rest != std::string_view::npos && line[rest] != '#')) {
      return FailedPrecondition(
          fmt::format("line {}: {} has a value written as null; set it by hand", key.line,
                      mapping.keys[key_index]));
    }
    if (keys.empty() && patch.op == FieldPatch::Op::kSet) {
      const std::size_t offset = lines_.Offset(key.line, 1) + colon + 1;
      return std::optional<TextEdit>(TextEdit{offset, 0, " " + patch.value.ToYaml()});
    }
    const std::size_t indentation = key.column - 1;
    std::string block;
    if (keys.empty()) {
      block = Indent(indentation + style_.sequence_offset) + "- " + patch.value.ToYaml() +
              style_.newline;
    } else {
      block = BlockChain(keys, indentation + style_.step, patch);
    }
    return std::optional<TextEdit>(InsertAfterLine(key.line, std::move(block)));
  }

  Result<std::optional<TextEdit>> AppendToSequence(const YamlNode& sequence,
                                                   const PatchValue& value) const {
    for (const YamlNode& item : sequence.children) {
      if (item.IsScalar() && item.value == value.text) {
        return std::optional<TextEdit>();
      }
    }
    if (sequence.flow) {
      return InsertIntoFlow(sequence, value.ToYaml());
    }
    const YamlNode& last_item = sequence.children.back();
    const std::string_view line = lines_.Line(last_item.line);
    const std::size_t dash = Indentation(line);
    if (!IsDashLine(line, dash)) {
      return FailedPrecondition(
          fmt::format("line {}: the sequence item does not start with \"- \"", last_item.line));
    }
    const std::size_t gap = line.find_first_not_of(' ', dash + 1) - dash - 1;
    const std::uint32_t last = LastLine(lines_, last_item.line, dash);
    return std::optional<TextEdit>(InsertAfterLine(last, Indent(dash) + "-" +
                                                             Indent(std::max<std::size_t>(gap, 1)) +
                                                             value.ToYaml() + style_.newline));
  }

  Result<std::optional<TextEdit>> ReplaceScalar(const YamlNode& node, const YamlNode* parent,
                                                const PatchValue& value) const {
    const std::size_t start = lines_.Offset(node.line, node.column);
    const std::string_view line = lines_.Line(node.line);
    const std::size_t line_start = lines_.Offset(node.line, 1);
    const std::size_t end_of_line = line_start + line.size();
    const char first = start < text_.size() ? text_[start] : '\0';
    std::size_t end = start;
    std::string replacement = value.ToYaml();
    if (first == '"' || first == '\'') {
      for (end = start + 1; end < end_of_line; ++end) {
        if (first == '"' && text_[end] == '\\') {
          ++end;  // skip the escaped character
        } else if (text_[end] == first) {
          if (first == '\'' && end + 1 < end_of_line && text_[end + 1] == '\'') {
            ++end;  // '' is a quote inside single quotes
            continue;
          }
          break;
        }
      }
      if (end >= end_of_line) {
        return FailedPrecondition(
            fmt::format("line {}: the quoted value spans several lines", node.line));
      }
      ++end;
      if (value.type == PatchValue::Type::kString) {
        replacement = QuoteLike(first, value.text);
      }
    } else if (first == '|' || first == '>') {
      return FailedPrecondition(fmt::format("line {}: the value is a block scalar", node.line));
    } else {
      const bool in_flow = parent != nullptr && parent->flow;
      for (end = start; end < end_of_line; ++end) {
        const char c = text_[end];
        if ((c == '#' && end > start && text_[end - 1] == ' ') ||
            (in_flow && (c == ',' || c == ']' || c == '}'))) {
          break;
        }
      }
      while (end > start && (text_[end - 1] == ' ' || text_[end - 1] == '\t')) {
        --end;
      }
      if (text_.substr(start, end - start) != node.value) {
        return FailedPrecondition(fmt::format("line {}: the value spans several lines", node.line));
      }
    }
    if (text_.substr(start, end - start) == replacement) {
      return std::optional<TextEdit>();
    }
    return std::optional<TextEdit>(TextEdit{start, end - start, std::move(replacement)});
  }

  std::string_view text_;
  LineIndex lines_;
  Style style_;
};

// Returns the document at `location`, parsed, counting documents as LoadManifestText does.
Result<YamlNode> LocateDocument(std::string_view text, const ObjectLocation& location) {
  std::uint32_t document = 0;
  for (const YamlChunk& chunk : SplitYamlDocuments(text)) {
    auto roots = ParseYamlDocuments(chunk.text, chunk.first_line);
    if (!roots) {
      if (document++ == location.document) {
        return roots.status();
      }
      continue;
    }
    for (YamlNode& root : *roots) {
      if (!root.IsNull() && document++ == location.document) {
        return std::move(root);
      }
    }
  }
  return NotFound(fmt::format("the text has no document {}", location.document));
}

// Returns the object at `list_path` ("items[N]") in a List document, or the document itself
// when the path is empty. Returns nullptr when there is no such item.
const YamlNode* LocateObject(const YamlNode& document, const std::string& list_path) {
  if (list_path.empty()) {
    return &document;
  }
  auto segments = ParseFieldPath(list_path);
  const YamlNode* items = document.Find("items");
  if (!segments || segments->size() != 2 || (*segments)[1].kind != PathSegment::Kind::kIndex ||
      items == nullptr || !items->IsSequence() || (*segments)[1].index >= items->children.size()) {
    return nullptr;
  }
  return &items->children[(*segments)[1].index];
}

}  // namespace

Result<PatchedText> ApplyPatchesToText(std::string_view text, const ObjectLocation& location,
                                       const std::vector<FieldPatch>& patches) {
  PatchedText patched{std::string(text), {}};
  for (const FieldPatch& patch : patches) {
    auto document = LocateDocument(patched.text, location);
    if (!document) {
      return document.status();
    }
    const YamlNode* object = LocateObject(*document, location.list_path);
    if (object == nullptr) {
      return NotFound(fmt::format("document {} has no {}", location.document, location.list_path));
    }
    const LineIndex lines(patched.text);
    const Style style = DetectStyle(patched.text, *document, lines);
    Patcher patcher(patched.text, style);
    auto edit = patcher.Plan(*object, patch);
    if (!edit) {
      return edit.status().WithContext(patch.ToString());
    }
    if (!*edit) {
      continue;
    }
    patched.text.replace((*edit)->offset, (*edit)->removed, (*edit)->inserted);
    patched.edits.push_back(std::move(**edit));
  }
  return patched;
}

}  // namespace rampart::posture
