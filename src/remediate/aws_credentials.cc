#include "remediate/aws_credentials.h"

#include <fmt/format.h>

#include "core/file.h"

namespace rampart::remediate {

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

Result<AwsCredentials> ParseCredentialsFile(std::string_view text, std::string_view source,
                                            const std::string& profile) {
  AwsCredentials credentials;
  bool in_profile = false;
  bool found = false;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = Trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    if (line.front() == '[' && line.back() == ']') {
      in_profile = Trim(line.substr(1, line.size() - 2)) == profile;
      found = found || in_profile;
      continue;
    }
    const auto equals = line.find('=');
    if (!in_profile || equals == std::string_view::npos) {
      continue;
    }
    const std::string_view key = Trim(line.substr(0, equals));
    const std::string value(Trim(line.substr(equals + 1)));
    if (key == "aws_access_key_id") {
      credentials.access_key_id = value;
    } else if (key == "aws_secret_access_key") {
      credentials.secret_access_key = value;
    } else if (key == "aws_session_token") {
      credentials.session_token = value;
    }
  }
  if (!found) {
    return NotFound(fmt::format("{}: no profile [{}]", source, profile));
  }
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return InvalidArgument(fmt::format(
        "{}: profile [{}] lacks aws_access_key_id or aws_secret_access_key", source, profile));
  }
  return credentials;
}

Result<AwsCredentials> LoadAwsCredentials(const std::string& profile,
                                          const EnvironmentReader& environment,
                                          const FileReader& read_file) {
  if (profile.empty()) {
    const auto key_id = environment("AWS_ACCESS_KEY_ID");
    const auto secret = environment("AWS_SECRET_ACCESS_KEY");
    if (key_id && secret && !key_id->empty() && !secret->empty()) {
      return AwsCredentials{*key_id, *secret, environment("AWS_SESSION_TOKEN").value_or("")};
    }
  }
  const std::string chosen =
      !profile.empty() ? profile : environment("AWS_PROFILE").value_or("default");
  std::string path = environment("AWS_SHARED_CREDENTIALS_FILE").value_or("");
  if (path.empty()) {
    path = environment("HOME").value_or("") + "/.aws/credentials";
  }
  auto text = read_file(path);
  if (!text) {
    return NotFound(fmt::format(
        "no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set and {} "
        "cannot be read ({})",
        path, text.status().message()));
  }
  return ParseCredentialsFile(*text, path, chosen);
}

}  // namespace rampart::remediate
