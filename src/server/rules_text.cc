#include "server/rules_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/yaml.h"

namespace rampart::server {
namespace {

// Words that YAML readers take for booleans or null when they are plain.
constexpr std::array<std::string_view, 11> kReservedWords = {
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", "nan"};

bool IsReserved(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kReservedWords.begin(), kReservedWords.end(), lower) != kReservedWords.end();
}

// True when `text` reads back as the same string without quotes, in block and flow context.
bool SafePlain(std::string_view text) {
  if (text.empty() || text.back() == ' ' || IsReserved(text)) {
    return false;
  }
  if (!std::isalpha(static_cast<unsigned char>(text.front())) && text.front() != '_') {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' ||
           c == '-' || c == ' ';
  });
}

std::string Scalar(const Json& value) {
  if (value.is_string() && SafePlain(value.get_ref<const std::string&>())) {
    return value.get<std::string>();
  }
  return value.dump();  // JSON, which YAML reads as the same flow value
}

bool IsScalarList(const Json& value) {
  return value.is_array() && std::none_of(value.begin(), value.end(), [](const Json& item) {
           return item.is_structured() && !item.empty();
         });
}

std::string FlowList(const Json& list) {
  std::string text = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    text += (i == 0 ? "" : ", ") + Scalar(list[i]);
  }
  return text + "]";
}

std::string Key(const std::string& key) { return SafePlain(key) ? key : Json(key).dump(); }

// Writes one `key: value` entry; the value goes on following lines when it is a block.
std::string Entry(const std::string& key, const Json& value, std::size_t indent) {
  const std::string nested(indent + 2, ' ');
  if (value.is_object() && !value.empty()) {
    return Key(key) + ":\n" + nested + BlockYaml(value, indent + 2);
  }
  if (value.is_array() && !IsScalarList(value)) {
    std::string text = Key(key) + ":\n";
    for (const Json& item : value) {
      text += nested + "- " + BlockYaml(item, indent + 4);
    }
    return text;
  }
  return Key(key) + ": " + (value.is_array() ? FlowList(value) : Scalar(value)) + "\n";
}

std::size_t LineStart(std::string_view text, std::size_t offset) {
  const std::size_t newline = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  return newline == std::string_view::npos ? 0 : newline + 1;
}

std::size_t NextLineStart(std::string_view text, std::size_t offset) {
  const std::size_t newline = text.find('\n', offset);
  return newline == std::string_view::npos ? text.size() : newline + 1;
}

// True for a line with only spaces, or a comment.
bool BlankOrComment(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos || line[first] == '#';
}

std::size_t Indentation(std::string_view line) {
  const std::size_t first = line.find_first_not_of(' ');
  return first == std::string_view::npos ? line.size() : first;
}

// The rules list as parsed by yaml-cpp: where each item starts, and the column of its dash.
struct BlockList {
  std::vector<std::size_t> starts;  // offsets of the items' first lines
  std::size_t dash_column = 0;
};

std::optional<BlockList> FindBlockList(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
  const YAML::Node list = root.IsSequence() ? root : (root.IsMap() ? root["rules"] : YAML::Node());
  if (!list.IsSequence() || list.Style() != YAML::EmitterStyle::Block || list.size() == 0) {
    return std::nullopt;
  }
  BlockList result;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto pos = static_cast<std::size_t>(list[i].Mark().pos);
    std::size_t dash = pos;
    while (dash > 0 && text[dash - 1] == ' ') {
      --dash;
    }
    if (dash == 0 || text[dash - 1] != '-') {
      return std::nullopt;  // the item does not start on its dash's line
    }
    const std::size_t start = LineStart(text, dash - 1);
    const std::size_t column = dash - 1 - start;
    if (i > 0 && column != result.dash_column) {
      return std::nullopt;
    }
    result.dash_column = column;
    result.starts.push_back(start);
  }
  return result;
}

