// Calls to the AWS IAM Query API: form-encoded POSTs signed with Signature Version 4 by
// libcurl, and the XML error responses mapped to Status codes.
#pragma once

#include <map>
#include <string>

#include "remediate/aws_credentials.h"
#include "remediate/http_client.h"

namespace rampart::remediate {

struct IamEndpoint {
  std::string url = "https://iam.amazonaws.com/";
  std::string region = "us-east-1";  // IAM is global and signs for us-east-1
  std::string ca_file;
  std::chrono::milliseconds timeout{30000};
};

// Sends Action=`action` with `parameters` and Version=2010-05-08. Returns the response XML.
// Errors carry the IAM error code and message: NoSuchEntity is kNotFound, AccessDenied and
// signature errors kPermissionDenied, Throttling and 5xx kUnavailable.
Result<std::string> CallIam(const IamEndpoint& endpoint, const AwsCredentials& credentials,
                            const std::string& action,
                            const std::map<std::string, std::string>& parameters);

// Returns the text of the first <tag>...</tag> in `xml`, or an empty string.
std::string XmlText(std::string_view xml, std::string_view tag);

}  // namespace rampart::remediate
