// The rules Security Hub applies when a provider imports a finding and when a customer
// updates one, as functions on ASFF documents. Every store backend uses them, so SQLite and
// PostgreSQL agree on what a finding becomes.
#pragma once

#include <cstdint>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "store/finding_store.h"
#include "store/finding_update.h"

namespace rampart::store {

// The top-level fields a customer changed with BatchUpdateFindings, as a bit set. A later
// import changes only FindingProviderFields for them, never the customer's value.
enum CustomerField : std::uint32_t {
  kCustomerConfidence = 1u << 0,
  kCustomerCriticality = 1u << 1,
  kCustomerRelatedFindings = 1u << 2,
  kCustomerSeverity = 1u << 3,
  kCustomerTypes = 1u << 4,
};

// Layers FindingProviderFields and the top-level Confidence, Criticality, RelatedFindings,
// Severity and Types of an incoming finding, as Security Hub documents for
// BatchImportFindings: a value given only in FindingProviderFields is copied to the top
// level, and one given only at the top level is copied into FindingProviderFields. When
// both are given, a new finding takes the FindingProviderFields value for both; an update
// keeps both as given. Call before validation, since the top-level Severity and Types may
// come from FindingProviderFields.
void LayerProviderFields(Json& finding, bool is_new);

// Returns true when LayerProviderFields gives a new finding another result than an update:
// some layered field is given both at the top level and in FindingProviderFields, with
// different values. Otherwise layering either way gives the same finding, and layering it
// again changes nothing.
bool LayeringDependsOnNewness(const Json& finding);

// Completes a finding that is about to be created: Severity Label and Normalized agree,
// RecordState ACTIVE and Workflow.Status NEW when absent, ProductName, CompanyName and
// Region filled in when absent (from ProductFields, then from the ProductArn), and
// ProcessedAt set to `now`.
void CompleteNewFinding(Json& finding, TimePoint now);

// Returns what a stored finding becomes when its provider sends `incoming` with a newer
// UpdatedAt. That is the incoming document, except in four ways. Note, UserDefinedFields,
// VerificationState and Workflow keep their stored values. The top-level fields in
// `customer_fields` keep the customer's values. Workflow.Status returns from NOTIFIED or
// RESOLVED to NEW when RecordState turns from ARCHIVED to ACTIVE, or Compliance.Status turns
// from PASSED to FAILED, WARNING or NOT_AVAILABLE; SUPPRESSED is never reset. CreatedAt and
// FirstObservedAt never move later than their stored values, so a rescan that stamps its own
// time keeps the age of a finding. `incoming` must already be layered.
Json MergeProviderUpdate(const Json& stored, Json incoming, std::uint32_t customer_fields,
                         TimePoint now);

// Returns the CustomerField bits of the layered fields whose top-level value differs from
// their value in FindingProviderFields, which is what a customer update leaves behind. It
// recovers the bits for a document read without them (FindingStore::Get), but it also sets
// a bit where a provider's update gave the two values differently.
std::uint32_t CustomerFieldsOf(const Json& finding);

// Applies a customer update (BatchUpdateFindings) to `finding`: sets the fields the update
// names, Note.UpdatedAt to `now`, and ProcessedAt; leaves UpdatedAt alone. Returns the
// CustomerField bits of the top-level fields it set. `update` must be valid.
std::uint32_t ApplyCustomerUpdate(Json& finding, const FindingUpdate& update, TimePoint now);

// Returns the fields that differ between two versions of a finding, with dotted paths down
// to the changed members of objects; arrays are compared whole. ProcessedAt is left out,
// since it changes with every accepted change.
std::vector<FieldChange> DiffFindings(const Json& before, const Json& after);

// Returns the EventBridge source of events about a finding: "aws.securityhub" when the
// ProductArn is Security Hub's own product (arn:...:product/aws/securityhub), "rampart"
// otherwise.
std::string_view EventSource(std::string_view product_arn);

// Returns the finding's ARN as Security Hub writes it in an event's resources:
// "<ProductArn>/<Id>".
std::string FindingArn(std::string_view product_arn, std::string_view id);

}  // namespace rampart::store