// Returns the end of item `index`: the start of the next item, or for the last item the first
// line indented no deeper than the dashes. Blank and comment lines just before that end are
// left out, because they belong to what follows.
std::size_t ItemEnd(std::string_view text, const BlockList& list, std::size_t index) {
  const std::size_t start = list.starts[index];
  std::size_t end = NextLineStart(text, start);
  if (index + 1 < list.starts.size()) {
    end = list.starts[index + 1];
  } else {
    while (end < text.size()) {
      const std::string_view line = text.substr(end, NextLineStart(text, end) - end);
      if (!BlankOrComment(line) && Indentation(line) <= list.dash_column) {
        break;
      }
      end = NextLineStart(text, end);
    }
  }
  while (end > NextLineStart(text, start)) {
    const std::size_t last = LineStart(text, end - 1);
    if (!BlankOrComment(text.substr(last, end - last))) {
      break;
    }
    end = last;
  }
  return end;
}

// Returns the start of the comment lines just above `start` that are indented like the dashes:
// the comment of the rule that starts there.
std::size_t CommentsAbove(std::string_view text, std::size_t start, std::size_t dash_column) {
  while (start > 0) {
    const std::size_t previous = LineStart(text, start - 1);
    const std::string_view line = text.substr(previous, start - previous);
    if (!BlankOrComment(line) || Indentation(line) != dash_column ||
        line.find('#') == std::string_view::npos) {
      break;
    }
    start = previous;
  }
  return start;
}

std::string ItemText(const Json& rule, std::size_t dash_column) {
  return std::string(dash_column, ' ') + "- " + BlockYaml(rule, dash_column + 2);
}

const Json& RulesOf(const Json& document) {
  return document.is_array() ? document : document.at("rules");
}

// Edits the text for one appended, replaced or removed rule; nullopt for anything else.
std::optional<std::string> EditText(std::string_view text, const Json& before, const Json& after) {
  const std::optional<BlockList> list = FindBlockList(text);
  if (!list || list->starts.size() != before.size()) {
    return std::nullopt;
  }
  std::string edited(text);
  const std::size_t last = before.size() - 1;
  if (after.size() == before.size() + 1 &&
      std::equal(before.begin(), before.end(), after.begin())) {
    const std::size_t end = ItemEnd(text, *list, last);
    const std::string prefix = end > 0 && text[end - 1] != '\n' ? "\n" : "";
    return edited.insert(end, prefix + ItemText(after.back(), list->dash_column));
  }
  std::size_t index = 0;
  while (index < std::min(before.size(), after.size()) && before[index] == after[index]) {
    ++index;
  }
  const std::size_t start = list->starts[std::min(index, last)];
  const std::size_t end = ItemEnd(text, *list, std::min(index, last));
  if (after.size() + 1 == before.size()) {
    const std::size_t first = CommentsAbove(text, start, list->dash_column);
    return edited.erase(first, end - first);
  }
  if (after.size() == before.size() && index < after.size()) {
    return edited.replace(start, end - start, ItemText(after[index], list->dash_column));
  }
  return std::nullopt;
}

}  // namespace

std::string BlockYaml(const Json& value, std::size_t indent) {
  if (!value.is_object() || value.empty()) {
    return (value.is_array() ? FlowList(value) : Scalar(value)) + "\n";
  }
  // A rule reads best with its name first; the other keys keep the document's order.
  std::string text;
  if (value.contains("name")) {
    text += Entry("name", value.at("name"), indent);
  }
  for (const auto& [key, item] : value.items()) {
    if (key != "name") {
      text += (text.empty() ? "" : std::string(indent, ' ')) + Entry(key, item, indent);
    }
  }
  return text;
}

std::string RulesFileText(std::string_view before_text, const Json& before_rules,
                          const Json& after) {
  const std::string whole = after.dump(2) + "\n";
  if (!before_rules.is_array() || !(after.is_array() || after.contains("rules"))) {
    return whole;
  }
  const std::optional<std::string> edited = EditText(before_text, before_rules, RulesOf(after));
  if (!edited) {
    return whole;
  }
  // The edit must read back as the intended document, or the whole document is written.
  auto reread = ParseJsonOrYaml(*edited, "edited rules");
  if (!reread || *reread != after) {
    return whole;
  }
  return *edited;
}

}  // namespace rampart::server
