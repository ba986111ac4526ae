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

// Movable, not copyable: the indexes point into the advisories. Not thread-safe while
// loading; after Finalize() every const method may be called from several threads.
class AdvisoryDatabase {
 public:
  AdvisoryDatabase() = default;
  AdvisoryDatabase(AdvisoryDatabase&&) = default;
  AdvisoryDatabase& operator=(AdvisoryDatabase&&) = default;
  AdvisoryDatabase(const AdvisoryDatabase&) = delete;
  AdvisoryDatabase& operator=(const AdvisoryDatabase&) = delete;

  // Loads `path`: a JSON record, a zip of records (the layout of osv.dev's
  // gs://osv-vulnerabilities/ECOSYSTEM/all.zip), or a folder searched recursively for
  // both. Several files load on up to `threads` threads (0 for one per core), and the
  // result does not depend on the number. Unreadable records become problems(). A missing
  // path, or a zip that cannot be opened, is an error.
  static Result<AdvisoryDatabase> Load(const std::string& path, unsigned threads = 0);

  // Adds one record's JSON text; a record that does not parse becomes a problem.
  void AddRecord(std::string_view json, const std::string& source);
  // Adds a parsed advisory; withdrawn ones are counted and dropped.
  void AddAdvisory(Advisory advisory);
  // Builds the package index and the alias groups. Call after the last Add; an Add after
  // it clears them until the next call.
  void Finalize();

  // Returns the affected entries that name `package` in `ecosystem_name` (the OSV name
  // without a release, such as "Debian"). PyPI names compare in PEP 503 normal form,
  // NuGet and Packagist names in lower case.
  std::span<const Candidate> Candidates(std::string_view ecosystem_name,
                                        std::string_view package) const;

  const Advisory& advisory(std::size_t index) const { return advisories_[index]; }
  std::size_t size() const { return advisories_.size(); }

  // Returns the id that names the group of advisories sharing an id or alias with this
  // one: the group's first CVE id in text order, else its first id in text order. The
  // choice depends only on the data, so finding ids built from it are stable.
  std::string_view VulnerabilityId(std::size_t index) const { return groups_[group_of_[index]].id; }
  // Returns every id and alias of the advisory's group, sorted, without the group's id.
  const std::vector<std::string_view>& RelatedIds(std::size_t index) const {
    return groups_[group_of_[index]].related;
  }

  const std::vector<LoadProblem>& problems() const { return problems_; }
  const LoadCounts& counts() const { return counts_; }

 private:
  struct Group {
    std::string_view id;
    std::vector<std::string_view> related;
  };

  void Append(AdvisoryDatabase&& part);
  Status LoadFile(const std::string& path);
  Status LoadZip(const std::string& path);
  void AddBuffer(std::string_view json, const std::string& source);

  std::vector<Advisory> advisories_;
  std::vector<LoadProblem> problems_;
  LoadCounts counts_;
  std::string buffer_;  // reused for zip entries, with room for kOsvRecordPadding
  std::unordered_map<std::string, std::vector<Candidate>> index_;
  std::vector<Group> groups_;
  std::vector<std::uint32_t> group_of_;
};

// Returns the PEP 503 normal form of a Python package name: lower case, with every run of
// '-', '_' and '.' replaced by one '-'.
std::string NormalizePythonName(std::string_view name);

}  // namespace rampart::vuln
