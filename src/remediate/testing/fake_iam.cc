#include "remediate/testing/fake_iam.h"

#include <httplib.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "core/hash.h"
#include "core/json.h"

namespace rampart::remediate::testing {

namespace {

std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof out,
            &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string Hex(const std::string& bytes) {
  std::string hex;
  for (unsigned char c : bytes) {
    hex += fmt::format("{:02x}", c);
  }
  return hex;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string CollapseSpaces(const std::string& value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

// Splits "k1=v1, k2=v2" after the algorithm name into a map.
std::map<std::string, std::string> AuthorizationFields(const std::string& header) {
  std::map<std::string, std::string> fields;
  const auto space = header.find(' ');
  std::string rest = space == std::string::npos ? "" : header.substr(space + 1);
  std::size_t start = 0;
  while (start < rest.size()) {
    std::size_t end = rest.find(',', start);
    if (end == std::string::npos) {
      end = rest.size();
    }
    std::string part = rest.substr(start, end - start);
    part.erase(0, part.find_first_not_of(' '));
    const auto equals = part.find('=');
    if (equals != std::string::npos) {
      fields[part.substr(0, equals)] = part.substr(equals + 1);
    }
    start = end + 1;
  }
  return fields;
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string::npos) {
      end = text.size();
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

void XmlError(httplib::Response& response, int status, const std::string& code,
              const std::string& message) {
  response.status = status;
  response.set_content(
      fmt::format("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
                  "<Type>Sender</Type><Code>{}</Code><Message>{}</Message></Error>"
                  "<RequestId>fake-request</RequestId></ErrorResponse>",
                  code, message),
      "text/xml");
}

void XmlOk(httplib::Response& response, const std::string& action) {
  response.status = 200;
  response.set_content(
      fmt::format("<{0}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                  "<ResponseMetadata><RequestId>fake-{0}</RequestId></ResponseMetadata>"
                  "</{0}Response>",
                  action),
      "text/xml");
}

}  // namespace

std::string SigV4Signature(const std::string& secret, const std::string& date,
                           const std::string& region, const std::string& service,
                           const std::string& string_to_sign) {
  const std::string date_key = Hmac("AWS4" + secret, date);
  const std::string region_key = Hmac(date_key, region);
  const std::string service_key = Hmac(region_key, service);
  const std::string signing_key = Hmac(service_key, "aws4_request");
  return Hex(Hmac(signing_key, string_to_sign));
}

FakeIam::FakeIam(std::string access_key_id, std::string secret_access_key, const Clock* clock)
    : access_key_id_(std::move(access_key_id)),
      secret_access_key_(std::move(secret_access_key)),
      clock_(clock) {}

FakeIam::~FakeIam() {
  if (server_) {
    server_->stop();
  }
  if (thread_.joinable()) {
    thread_.join();
  }
}

std::string FakeIam::url() const { return fmt::format("http://127.0.0.1:{}/", port_); }

Status FakeIam::Start() {
  server_ = std::make_unique<httplib::Server>();
  server_->Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
    Handle(request, response);
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    return Unavailable("fake IAM: cannot listen on 127.0.0.1");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 500 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return Status::Ok();
}

FakeIamState FakeIam::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

void FakeIam::set_state(FakeIamState state) {
  std::lock_guard<std::mutex> lock(mutex_);
  state_ = std::move(state);
}

std::vector<std::string> FakeIam::log() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return log_;
}

// Rebuilds the canonical request from what arrived and compares signatures. Returns an empty
// string when the signature is valid, else the reason.
std::string FakeIam::VerifySignature(const httplib::Request& request) const {
  const std::string authorization = request.get_header_value("Authorization");
  if (authorization.rfind("AWS4-HMAC-SHA256 ", 0) != 0) {
    return "missing AWS4-HMAC-SHA256 Authorization header";
  }
  auto fields = AuthorizationFields(authorization);
  const auto scope = Split(fields["Credential"], '/');
  if (scope.size() != 5 || scope[4] != "aws4_request") {
    return "malformed Credential";
  }
  if (scope[0] != access_key_id_) {
    return "unknown access key";
  }
  if (scope[3] != "iam" || scope[2] != "us-east-1") {
    return "credential scope is not us-east-1/iam";
  }
  const std::string amz_date = request.get_header_value("X-Amz-Date");
  if (amz_date.size() != 16 || amz_date.substr(0, 8) != scope[1]) {
    return "X-Amz-Date is missing or does not match the credential date";
  }
  const auto signed_at = ParseTimestamp(amz_date.substr(0, 4) + "-" + amz_date.substr(4, 2) + "-" +
                                        amz_date.substr(6, 5) + ":" + amz_date.substr(11, 2) + ":" +
                                        amz_date.substr(13, 3));
  const auto skew = signed_at ? clock_->Now() - *signed_at : std::chrono::hours(1);
  if (!signed_at || skew > std::chrono::minutes(15) || skew < -std::chrono::minutes(15)) {
    return "request time is more than 15 minutes from the server time";
  }
  const auto signed_headers = Split(fields["SignedHeaders"], ';');
  for (const char* required : {"host", "x-amz-date"}) {
    if (std::find(signed_headers.begin(), signed_headers.end(), required) == signed_headers.end()) {
      return std::string("header not signed: ") + required;
    }
  }
  if (request.has_header("X-Amz-Security-Token") &&
      std::find(signed_headers.begin(), signed_headers.end(), "x-amz-security-token") ==
          signed_headers.end()) {
    return "header not signed: x-amz-security-token";
  }
  std::string canonical_headers;
  for (const std::string& name : signed_headers) {
    if (!request.has_header(name.c_str())) {
      return "signed header absent: " + name;
    }
    canonical_headers +=
        Lower(name) + ":" + CollapseSpaces(request.get_header_value(name.c_str())) + "\n";
  }
  const std::string canonical_request = fmt::format(
      "{}\n{}\n{}\n{}\n{}\n{}", request.method, request.path.empty() ? "/" : request.path, "",
      canonical_headers, fields["SignedHeaders"], Sha256Hex(request.body));
  const std::string string_to_sign =
      fmt::format("AWS4-HMAC-SHA256\n{}\n{}/{}/{}/aws4_request\n{}", amz_date, scope[1], scope[2],
                  scope[3], Sha256Hex(canonical_request));
  const std::string expected =
      SigV4Signature(secret_access_key_, scope[1], scope[2], scope[3], string_to_sign);
  return expected == fields["Signature"] ? "" : "signature does not match";
}

void FakeIam::Handle(const httplib::Request& request, httplib::Response& response) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string problem = VerifySignature(request);
  if (!problem.empty()) {
    log_.push_back("SignatureDoesNotMatch: " + problem);
    XmlError(response, 403, "SignatureDoesNotMatch", problem);
    return;
  }
  if (request.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
    log_.push_back("InvalidContentType");
    XmlError(response, 400, "ValidationError", "the body must be form-encoded");
    return;
  }
  httplib::Params form;
  httplib::detail::parse_query_text(request.body, form);
  auto param = [&](const char* name) {
    const auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  const std::string action = param("Action");
  log_.push_back(action);
  if (param("Version") != "2010-05-08") {
    XmlError(response, 400, "InvalidParameterValue", "Version must be 2010-05-08");
    return;
  }
  auto require = [&](std::initializer_list<const char*> names) {
    for (const char* name : names) {
      if (param(name).empty()) {
        XmlError(response, 400, "MissingParameter", std::string("missing ") + name);
        return false;
      }
    }
    return true;
  };
  auto role_exists = [&](const std::string& role) {
    if (state_.roles.count(role) == 0) {
      XmlError(response, 404, "NoSuchEntity", "The role with name " + role + " cannot be found.");
      return false;
    }
    return true;
  };
  const std::string role = param("RoleName");
  if (action == "PutRolePolicy") {
    if (!require({"RoleName", "PolicyName", "PolicyDocument"}) || !role_exists(role)) {
      return;
    }
    const Json document = Json::parse(param("PolicyDocument"), nullptr, false);
    if (document.is_discarded() || !document.contains("Statement") ||
        document.value("Version", "") != "2012-10-17") {
      XmlError(response, 400, "MalformedPolicyDocument", "the policy document is invalid");
      return;
    }
    state_.inline_policies[role][param("PolicyName")] = param("PolicyDocument");
  } else if (action == "DeleteRolePolicy") {
    if (!require({"RoleName", "PolicyName"}) || !role_exists(role)) {
      return;
    }
    if (state_.inline_policies[role].erase(param("PolicyName")) == 0) {
      XmlError(response, 404, "NoSuchEntity", "The role policy cannot be found.");
      return;
    }
  } else if (action == "UpdateAccessKey") {
    if (!require({"AccessKeyId", "Status"})) {
      return;
    }
    const std::string status = param("Status");
    if (status != "Active" && status != "Inactive") {
      XmlError(response, 400, "ValidationError", "Status must be Active or Inactive");
      return;
    }
    const auto key = state_.access_keys.find(param("AccessKeyId"));
    if (key == state_.access_keys.end()) {
      XmlError(response, 404, "NoSuchEntity", "The Access Key cannot be found.");
      return;
    }
    key->second = status;
  } else if (action == "DetachRolePolicy" || action == "AttachRolePolicy") {
    if (!require({"RoleName", "PolicyArn"}) || !role_exists(role)) {
      return;
    }
    auto& attached = state_.attached[role];
    if (action == "DetachRolePolicy" && attached.erase(param("PolicyArn")) == 0) {
      XmlError(response, 404, "NoSuchEntity", "Policy " + param("PolicyArn") + " was not found.");
      return;
    }
    if (action == "AttachRolePolicy") {
      attached.insert(param("PolicyArn"));
    }
  } else {
    XmlError(response, 400, "InvalidAction", "unknown action " + action);
    return;
  }
  XmlOk(response, action);
}

}  // namespace rampart::remediate::testing
