#include "posture/yaml_tree.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <istream>
#include <map>
#include <streambuf>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "core/utf8.h"

namespace rampart::posture {
namespace {

constexpr std::array<std::string_view, 11> kTrueWords = {
    "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
constexpr std::array<std::string_view, 11> kFalseWords = {
    "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};

// A read-only stream over a string_view, so yaml-cpp reads the text without a copy.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

// Raised inside the builder and caught in ParseYamlDocument; never leaves this file.
struct BuildError {
  YAML::Mark mark;
  std::string message;
};

std::size_t CountNodes(const YamlNode& node) {
  std::size_t count = 1;
  for (const YamlNode& child : node.children) {
    count += CountNodes(child);
  }
  return count;
}

// Builds a YamlNode tree from yaml-cpp events. Frames on `stack_` are nodes still open.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::uint32_t first_line, const YamlLimits& limits)
      : first_line_(first_line), limits_(limits) {}

  bool has_root() const { return has_root_; }
  YamlNode TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode node = Open(mark, YamlNode::Kind::kNull);
    Close(std::move(node), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = anchors_.find(anchor);
    if (found == anchors_.end()) {
      throw BuildError{mark, "alias refers to an unknown anchor"};
    }
    node_count_ += CountNodes(found->second);
    CheckNodeCount(mark);
    Close(YamlNode(found->second), 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // yaml-cpp passes invalid bytes through, and findings and patches made from this text
    // must be valid JSON strings.
    const std::size_t invalid = FindInvalidUtf8(value);
    if (invalid != std::string::npos) {
      throw BuildError{mark, fmt::format("invalid UTF-8 byte 0x{:02X} at offset {} of a scalar; "
                                         "YAML text must be UTF-8, so convert the file "
                                         "(for example with iconv -t UTF-8)",
                                         static_cast<unsigned char>(value[invalid]), invalid)};
    }
    YamlNode node = Open(mark, YamlNode::Kind::kScalar);
    // yaml-cpp reports "?" for a plain scalar and "!" for a quoted or block one.
    node.quoted = tag == "!" || tag == "tag:yaml.org,2002:str";
    node.value = value;
    Close(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    Push(mark, YamlNode::Kind::kSequence, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { Pop(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    Push(mark, YamlNode::Kind::kMapping, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override { Pop(); }

 private:
  struct Frame {
    YamlNode node;
    YAML::anchor_t anchor = 0;
    bool expecting_key = true;  // mappings alternate key, value
    std::string pending_key;
    YamlMark pending_key_mark;
    std::vector<YamlNode> merges;  // values of "<<" keys
  };

  YamlNode Open(const YAML::Mark& mark, YamlNode::Kind kind) {
    ++node_count_;
    CheckNodeCount(mark);
    YamlNode node;
    node.kind = kind;
    node.line = first_line_ + static_cast<std::uint32_t>(mark.line);
    node.column = static_cast<std::uint32_t>(mark.column) + 1;
    return node;
  }

  void CheckNodeCount(const YAML::Mark& mark) const {
    if (node_count_ > limits_.max_nodes) {
      throw BuildError{mark, fmt::format("document has more than {} nodes after aliases are "
                                         "expanded; split it or remove alias repetition",
                                         limits_.max_nodes)};
    }
  }

  void Push(const YAML::Mark& mark, YamlNode::Kind kind, YAML::anchor_t anchor, bool flow) {
    if (stack_.size() >= limits_.max_depth) {
      throw BuildError{mark, fmt::format("nesting deeper than {} levels", limits_.max_depth)};
    }
    Frame frame;
    frame.node = Open(mark, kind);
    frame.node.flow = flow;
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void Pop() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.node.IsMapping()) {
      ApplyMerges(frame);
    }
    Close(std::move(frame.node), frame.anchor);
  }

  // Adds the keys of "<<" merge values that the mapping does not set itself.
  static void ApplyMerges(Frame& frame) {
    for (const YamlNode& merge : frame.merges) {
      std::vector<const YamlNode*> sources;
      if (merge.IsMapping()) {
        sources.push_back(&merge);
      } else if (merge.IsSequence()) {
        for (const YamlNode& item : merge.children) {
          sources.push_back(&item);
        }
      }
      for (const YamlNode* source : sources) {
        if (!source->IsMapping()) {
          throw BuildError{YAML::Mark(), "a << merge value must be a mapping"};
        }
        for (std::size_t i = 0; i < source->keys.size(); ++i) {
          if (frame.node.Find(source->keys[i]) == nullptr) {
            frame.node.keys.push_back(source->keys[i]);
            frame.node.key_marks.push_back(source->key_marks[i]);
            frame.node.children.push_back(source->children[i]);
          }
        }
      }
    }
  }

  // Hands a finished node to its parent, or makes it the document root.
  void Close(YamlNode node, YAML::anchor_t anchor) {
    if (anchor != 0) {
      anchors_[anchor] = node;
    }
    if (stack_.empty()) {
      root_ = std::move(node);
      has_root_ = true;
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node.IsSequence()) {
      parent.node.children.push_back(std::move(node));
      return;
    }
    if (parent.expecting_key) {
      AcceptKey(parent, node);
      return;
    }
    parent.expecting_key = true;
    if (parent.pending_key == "<<" && !parent.node.Find("<<")) {
      parent.merges.push_back(std::move(node));
      return;
    }
    parent.node.keys.push_back(std::move(parent.pending_key));
    parent.node.key_marks.push_back(parent.pending_key_mark);
    parent.node.children.push_back(std::move(node));
  }

  void AcceptKey(Frame& parent, const YamlNode& key) {
    YAML::Mark mark;
    mark.line = static_cast<int>(key.line - first_line_);
    mark.column = static_cast<int>(key.column) - 1;
    if (key.IsMapping() || key.IsSequence()) {
      throw BuildError{mark,
                       "mapping key is a mapping or sequence; Kubernetes accepts only "
                       "scalar keys"};
    }
    std::string text = key.IsNull() ? "null" : key.value;
    if (parent.node.Find(text) != nullptr) {
      throw BuildError{mark, fmt::format("mapping key \"{}\" is already defined in this mapping; "
                                         "Kubernetes rejects duplicate keys, remove one",
                                         text)};
    }
    parent.pending_key = std::move(text);
    parent.pending_key_mark = {key.line, key.column};
    parent.expecting_key = false;
  }

  std::uint32_t first_line_;
  YamlLimits limits_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, YamlNode> anchors_;
  std::size_t node_count_ = 0;
  YamlNode root_;
  bool has_root_ = false;
};

bool IsMarkerLine(std::string_view line, std::string_view marker) {
  if (line.substr(0, 3) != marker) {
    return false;
  }
  return line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r';
}

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  std::string digits;
  digits.reserve(text.size());
  for (char c : text) {
    if (c != '_') {
      digits.push_back(c);
    }
  }
  std::string_view rest = digits;
  bool negative = false;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  int base = 10;
  if (rest.size() > 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X')) {
    base = 16;
    rest.remove_prefix(2);
  } else if (rest.size() > 2 && rest[0] == '0' && (rest[1] == 'o' || rest[1] == 'O')) {
    base = 8;
    rest.remove_prefix(2);
  } else if (rest.size() > 2 && rest[0] == '0' && (rest[1] == 'b' || rest[1] == 'B')) {
    base = 2;
    rest.remove_prefix(2);
  } else if (rest.size() > 1 && rest[0] == '0') {
    base = 8;
    rest.remove_prefix(1);
  }
  if (rest.empty()) {
    return std::nullopt;
  }
  std::uint64_t magnitude = 0;
  const auto [end, error] =
      std::from_chars(rest.data(), rest.data() + rest.size(), magnitude, base);
  if (error != std::errc() || end != rest.data() + rest.size()) {
    return std::nullopt;
  }
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  if (magnitude > limit) {
    return std::nullopt;
  }
  if (negative) {
    return static_cast<std::int64_t>(0 - magnitude);
  }
  return static_cast<std::int64_t>(magnitude);
}

// Returns the first document that may not follow an earlier one without a "---" line, or
// nullptr. YAML ends a document without a marker only at the end of the text. kubectl also
// reads JSON objects one after another, so several documents in one chunk are accepted when
// every one is a flow mapping or sequence.
const YamlNode* FindContentAfterDocument(const std::vector<YamlNode>& documents) {
  if (documents.size() < 2) {
    return nullptr;
  }
  const auto is_json = [](const YamlNode& node) {
    return node.flow && (node.IsMapping() || node.IsSequence());
  };
  if (!is_json(documents.front())) {
    return &documents[1];
  }
  for (const YamlNode& document : documents) {
    if (!is_json(document)) {
      return &document;
    }
  }
  return nullptr;
}

}  // namespace

const YamlNode* YamlNode::Find(std::string_view key) const {
  if (kind != Kind::kMapping) {
    return nullptr;
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) {
      return &children[i];
    }
  }
  return nullptr;
}

YamlNode* YamlNode::Find(std::string_view key) {
  return const_cast<YamlNode*>(static_cast<const YamlNode*>(this)->Find(key));
}

const YamlNode* YamlNode::FindPath(std::initializer_list<std::string_view> path) const {
  const YamlNode* node = this;
  for (std::string_view key : path) {
    node = node->Find(key);
    if (node == nullptr) {
      return nullptr;
    }
  }
  return node;
}

std::optional<std::string_view> ScalarText(const YamlNode* node) {
  if (node == nullptr || !node->IsScalar()) {
    return std::nullopt;
  }
  return std::string_view(node->value);
}

std::string_view StringOr(const YamlNode* node, std::string_view fallback) {
  return ScalarText(node).value_or(fallback);
}

std::optional<bool> ScalarBool(const YamlNode* node) {
  const auto text = ScalarText(node);
  if (!text) {
    return std::nullopt;
  }
  for (std::string_view word : kTrueWords) {
    if (*text == word) {
      return true;
    }
  }
  for (std::string_view word : kFalseWords) {
    if (*text == word) {
      return false;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> ScalarInt(const YamlNode* node) {
  const auto text = ScalarText(node);
  if (!text || text->empty()) {
    return std::nullopt;
  }
  return ParseInteger(*text);
}

Result<std::vector<YamlNode>> ParseYamlDocuments(std::string_view text, std::uint32_t first_line,
                                                 const YamlLimits& limits,
                                                 std::uint32_t* error_line) {
  ViewBuffer buffer(text);
  std::istream stream(&buffer);
  const auto fail = [&](const YAML::Mark& mark, std::string_view message) {
    const std::uint32_t line = first_line + static_cast<std::uint32_t>(std::max(mark.line, 0));
    if (error_line != nullptr) {
      *error_line = line;
    }
    return InvalidArgument(
        fmt::format("line {}, column {}: {}", line, std::max(mark.column, 0) + 1, message));
  };
  std::vector<YamlNode> documents;
  try {
    YAML::Parser parser(stream);
    for (;;) {
      TreeBuilder builder(first_line, limits);
      if (!parser.HandleNextDocument(builder)) {
        break;
      }
      if (builder.has_root()) {
        documents.push_back(builder.TakeRoot());
      }
    }
  } catch (const YAML::Exception& error) {
    return fail(error.mark, "invalid YAML: " + error.msg);
  } catch (const BuildError& error) {
    return fail(error.mark, error.message);
  }
  if (const YamlNode* extra = FindContentAfterDocument(documents)) {
    YAML::Mark mark;
    mark.line = static_cast<int>(extra->line - first_line);
    mark.column = static_cast<int>(extra->column) - 1;
    return fail(mark,
                "content after the end of the document; start each YAML document with a "
                "\"---\" line, or write only JSON objects one after another");
  }
  return documents;
}

Result<YamlNode> ParseYamlDocument(std::string_view text, std::uint32_t first_line,
                                   const YamlLimits& limits, std::uint32_t* error_line) {
  auto documents = ParseYamlDocuments(text, first_line, limits, error_line);
  if (!documents) {
    return documents.status();
  }
  if (documents->empty()) {
    return YamlNode{};
  }
  if (documents->size() > 1) {
    const YamlNode& second = (*documents)[1];
    if (error_line != nullptr) {
      *error_line = second.line;
    }
    return InvalidArgument(
        fmt::format("line {}, column {}: a second document starts here; expected one document",
                    second.line, second.column));
  }
  return std::move(documents->front());
}

std::vector<YamlChunk> SplitYamlDocuments(std::string_view text) {
  std::vector<YamlChunk> chunks;
  std::size_t chunk_start = 0;
  std::uint32_t chunk_line = 1;
  std::uint32_t line_number = 1;
  std::size_t position = 0;
  while (position < text.size()) {
    const std::size_t newline = text.find('\n', position);
    const std::size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = text.substr(position, line_end - position);
    const bool starts = IsMarkerLine(line, "---");
    const bool ends = IsMarkerLine(line, "...");
    if (starts && position > chunk_start) {
      chunks.push_back({text.substr(chunk_start, position - chunk_start), chunk_line});
      chunk_start = position;
      chunk_line = line_number;
    }
    const std::size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
    if (ends) {
      chunks.push_back({text.substr(chunk_start, position - chunk_start), chunk_line});
      chunk_start = next;
      chunk_line = line_number + 1;
    }
    position = next;
    ++line_number;
  }
  if (chunk_start < text.size()) {
    chunks.push_back({text.substr(chunk_start), chunk_line});
  }
  return chunks;
}

bool SameContent(const YamlNode& a, const YamlNode& b) {
  if (a.kind != b.kind || a.keys != b.keys || a.children.size() != b.children.size()) {
    return false;
  }
  if (a.IsScalar() && a.value != b.value) {
    return false;
  }
  for (std::size_t i = 0; i < a.children.size(); ++i) {
    if (!SameContent(a.children[i], b.children[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace rampart::posture
