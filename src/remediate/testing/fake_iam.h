// A fake AWS IAM Query API endpoint for tests. It verifies each request's Signature Version 4
// the way AWS documents it (canonical request, string to sign, derived signing key) and checks
// the Action parameters before changing its in-memory roles, policies and access keys.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace rampart::remediate::testing {

struct FakeIamState {
  std::set<std::string> roles;
  std::map<std::string, std::map<std::string, std::string>> inline_policies;  // role -> name -> doc
  std::map<std::string, std::set<std::string>> attached;                      // role -> policy ARNs
  std::map<std::string, std::string> access_keys;  // key id -> Active or Inactive
};

class FakeIam {
 public:
  FakeIam(std::string access_key_id, std::string secret_access_key, const Clock* clock);
  ~FakeIam();
  FakeIam(const FakeIam&) = delete;
  FakeIam& operator=(const FakeIam&) = delete;

  Status Start();
  std::string url() const;

  FakeIamState state() const;
  void set_state(FakeIamState state);
  // The Action of every request, with "SignatureDoesNotMatch" and similar for rejected ones.
  std::vector<std::string> log() const;

 private:
  void Handle(const httplib::Request& request, httplib::Response& response);
  std::string VerifySignature(const httplib::Request& request) const;

  std::string access_key_id_;
  std::string secret_access_key_;
  const Clock* clock_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  FakeIamState state_;
  std::vector<std::string> log_;
};

// Returns the SigV4 signature (hex) of `string_to_sign` with the key derived from `secret`,
// the date (YYYYMMDD), region and service.
std::string SigV4Signature(const std::string& secret, const std::string& date,
                           const std::string& region, const std::string& service,
                           const std::string& string_to_sign);

}  // namespace rampart::remediate::testing
