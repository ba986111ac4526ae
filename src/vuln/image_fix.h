// Fixed image tags: for a finding of a scanned image, the smallest newer tag of the same
// image whose SBOM, matched against the same advisory database, no longer contains the
// finding's vulnerability.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "oci/image_ref.h"
#include "vuln/advisory_database.h"
#include "vuln/findings.h"
#include "vuln/tag_sbom_source.h"

namespace rampart::vuln {

enum class TagVerdict {
  kFixed,       // the tag's SBOM does not contain the vulnerability
  kAffected,    // the tag's SBOM still contains it
  kNoSbom,      // no source has an SBOM for the tag
  kUnreadable,  // the SBOM is not CycloneDX or SPDX JSON
  kUndecided,   // a version or advisory range in the tag's SBOM could not be compared
};

struct TagCheck {
  std::string tag;
  TagVerdict verdict = TagVerdict::kNoSbom;
  std::string detail;  // the SBOM's origin, or why it could not be used
};

// The outcome of one search.
struct ImageFix {
  std::optional<std::string> fixed_tag;
  std::string url;               // the fixed tag's manifest URL, when the registry gave it
  std::vector<TagCheck> checks;  // the tags tried, smallest first
  std::size_t newer_tags = 0;    // newer tags of the image's shape, before max_candidates

  // Returns "fixed tag 1.4.2: 1.4.1 still affected; 1.4.2 fixed (ORIGIN)" or "no fixed tag
  // found among N newer tags (M tried): ...", the text of rampart/vuln/FixedImageSearch.
  std::string Summary() const;
};

struct ImageFixOptions {
  oci::ImageRef image;            // the scanned image; its tag is the current version
  std::vector<std::string> tags;  // every tag of the image's repository
  oci::TagConstraint constraint = oci::TagConstraint::kMajor;
  std::size_t max_candidates = 20;  // newer tags tried per vulnerability, smallest first
};

// Searches the newer tags of one image. SBOMs are fetched and matched once per tag, so
// findings that share candidate tags cost no more requests. Not thread-safe.
class ImageFixFinder {
 public:
  // Fails when the image has no tag or its tag is not a version such as 1.2.3.
  static Result<ImageFixFinder> Create(const AdvisoryDatabase& database, ImageFixOptions options,
                                       std::vector<TagSbomSource*> sources);

  // Tries the candidate tags smallest first and stops at the first whose SBOM lacks every
  // id of the finding's vulnerability (Vulnerabilities[0].Id and RelatedVulnerabilities).
  // Tags without a usable SBOM are skipped. Fails when a source fails.
  Result<ImageFix> Find(const Json& finding);

  const std::vector<std::string>& candidates() const { return candidates_; }

 private:
  struct TagScan {
    std::optional<TagSbom> sbom;
    std::string unreadable;        // the reader's error, when the SBOM did not parse
    std::vector<std::string> ids;  // ids and aliases of every match, sorted
    std::vector<ScanError> errors;
  };

  ImageFixFinder(const AdvisoryDatabase& database, ImageFixOptions options,
                 std::vector<TagSbomSource*> sources, std::vector<std::string> candidates,
                 std::size_t newer_tags)
      : database_(&database),
        options_(std::move(options)),
        sources_(std::move(sources)),
        candidates_(std::move(candidates)),
        newer_tags_(newer_tags) {}

  Result<const TagScan*> ScanTag(const std::string& tag);
  TagScan MatchSbom(TagSbom sbom) const;

  const AdvisoryDatabase* database_;
  ImageFixOptions options_;
  std::vector<TagSbomSource*> sources_;
  std::vector<std::string> candidates_;  // newer tags, smallest first, at most max_candidates
  std::size_t newer_tags_ = 0;
  std::map<std::string, TagScan> scans_;
};

// Writes the scanned image into a finding: a Resources[] entry of Type "Container" (Id and
// Details.Container.ImageName are the reference), and ProductFields "rampart/vuln/Image".
void RecordImage(Json& finding, const oci::ImageRef& image);

// Writes a search's outcome into a finding. Always sets ProductFields
// "rampart/vuln/FixedImageSearch" to the summary. When a tag was found, also sets
// "rampart/vuln/FixedImageTag" (the tag), "rampart/vuln/FixedImage" (NAME:TAG),
// Remediation.Recommendation.Url (the tag's manifest URL, when known) and puts "Upgrade
// image NAME from CURRENT to TAG: ..." before Remediation.Recommendation.Text.
void RecordImageFix(Json& finding, const oci::ImageRef& image, const ImageFix& fix);

std::string_view TagVerdictName(TagVerdict verdict);

}  // namespace rampart::vuln
