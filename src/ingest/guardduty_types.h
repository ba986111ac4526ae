// The ASFF finding types that AWS Security Hub gives GuardDuty finding types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rampart::ingest::detail {

// Maps a GuardDuty finding type, ThreatPurpose:ResourceTypeAffected/ThreatFamilyName
// .DetectionMechanism!Artifact, to the ASFF Types that Security Hub gives it, such as
// "TTPs/Command and Control/Backdoor:EC2-C&CActivity.B" for "Backdoor:EC2/C&CActivity.B".
// The mapping follows the table in the GuardDuty User Guide ("Interpreting GuardDuty
// finding names in AWS Security Hub CSPM"); a type that table lacks gets the namespace of
// its threat purpose. Returns one type, or two where Security Hub gives two.
// NOTE: Security Hub gives some types a different name when the resource role is ACTOR
// rather than TARGET; the guide does not list which, so the role is not considered here.
std::vector<std::string> AsffTypesForGuardDutyType(std::string_view type);

}  // namespace rampart::ingest::detail
