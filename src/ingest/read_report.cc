// ReadReport: parsing, format detection and the errors for input that contains no findings.
#include <exception>

#include <fmt/format.h>

#include "ingest/dom.h"
#include "ingest/finding_fields.h"
#include "ingest/json_lines.h"
#include "ingest/non_finding.h"
#include "ingest/reader.h"

namespace rampart::ingest {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string ReaderNames() {
  std::vector<std::string_view> names;
  for (const auto& reader : Readers()) {
    names.push_back(reader->Name());
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

bool StartsLikeJson(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

// Describes the shape of a JSON value for the error about an unknown format.
std::string DescribeShape(Node root) {
  if (root.IsObject()) {
    std::vector<std::string> keys;
    for (const std::string_view key : root.Keys()) {
      if (keys.size() == 8) {
        keys.emplace_back("...");
        break;
      }
      keys.push_back(fmt::format("\"{}\"", Truncate(key, 40)));
    }
    return keys.empty() ? "an empty object"
                        : fmt::format("an object with members {}", fmt::join(keys, ", "));
  }
  if (root.IsArray()) {
    return fmt::format("an array of {} values", root.Size());
  }
  return fmt::format("a single {} value", root.ToJson().type_name());
}

// Runs a reader's call, turning an exception from a reader into an error instead of
// letting it end the process.
template <typename Call>
Status Guarded(const Reader& reader, const ReadOptions& options, Call call) {
  try {
    return call();
  } catch (const std::exception& error) {
    return Internal(fmt::format("{}: the {} reader failed: {}", options.source_name, reader.Name(),
                                error.what()));
  }
}

Result<ReadResult> RunReader(const Reader& reader, const Input& input, const ReadOptions& options) {
  ReadResult result;
  result.format = std::string(reader.Name());
  RAMPART_RETURN_IF_ERROR(
      Guarded(reader, options, [&] { return reader.Read(input, options, result); }));
  return result;
}

bool DetectGuarded(const Reader& reader, const Input& input) {
  try {
    return reader.Detect(input);
  } catch (const std::exception&) {
    return false;
  }
}

Result<ReadResult> ReadDocument(std::string_view text, const DomDocument& dom, const Reader* forced,
                                const ReadOptions& options) {
  Json document;
  bool have_document = false;
  const auto with_document = [&](const Reader& reader) {
    Input input{text, nullptr, dom.root_element()};
    if (reader.NeedsDocument()) {
      if (!have_document) {
        document = dom.root().ToJson();
        have_document = true;
      }
      input.document = &document;
    }
    return input;
  };
  if (forced != nullptr) {
    return RunReader(*forced, with_document(*forced), options);
  }
  for (const auto& reader : Readers()) {
    const Input input = with_document(*reader);
    if (DetectGuarded(*reader, input)) {
      return RunReader(*reader, input, options);
    }
  }
  if (auto what = DescribeNonFindingJson(dom.root())) {
    return InvalidArgument(fmt::format("{}: {}", options.source_name, *what));
  }
  return InvalidArgument(fmt::format(
      "{}: the JSON is {}, which no reader recognizes (tried {}); if it is one of these "
      "formats, name it with --format",
      options.source_name, DescribeShape(dom.root()), ReaderNames()));
}

Result<ReadResult> ReadJsonLines(std::string_view text, const Reader* forced,
                                 const ReadOptions& options) {
  const Input input{text, nullptr, nullptr};
  if (forced != nullptr) {
    return RunReader(*forced, input, options);
  }
  for (const auto& reader : Readers()) {
    if (DetectGuarded(*reader, input)) {
      return RunReader(*reader, input, options);
    }
  }
  return InvalidArgument(fmt::format(
      "{}: the input has one JSON value per line (JSON lines), but no reader recognizes "
      "line {} (tried {}); line-oriented input is read as Falco alerts or ASFF findings",
      options.source_name, FirstNonBlankLine(text).number, ReaderNames()));
}

}  // namespace

Result<ReadResult> ReadReport(std::string_view text, const ReadOptions& options) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    text.remove_prefix(kUtf8Bom.size());
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return InvalidArgument(
        fmt::format("{}: the input is empty; expected a JSON report", options.source_name));
  }
  const Reader* forced = nullptr;
  if (!options.format.empty()) {
    forced = FindReader(options.format);
    if (forced == nullptr) {
      return InvalidArgument(fmt::format("{}: unknown format \"{}\"; known formats: {}",
                                         options.source_name, Truncate(options.format, 40),
                                         ReaderNames()));
    }
  }
  DomDocument dom;
  const Status parsed = dom.Parse(text, options.source_name);
  if (parsed.ok()) {
    return ReadDocument(text, dom, forced, options);
  }
  if (LooksLikeJsonLines(text)) {
    return ReadJsonLines(text, forced, options);
  }
  // Checked before the JSON error even when the text starts with '[', as kube-bench's
  // "[INFO] ..." lines do.
  if (auto what = DescribeNonFindingText(text)) {
    return InvalidArgument(fmt::format("{}: {}", options.source_name, *what));
  }
  if (StartsLikeJson(text)) {
    return parsed;
  }
  return InvalidArgument(
      fmt::format("{}; ingest reads JSON reports ({})", parsed.message(), ReaderNames()));
}

}  // namespace rampart::ingest
