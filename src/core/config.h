// rampart.yaml: the one configuration file. Every key has a default, so an empty file runs
// against an embedded SQLite database in the current folder.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace rampart {

// A report file or folder that `rampart run` ingests.
struct SourceConfig {
  std::string path;
  std::string format;  // empty: detect
  std::string account = "000000000000";
  std::string region = "us-east-1";
  // Whether findings that a later report of the same artifact no longer lists stay ACTIVE,
  // for reports made with narrower scanner options. By default they are archived.
  bool keep_missing = false;
  // The project or host the reports scanned, for Trivy and Grype reports of a path such as "."
  // that names none. Empty: the name each report gives.
  std::string artifact;
};

// Returns true for a name of a scanned artifact: 1 to 512 characters, not all spaces, without
// control characters.
bool IsArtifactName(std::string_view name);

struct AllowConfig {
  std::vector<std::string> namespaces;
  std::vector<std::string> repositories;
  std::vector<std::string> accounts;
  std::vector<std::string> hosts;
};

struct RemediationConfig {
  std::string work_dir = ".rampart/work";  // clones and scratch files
  AllowConfig allow;
  std::string kubeconfig;  // empty: in-cluster service account when present
  std::string ca_file;     // extra CA bundle for webhooks and the Kubernetes API
  std::string bwrap_path = "/usr/bin/bwrap";
  Json settings = Json::object();  // per-action settings such as aws.endpoint, kept whole
};

struct TlsConfig {
  std::string cert;
  std::string key;
  std::string client_ca;  // set: clients must present a certificate it signed
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  TlsConfig tls;
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  double requests_per_second = 50;  // per token
  double burst = 100;
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  // Maximum connections served at once. Each one occupies a thread while its request is handled.
  std::size_t threads = 512;
  // How much lower the priority of those threads is than the thread that stores imports (a
  // Linux nice increment, 0 to 19), so that under load the storing thread runs whenever it
  // has work.
  int worker_nice = 10;
};

struct Config {
  std::string path;      // the file read, empty for defaults
  std::string base_dir;  // relative paths resolve against this folder
  std::string store = "sqlite:rampart.db";
  // SQLite synchronous mode: "full" (a commit survives a power loss) or "normal" (it survives
  // a killed process only, and commits do not wait for the disk).
  std::string store_sync = "full";
  std::string bus = "in-process";
  std::string rules;   // rules file; empty: no rules
  std::string models;  // folder of model files that rules' enrich blocks name; empty: none
  std::vector<SourceConfig> sources;
  RemediationConfig remediation;
  ServerConfig server;
  std::string log_level = "info";

  // Returns `relative` resolved against base_dir (absolute paths unchanged).
  std::string Resolve(const std::string& relative) const;

  // Returns the SQLite file of `store`, or an error when the store is not SQLite.
  Result<std::string> SqlitePath() const;
};

// Reads and validates a configuration file (YAML or JSON). Unknown keys are errors naming the
// key and the valid ones, so a typo never silently falls back to a default.
Result<Config> LoadConfig(const std::string& path);

// Parses an already loaded document; `path` names it in errors and sets base_dir.
Result<Config> ParseConfig(const Json& document, const std::string& path);

}  // namespace rampart
