#include "server/testing/certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace rampart::server::testing {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

void Require(bool ok, const char* step) {
  if (!ok) {
    throw std::runtime_error(std::string("test certificate: ") + step + " failed");
  }
}

KeyPtr NewKey() {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Require(key != nullptr, "EC key generation");
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  Require(extension != nullptr, "extension");
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

// Makes a certificate for `subject_key` named `common_name`, signed by `issuer_key` as
// `issuer` (or self-signed when issuer is null), valid from a minute ago for one day.
CertPtr NewCertificate(EVP_PKEY* subject_key, const char* common_name, X509* issuer,
                       EVP_PKEY* issuer_key, bool authority, const char* alt_names, long serial) {
  CertPtr cert(X509_new());
  Require(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer == nullptr ? cert.get() : issuer;
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  AddExtension(cert.get(), signer, NID_basic_constraints,
               authority ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (authority) {
    AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  }
  if (alt_names != nullptr) {
    AddExtension(cert.get(), signer, NID_subject_alt_name, alt_names);
  }
  Require(X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0, "signing");
  return cert;
}

void WriteKey(EVP_PKEY* key, const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "w");
  Require(file != nullptr, "opening the key file");
  const bool ok = PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(file);
  Require(ok, "writing the key");
}

void WriteCertificate(X509* cert, const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "w");
  Require(file != nullptr, "opening the certificate file");
  const bool ok = PEM_write_X509(file, cert) == 1;
  std::fclose(file);
  Require(ok, "writing the certificate");
}

}  // namespace

CertificateFiles WriteCertificates(const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  CertificateFiles files;
  files.ca_cert = (folder / "ca.pem").string();
  files.server_cert = (folder / "server.pem").string();
  files.server_key = (folder / "server-key.pem").string();
  files.client_cert = (folder / "client.pem").string();
  files.client_key = (folder / "client-key.pem").string();

  const KeyPtr ca_key = NewKey();
  const CertPtr ca =
      NewCertificate(ca_key.get(), "Rampart test CA", nullptr, ca_key.get(), true, nullptr, 1);
  const KeyPtr server_key = NewKey();
  const CertPtr server = NewCertificate(server_key.get(), "127.0.0.1", ca.get(), ca_key.get(),
                                        false, "IP:127.0.0.1,DNS:localhost", 2);
  const KeyPtr client_key = NewKey();
  const CertPtr client =
      NewCertificate(client_key.get(), "rampart-client", ca.get(), ca_key.get(), false, nullptr, 3);

  WriteCertificate(ca.get(), files.ca_cert);
  WriteCertificate(server.get(), files.server_cert);
  WriteKey(server_key.get(), files.server_key);
  WriteCertificate(client.get(), files.client_cert);
  WriteKey(client_key.get(), files.client_key);
  return files;
}

}  // namespace rampart::server::testing
