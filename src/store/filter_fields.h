// The catalog of finding attributes that filters, sorting and group-by name: Security Hub's
// AwsSecurityFindingFilters members, each with its type and where it sits in an ASFF document.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::store {

// The filter type of an attribute, as AwsSecurityFindingFilters declares it.
enum class FieldKind { kString, kNumber, kDate, kMap, kIp, kBoolean };

// The place where the store keeps an attribute. Filters on indexed columns and side tables
// use an index; the others read the document with JSON functions.
enum class FieldStorage {
  kColumn,              // an indexed column of the findings table
  kDocument,            // a path into the document
  kResourceTable,       // Resources[].Type or Resources[].Id, indexed in a side table
  kVulnerabilityTable,  // Vulnerabilities[].Id, indexed in a side table
};

struct FieldSpec {
  std::string_view name;  // the filter name, such as "SeverityLabel"
  FieldKind kind;
  FieldStorage storage;
  // The ASFF path, with "[]" after each array that is searched element by element, such as
  // "Resources[].Details.AwsEc2Instance.IpV4Addresses[]". For a map attribute it names the
  // object whose members are the keys.
  std::string_view path;
  // The indexed column for kColumn, and the side table column for the side tables.
  std::string_view column;
};

// Returns every attribute, Security Hub's names first, then Rampart's own additions
// (VulnerabilitiesId, VulnerabilitiesVulnerablePackagesName).
std::span<const FieldSpec> AllFields();

// Returns the attribute called `name` (exact, case-sensitive), or nullptr.
const FieldSpec* FindField(std::string_view name);

// Returns the known attribute name closest to `name`, for "did you mean" hints; empty when
// none is close.
std::string_view SuggestField(std::string_view name);

// Returns "string", "number", "date", "map", "IP" or "boolean".
std::string_view FieldKindName(FieldKind kind);

// Returns true when the attribute's path crosses an array, so a finding may hold several
// values of it.
bool IsMultiValued(const FieldSpec& field);

// A document path split at its arrays: "Resources[].Details.Container.Name" becomes the
// arrays {"Resources"} and the tail "Details.Container.Name".
struct SplitPath {
  std::vector<std::string> arrays;
  std::string tail;
};

SplitPath SplitAtArrays(std::string_view path);

// Returns the path of an attribute's first value, with each "[]" replaced by
// `first_element`: "[0]" gives a SQLite JSON path, ".0" a PostgreSQL #> path.
std::string FirstValuePath(std::string_view path, std::string_view first_element);

}  // namespace rampart::store
