// AWS credentials from the environment or the shared credentials file.
#pragma once

#include <string>

#include "remediate/action.h"
#include "remediate/kubeconfig.h"

namespace rampart::remediate {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

// Loads credentials the way the AWS CLI does for static keys. With no `profile` given,
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) win. Otherwise the
// profile (`profile`, else AWS_PROFILE, else "default") is read from
// AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials. The error names the file and
// profile but never a secret.
Result<AwsCredentials> LoadAwsCredentials(const std::string& profile,
                                          const EnvironmentReader& environment,
                                          const FileReader& read_file);

// Returns the keys of `profile` in INI text ("[name]" sections, "key = value" lines, '#' and
// ';' comments).
Result<AwsCredentials> ParseCredentialsFile(std::string_view text, std::string_view source,
                                            const std::string& profile);

}  // namespace rampart::remediate
