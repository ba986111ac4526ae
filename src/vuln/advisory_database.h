// An in-memory OSV database: advisories loaded from JSON files and osv.dev zip exports,
// indexed by ecosystem and package name.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "vuln/osv_record.h"

namespace rampart::vuln {

// A record that could not be read, kept so that a scan reports it instead of losing it.
struct LoadProblem {
  std::string source;   // file, or "archive.zip!entry.json"
  std::string message;  // names the JSON path and the problem
};

struct LoadCounts {
  std::size_t files = 0;                 // JSON files and zip entries read
  std::size_t advisories = 0;            // records kept
  std::size_t withdrawn = 0;             // records skipped because they were withdrawn
  std::size_t unsupported_affected = 0;  // affected entries in ecosystems without an order
};

// One affected entry of one advisory that names a package.
struct Candidate {
  std::uint32_t advisory = 0;
  std::uint32_t affected = 0;
};

// Not thread-safe while loading; after Finalize() every const method may be called from
// several threads.
class AdvisoryDatabase {
 public:
  // Loads `path`: a JSON record, a zip of records (the layout of osv.dev's
  // gs://osv-vulnerabilities/ECOSYSTEM/all.zip), or a folder searched recursively for
  // both. Unreadable records become problems(); a missing or unreadable path is an error.
  static Result<AdvisoryDatabase> Load(const std::string& path);

  // Adds one record's JSON text; a record that does not parse becomes a problem.
  void AddRecord(std::string_view json, const std::string& source);
  // Adds a parsed advisory; withdrawn ones are counted and dropped.
  void AddAdvisory(Advisory advisory);
  // Builds the package index and the alias groups. Call once, after the last Add.
  void Finalize();

  // Returns the affected entries that name `package` in `ecosystem_name` (the OSV name
  // without a release, such as "Debian"). PyPI names compare in PEP 503 normal form.
  std::span<const Candidate> Candidates(std::string_view ecosystem_name,
                                        std::string_view package) const;

  const Advisory& advisory(std::size_t index) const { return advisories_[index]; }
  std::size_t size() const { return advisories_.size(); }

  // Returns the id that names the group of advisories sharing an id or alias with this
  // one: the group's first CVE id in text order, else its first id in text order. The
  // choice depends only on the data, so finding ids built from it are stable.
  const std::string& VulnerabilityId(std::size_t index) const { return group_ids_[index]; }
  // Returns every id and alias of the advisory's group, sorted, without the group's id.
  const std::vector<std::string>& RelatedIds(std::size_t index) const;

  const std::vector<LoadProblem>& problems() const { return problems_; }
  const LoadCounts& counts() const { return counts_; }

 private:
  Status LoadFile(const std::string& path);
  Status LoadZip(const std::string& path);

  std::vector<Advisory> advisories_;
  std::vector<LoadProblem> problems_;
  LoadCounts counts_;
  std::unordered_map<std::string, std::vector<Candidate>> index_;
  std::vector<std::string> group_ids_;
  std::vector<std::uint32_t> group_of_;
  std::vector<std::vector<std::string>> group_related_;
};

// Returns the PEP 503 normal form of a Python package name: lower case, with every run of
// '-', '_' and '.' replaced by one '-'.
std::string NormalizePythonName(std::string_view name);

}  // namespace rampart::vuln
