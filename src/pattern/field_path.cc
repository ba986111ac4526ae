#include "pattern/field_path.h"

#include <fmt/format.h>

#include "pattern/errors.h"

namespace rampart::pattern {
namespace {

// Longer array indexes are rejected as typos, because no event contains such an array.
constexpr std::size_t kMaxIndexDigits = 9;

bool IsPlainNameChar(char c) {
  return c != '.' && c != '[' && c != ']' && c != '"' && static_cast<unsigned char>(c) > ' ' &&
         c != 0x7f;
}

class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  Result<FieldPath> Parse() {
    if (Peek() == '$') {
      ++position_;
    } else if (!AtEnd() && Peek() != '.' && Peek() != '[') {
      RAMPART_RETURN_IF_ERROR(ReadMember());  // the first member needs no dot
    }
    while (!AtEnd()) {
      const char c = text_[position_++];
      if (c == '.') {
        RAMPART_RETURN_IF_ERROR(ReadMember());
      } else if (c == '[') {
        RAMPART_RETURN_IF_ERROR(ReadBracket());
      } else {
        return Fail("expected . or [");
      }
    }
    if (path_.steps.empty()) {
      return Fail("expected a field such as detail.findings[0].Severity.Normalized");
    }
    return std::move(path_);
  }

 private:
  bool AtEnd() const { return position_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[position_]; }

  Status Fail(std::string_view expected) const {
    return InvalidArgument(fmt::format("field path \"{}\" is invalid at character {}: {}", text_,
                                       position_ + 1, expected));
  }

  // Reads a plain or quoted member name after a dot.
  Status ReadMember() {
    FieldPath::Step step;
    if (Peek() == '"') {
      RAMPART_RETURN_IF_ERROR(ReadQuoted(step.member));
    } else {
      const std::size_t start = position_;
      while (!AtEnd() && IsPlainNameChar(Peek())) {
        ++position_;
      }
      if (position_ == start) {
        return Fail("expected a member name, or one in double quotes");
      }
      step.member = std::string(text_.substr(start, position_ - start));
    }
    path_.steps.push_back(std::move(step));
    return Status::Ok();
  }

  // Reads ["text"] or [N] after the opening bracket.
  Status ReadBracket() {
    FieldPath::Step step;
    if (Peek() == '"') {
      RAMPART_RETURN_IF_ERROR(ReadQuoted(step.member));
    } else {
      const std::size_t start = position_;
      while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
        step.index = step.index * 10 + static_cast<std::size_t>(Peek() - '0');
        ++position_;
      }
      const std::size_t digits = position_ - start;
      if (digits == 0 || digits > kMaxIndexDigits || (digits > 1 && text_[start] == '0')) {
        return Fail("expected an array index such as [0], or a member name such as [\"a.b\"]");
      }
      step.is_index = true;
    }
    if (Peek() != ']') {
      return Fail("expected ]");
    }
    ++position_;
    path_.steps.push_back(std::move(step));
    return Status::Ok();
  }

  Status ReadQuoted(std::string& out) {
    ++position_;  // the opening quote
    while (!AtEnd() && Peek() != '"') {
      if (Peek() == '\\') {
        ++position_;
        if (Peek() != '"' && Peek() != '\\') {
          return Fail("expected \\\" or \\\\ after a backslash in a quoted name");
        }
      }
      out += text_[position_++];
    }
    if (AtEnd()) {
      return Fail("expected the closing double quote");
    }
    ++position_;
    if (out.empty()) {
      return Fail("a quoted member name must not be empty");
    }
    return Status::Ok();
  }

  std::string_view text_;
  std::size_t position_ = 0;
  FieldPath path_;
};

}  // namespace

std::string FieldPath::ToString() const {
  std::string text = "$";
  for (const Step& step : steps) {
    text = step.is_index ? AppendIndex(text, step.index) : AppendMember(text, step.member);
  }
  return text;
}

Result<FieldPath> ParseFieldPath(std::string_view text) { return PathParser(text).Parse(); }

const Json* ResolveFieldPath(const Json& document, const FieldPath& path) {
  const Json* node = &document;
  for (const FieldPath::Step& step : path.steps) {
    if (step.is_index) {
      if (!node->is_array() || step.index >= node->size()) {
        return nullptr;
      }
      node = &(*node)[step.index];
      continue;
    }
    if (!node->is_object()) {
      return nullptr;
    }
    const auto it = node->find(step.member);
    if (it == node->end()) {
      return nullptr;
    }
    node = &*it;
  }
  return node;
}

}  // namespace rampart::pattern
