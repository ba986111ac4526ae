#include "vuln/version_maven.h"

#include <array>

#include "vuln/version_text.h"

namespace rampart::vuln {
namespace {

using Kind = MavenItem::Kind;

MavenItem Number(std::string_view digits) {
  const std::size_t first = digits.find_first_not_of('0');
  return {
      Kind::kNumber, first == std::string_view::npos ? "0" : std::string(digits.substr(first)), {}};
}

MavenItem Qualifier(std::string_view word, bool followed_by_digit) {
  std::string value(word);
  if (followed_by_digit && value.size() == 1) {
    if (value == "a") {
      value = "alpha";
    } else if (value == "b") {
      value = "beta";
    } else if (value == "m") {
      value = "milestone";
    }
  }
  if (value == "ga" || value == "final" || value == "release") {
    value.clear();
  } else if (value == "cr") {
    value = "rc";
  }
  return {Kind::kQualifier, value, {}};
}

// The sort key of a qualifier: its index among the known ones, or "7-" and the word for
// an unknown one, compared as text. The release itself ("") has index 5.
std::string QualifierKey(const std::string& qualifier) {
  constexpr std::array<std::string_view, 7> kKnown = {"alpha",    "beta", "milestone", "rc",
                                                      "snapshot", "",     "sp"};
  for (std::size_t i = 0; i < kKnown.size(); ++i) {
    if (qualifier == kKnown[i]) {
      return std::to_string(i);
    }
  }
  return "7-" + qualifier;
}

const std::string& ReleaseKey() {
  static const std::string key = QualifierKey("");
  return key;
}

bool IsNull(const MavenItem& item) {
  switch (item.kind) {
    case Kind::kNumber:
      return item.text == "0";
    case Kind::kQualifier:
      return QualifierKey(item.text) == ReleaseKey();
    case Kind::kList:
      return item.items.empty();
  }
  return false;
}

// Drops trailing null items (0, the release qualifier, empty lists), looking past
// sub-lists but stopping at the first other non-null item. Sub-lists are normalized first.
void Normalize(MavenItem& list, bool is_root) {
  for (MavenItem& item : list.items) {
    if (item.kind == Kind::kList) {
      Normalize(item, false);
    }
  }
  for (std::size_t i = list.items.size(); i-- > 0;) {
    const MavenItem& item = list.items[i];
    if (IsNull(item)) {
      list.items.erase(list.items.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (item.kind != Kind::kList) {
      break;
    }
  }
  // A null item removed before a '-' leaves a list whose only item is the sub-list; the
  // sub-list takes its place, so that 1-ga-1 == 1-1 as the POM reference's version order
  // specification requires ("repeated at each remaining hyphen"). The root keeps its
  // sub-list, since there the hyphen itself ranks below a number.
  if (!is_root && list.items.size() == 1 && list.items.front().kind == Kind::kList) {
    MavenItem inner = std::move(list.items.front());
    list.items = std::move(inner.items);
  }
}

int Compare(const MavenItem& a, const MavenItem* b);

// Compares an item with a missing one (the shorter version ran out).
int CompareWithMissing(const MavenItem& a) {
  switch (a.kind) {
    case Kind::kNumber:
      return a.text == "0" ? 0 : 1;
    case Kind::kQualifier:
      return detail::CompareBytes(QualifierKey(a.text), ReleaseKey());
    case Kind::kList:
      for (const MavenItem& item : a.items) {
        if (const int order = CompareWithMissing(item); order != 0) {
          return order;
        }
      }
      return 0;
  }
  return 0;
}

int Compare(const MavenItem& a, const MavenItem* b) {
  if (b == nullptr) {
    return CompareWithMissing(a);
  }
  if (a.kind != b->kind) {
    // Numbers rank above lists, and lists above qualifiers: 1.1 > 1-1 > 1-sp.
    const auto rank = [](Kind kind) {
      return kind == Kind::kNumber ? 2 : (kind == Kind::kList ? 1 : 0);
    };
    return rank(a.kind) < rank(b->kind) ? -1 : 1;
  }
  switch (a.kind) {
    case Kind::kNumber:
      return detail::CompareDigits(a.text, b->text);
    case Kind::kQualifier:
      return detail::CompareBytes(QualifierKey(a.text), QualifierKey(b->text));
    case Kind::kList:
      break;
  }
  const std::size_t count = std::max(a.items.size(), b->items.size());
  for (std::size_t i = 0; i < count; ++i) {
    int order = 0;
    if (i >= a.items.size()) {
      order = -Compare(b->items[i], nullptr);
    } else {
      order = Compare(a.items[i], i < b->items.size() ? &b->items[i] : nullptr);
    }
    if (order != 0) {
      return order;
    }
  }
  return 0;
}

// Builds the item tree. `path` holds the chain of open lists from the root down; every
// new sub-list is appended to the innermost one and becomes the innermost.
class Builder {
 public:
  Builder() { root_.kind = Kind::kList; }

  void Add(MavenItem item) { Current().items.push_back(std::move(item)); }

  void OpenList() {
    Current().items.push_back(MavenItem{Kind::kList, "", {}});
    depth_.push_back(Current().items.size() - 1);
  }

  MavenItem Finish() {
    Normalize(root_, true);
    return std::move(root_);
  }

 private:
  MavenItem& Current() {
    MavenItem* list = &root_;
    for (std::size_t index : depth_) {
      list = &list->items[index];
    }
    return *list;
  }

  MavenItem root_;
  std::vector<std::size_t> depth_;
};

}  // namespace

Result<MavenVersion> ParseMavenVersion(std::string_view text) {
  const std::string printable = detail::CheckPrintable(text);
  if (!printable.empty()) {
    return InvalidArgument(printable);
  }
  const std::string lower = detail::Lowercase(text);
  const std::string_view version = lower;
  Builder builder;
  bool digits = false;
  std::size_t start = 0;
  const auto item_until = [&](std::size_t end) {
    const std::string_view word = version.substr(start, end - start);
    return digits ? Number(word) : Qualifier(word, false);
  };

  for (std::size_t i = 0; i < version.size(); ++i) {
    const char c = version[i];
    if (c == '.' || c == '-') {
      builder.Add(i == start ? Number("0") : item_until(i));
      start = i + 1;
      if (c == '-') {
        builder.OpenList();
      }
    } else if (detail::IsDigit(c)) {
      if (!digits && i > start) {
        builder.Add(Qualifier(version.substr(start, i - start), true));
        start = i;
        builder.OpenList();
      }
      digits = true;
    } else {
      if (digits && i > start) {
        builder.Add(Number(version.substr(start, i - start)));
        start = i;
        builder.OpenList();
      }
      digits = false;
    }
  }
  if (version.size() > start) {
    builder.Add(item_until(version.size()));
  }
  return MavenVersion{builder.Finish()};
}

int CompareMaven(const MavenVersion& a, const MavenVersion& b) { return Compare(a.root, &b.root); }

}  // namespace rampart::vuln
