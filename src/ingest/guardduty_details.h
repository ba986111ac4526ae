// Conversion of the resource and action parts of a GuardDuty finding to their ASFF forms.
#pragma once

#include <string>

#include "core/json.h"

namespace rampart::ingest::detail {

// The partition, Region and account of a GuardDuty finding, which resource ARNs contain.
struct AwsLocation {
  std::string partition;  // "aws", "aws-cn", ...
  std::string region;
  std::string account;
};

// Returns the ASFF Resources of a GuardDuty finding's `resource` object, by resourceType:
// Instance -> AwsEc2Instance, AccessKey -> AwsIamAccessKey, S3Bucket -> AwsS3Bucket (one per
// bucket, plus the access key that acted), EKSCluster -> AwsEksCluster, Lambda ->
// AwsLambdaFunction, RDSDBInstance -> AwsRdsDbInstance, ECSCluster -> AwsEcsCluster,
// Container -> Container. Anything else becomes the account itself (AwsAccount). Never
// returns an empty array.
Json GuardDutyResources(const Json& resource, const AwsLocation& location);

// Fills the ASFF Action and Network objects of `finding` from a GuardDuty service.action
// (NETWORK_CONNECTION, AWS_API_CALL, DNS_REQUEST or PORT_PROBE); other action types are
// left to ProductFields.
void AddGuardDutyAction(const Json& action, Json& finding);

}  // namespace rampart::ingest::detail
