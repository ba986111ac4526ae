// Readers turn one scanner's report into ASFF findings; ReadReport detects the format.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace rampart::ingest {

// A finding inside a report that could not be accepted, with where it was and why.
struct Rejected {
  // The finding's place in its file: a JSON path, or "line N" or "line N $..." in JSON lines.
  std::string path;
  // The whole error, to print after the file name: it names the place (`path` or a path
  // under it), the finding's Id when it has one, and each problem.
  std::string message;
};

// The stored findings that a report replaces, because it is a later scan of the same subject
// by the same scanner. An ACTIVE stored finding that `filters` select, that was last updated
// before `scanned_at` and that the report no longer contains was fixed or removed.
struct Coverage {
  Json filters;            // AwsSecurityFindingFilters
  std::string scanned_at;  // the report's time, an ASFF timestamp
};

// What one report produced.
struct ReadResult {
  std::string format;              // the reader's name, such as "trivy" or "asff"
  std::vector<Json> findings;      // validated, normalized ASFF findings
  std::vector<std::string> paths;  // the place of each of `findings` in its file, as in Rejected
  std::vector<Rejected> rejected;  // findings that failed validation; the rest still count
  std::string note;                // why the report holds no findings, when it holds none
  // The subjects and kinds of problem that the report lists in full; empty for formats whose
  // reports may list only some.
  std::vector<Coverage> coverage;
  // The reason that a report of a covering format covers nothing, such as a scan of ".",
  // which names no one project. Empty otherwise.
  std::string uncovered;
};

// Settings that readers use to fill what a format does not carry.
struct ReadOptions {
  std::string source_name = "input";  // file name or "request body", used in messages
  std::string format;                 // a reader name to force, or empty to detect
  std::string aws_account_id = "000000000000";
  std::string region = "us-east-1";
  // The node a kube-bench report was made on. kube-bench does not name it, and without it the
  // reports of two nodes of one kind share finding Ids.
  std::string node;
  // The artifact a Trivy or Grype report scanned, in place of the name the report gives it.
  // A scan of a path such as "." names no one project: without a name, the scans of two
  // projects share finding Ids, and a later scan archives nothing.
  std::string artifact;
  const Clock* clock = &DefaultClock();  // for CreatedAt/UpdatedAt when a format has none
};

// The input of a reader: the raw text and, when the whole text is one JSON value, that
// value parsed. Line-oriented formats (Falco, JSON lines) get `document` == nullptr.
// ReadReport fills `document` only for readers whose NeedsDocument() returns true, and
// `dom` (the same value parsed by simdjson) for every reader of a single JSON value.
struct Input {
  std::string_view text;
  const Json* document = nullptr;
  const simdjson::dom::element* dom = nullptr;
};

// One input format. Implementations are stateless and thread-safe.
class Reader {
 public:
  virtual ~Reader() = default;

  // A short lower-case name used by --format, such as "trivy".
  virtual std::string_view Name() const = 0;

  // Returns true when `input` is this reader's format. Must be cheap and must not throw.
  virtual bool Detect(const Input& input) const = 0;

  // Appends the report's findings to `result`. A finding that fails ASFF validation goes to
  // result.rejected and the others are still read; a report that is not of this format at
  // all returns an error.
  virtual Status Read(const Input& input, const ReadOptions& options, ReadResult& result) const = 0;

  // Returns false when Detect and Read use `Input::dom` (parsing `text` themselves when it is
  // null) and never `Input::document`; ReadReport then skips building the nlohmann document,
  // which costs more than reading a large report from simdjson's DOM.
  virtual bool NeedsDocument() const { return true; }
};

// Returns every reader, in detection order (more specific formats first).
const std::vector<std::unique_ptr<Reader>>& Readers();

// Returns the reader named `name`, or nullptr.
const Reader* FindReader(std::string_view name);

// Parses `text`, picks the reader (options.format, or detection), and reads it. Errors name
// options.source_name and the position; a file of a known kind that holds no findings (an
// SBOM, check definitions, plain-text output, a CSV export, a rules file) is an error whose
// message says what the file is and why nothing was read from it.
Result<ReadResult> ReadReport(std::string_view text, const ReadOptions& options);

// Validates and normalizes `finding`; appends it to result.findings, or to result.rejected
// with `path` when it is invalid. Readers call this for every finding they build.
void AddFinding(Json finding, const std::string& path, ReadResult& result);

// Returns "arn:aws:securityhub:REGION::product/COMPANY/PRODUCT", the ProductArn form that
// Security Hub gives to third-party products.
std::string ProductArn(const ReadOptions& options, std::string_view company,
                       std::string_view product);

}  // namespace rampart::ingest
