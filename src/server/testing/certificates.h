// Test certificates made with OpenSSL at run time: a CA, a server certificate for 127.0.0.1
// and a client certificate, both signed by the CA. Nothing is committed or fetched.
#pragma once

#include <filesystem>
#include <string>

namespace rampart::server::testing {

// PEM files written by WriteCertificates.
struct CertificateFiles {
  std::string ca_cert;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
};

// Writes a fresh CA, server and client certificate with their keys into `folder` (created
// when missing). Throws std::runtime_error when OpenSSL fails.
CertificateFiles WriteCertificates(const std::filesystem::path& folder);

}  // namespace rampart::server::testing
