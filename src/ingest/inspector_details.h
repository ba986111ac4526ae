// Conversion of the parts of an Amazon Inspector v2 finding to their ASFF forms.
#pragma once

#include <optional>
#include <string>

#include "core/json.h"

namespace rampart::ingest::detail {

// Formats an Inspector timestamp in ASFF form. Inspector's EventBridge events write
// "Wed Sep 04 16:59:44.356 UTC 2024"; the API writes seconds since the epoch, and the AWS
// CLI writes RFC 3339. Returns nullopt for anything else.
std::optional<std::string> InspectorTimestamp(const Json& value);

// Returns the ASFF Resources for Inspector's resources[] (AWS_EC2_INSTANCE ->
// AwsEc2Instance, AWS_ECR_CONTAINER_IMAGE -> AwsEcrContainerImage, AWS_ECR_REPOSITORY ->
// AwsEcrRepository, AWS_LAMBDA_FUNCTION -> AwsLambdaFunction, anything else -> Other).
// An EC2 instance id is turned into its ARN with `account`. Empty when none are usable.
Json InspectorResources(const Json& resources, const std::string& account);

// Returns the ASFF Vulnerabilities entry of a package or code vulnerability finding, or null
// when the finding has no vulnerability details.
Json InspectorVulnerability(const Json& finding);

// Fills Network (protocol and open ports) and NetworkPath from networkReachabilityDetails.
void AddInspectorNetwork(const Json& reachability, Json& asff);

}  // namespace rampart::ingest::detail
