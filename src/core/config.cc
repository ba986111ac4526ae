#include "core/config.h"

#include <algorithm>
#include <filesystem>
#include <initializer_list>

#include <fmt/format.h>

#include "core/aws_names.h"
#include "core/bus_url.h"
#include "core/duration.h"
#include "core/file.h"
#include "core/utf8.h"
#include "core/yaml.h"

namespace rampart {
namespace {

class ConfigReader {
 public:
  explicit ConfigReader(std::string path) : path_(std::move(path)) {}

  Status Error(std::string_view key, std::string_view message) const {
    return InvalidArgument(fmt::format("{}: {}: {}", path_, key, message));
  }

  Status CheckKeys(const Json& object, std::string_view where,
                   std::initializer_list<std::string_view> known) const {
    if (!object.is_object()) {
      return Error(where, "must be a mapping");
    }
    for (const auto& [key, value] : object.items()) {
      bool found = false;
      for (const auto candidate : known) {
        found = found || key == candidate;
      }
      if (!found) {
        return Error(where.empty() ? key : fmt::format("{}.{}", where, key),
                     fmt::format("unknown key; valid keys here: {}", fmt::join(known, ", ")));
      }
    }
    return Status::Ok();
  }

  Status String(const Json& object, std::string_view key, std::string_view where,
                std::string& out) const {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return Status::Ok();
    }
    if (!it->is_string()) {
      return Error(fmt::format("{}{}", where, key), "must be a string");
    }
    out = it->get<std::string>();
    return Status::Ok();
  }

  Status Strings(const Json& object, std::string_view key, std::string_view where,
                 std::vector<std::string>& out) const {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return Status::Ok();
    }
    if (!it->is_array()) {
      return Error(fmt::format("{}{}", where, key), "must be a list of strings");
    }
    for (const auto& item : *it) {
      if (!item.is_string()) {
        return Error(fmt::format("{}{}", where, key), "must be a list of strings");
      }
      out.push_back(item.get<std::string>());
    }
    return Status::Ok();
  }

  Status Number(const Json& object, std::string_view key, std::string_view where,
                double& out) const {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return Status::Ok();
    }
    if (!it->is_number() || it->get<double>() < 0) {
      return Error(fmt::format("{}{}", where, key), "must be a number of zero or more");
    }
    out = it->get<double>();
    return Status::Ok();
  }

  Status Seconds(const Json& object, std::string_view key, std::string_view where,
                 std::chrono::seconds& out) const {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return Status::Ok();
    }
    if (it->is_number()) {
      out = std::chrono::seconds(static_cast<std::int64_t>(it->get<double>()));
      return Status::Ok();
    }
    auto parsed =
        it->is_string()
            ? ParseDuration(it->get<std::string>())
            : Result<std::chrono::microseconds>(InvalidArgument("must be a duration such as 10s"));
    if (!parsed) {
      return Error(fmt::format("{}{}", where, key), parsed.status().message());
    }
    out = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
    return Status::Ok();
  }

  Status Sources(const Json& document, Config& config) const {
    const auto it = document.find("sources");
    if (it == document.end() || it->is_null()) {
      return Status::Ok();
    }
    if (!it->is_array()) {
      return Error("sources",
                   "must be a list of {path, format, account, region, keep_missing, artifact}");
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& item = (*it)[i];
      const std::string where = fmt::format("sources[{}].", i);
      SourceConfig source;
      if (item.is_string()) {
        source.path = item.get<std::string>();
      } else {
        RAMPART_RETURN_IF_ERROR(
            CheckKeys(item, where.substr(0, where.size() - 1),
                      {"path", "format", "account", "region", "keep_missing", "artifact"}));
        RAMPART_RETURN_IF_ERROR(String(item, "path", where, source.path));
        RAMPART_RETURN_IF_ERROR(String(item, "format", where, source.format));
        RAMPART_RETURN_IF_ERROR(String(item, "account", where, source.account));
        RAMPART_RETURN_IF_ERROR(String(item, "region", where, source.region));
        if (!IsAwsRegion(source.region)) {
          return Error(where + "region",
                       fmt::format("\"{}\" is invalid; use an AWS Region code such as eu-west-1",
                                   source.region));
        }
        RAMPART_RETURN_IF_ERROR(String(item, "artifact", where, source.artifact));
        if (item.contains("artifact") && !IsArtifactName(source.artifact)) {
          return Error(where + "artifact",
                       fmt::format("\"{}\" is invalid; use 1 to 512 characters without control "
                                   "characters, such as github.com/bank/payments",
                                   source.artifact));
        }
        if (const auto keep = item.find("keep_missing"); keep != item.end()) {
          if (!keep->is_boolean()) {
            return Error(where + "keep_missing", "must be true or false");
          }
          source.keep_missing = keep->get<bool>();
        }
      }
      if (source.path.empty()) {
        return Error(where + "path", "is missing: name a report file or folder");
      }
      config.sources.push_back(std::move(source));
    }
    return Status::Ok();
  }

  Status Remediation(const Json& document, Config& config) const {
    const auto it = document.find("remediation");
    if (it == document.end() || it->is_null()) {
      return Status::Ok();
    }
    RAMPART_RETURN_IF_ERROR(
        CheckKeys(*it, "remediation",
                  {"work_dir", "allow", "kubeconfig", "ca_file", "bwrap_path", "settings"}));
    RemediationConfig& r = config.remediation;
    RAMPART_RETURN_IF_ERROR(String(*it, "work_dir", "remediation.", r.work_dir));
    RAMPART_RETURN_IF_ERROR(String(*it, "kubeconfig", "remediation.", r.kubeconfig));
    RAMPART_RETURN_IF_ERROR(String(*it, "ca_file", "remediation.", r.ca_file));
    RAMPART_RETURN_IF_ERROR(String(*it, "bwrap_path", "remediation.", r.bwrap_path));
    if (const auto settings = it->find("settings"); settings != it->end()) {
      r.settings = *settings;
    }
    if (const auto allow = it->find("allow"); allow != it->end()) {
      RAMPART_RETURN_IF_ERROR(CheckKeys(*allow, "remediation.allow",
                                        {"namespaces", "repositories", "accounts", "hosts"}));
      const std::string where = "remediation.allow.";
      RAMPART_RETURN_IF_ERROR(Strings(*allow, "namespaces", where, r.allow.namespaces));
      RAMPART_RETURN_IF_ERROR(Strings(*allow, "repositories", where, r.allow.repositories));
      RAMPART_RETURN_IF_ERROR(Strings(*allow, "accounts", where, r.allow.accounts));
      RAMPART_RETURN_IF_ERROR(Strings(*allow, "hosts", where, r.allow.hosts));
    }
    return Status::Ok();
  }

  Status Server(const Json& document, Config& config) const {
    const auto it = document.find("server");
    if (it == document.end() || it->is_null()) {
      return Status::Ok();
    }
    RAMPART_RETURN_IF_ERROR(
        CheckKeys(*it, "server",
                  {"listen", "tls", "max_body_bytes", "requests_per_second", "burst",
                   "read_timeout", "write_timeout", "threads", "worker_nice"}));
    ServerConfig& s = config.server;
    RAMPART_RETURN_IF_ERROR(String(*it, "listen", "server.", s.listen));
    double max_body = static_cast<double>(s.max_body_bytes);
    RAMPART_RETURN_IF_ERROR(Number(*it, "max_body_bytes", "server.", max_body));
    s.max_body_bytes = static_cast<std::size_t>(max_body);
    RAMPART_RETURN_IF_ERROR(Number(*it, "requests_per_second", "server.", s.requests_per_second));
    RAMPART_RETURN_IF_ERROR(Number(*it, "burst", "server.", s.burst));
    RAMPART_RETURN_IF_ERROR(Seconds(*it, "read_timeout", "server.", s.read_timeout));
    RAMPART_RETURN_IF_ERROR(Seconds(*it, "write_timeout", "server.", s.write_timeout));
    double threads = static_cast<double>(s.threads);
    RAMPART_RETURN_IF_ERROR(Number(*it, "threads", "server.", threads));
    if (threads < 1 || threads > 16384) {
      return Error("server.threads", "must be between 1 and 16384");
    }
    s.threads = static_cast<std::size_t>(threads);
    double worker_nice = s.worker_nice;
    RAMPART_RETURN_IF_ERROR(Number(*it, "worker_nice", "server.", worker_nice));
    if (worker_nice < 0 || worker_nice > 19 || worker_nice != static_cast<int>(worker_nice)) {
      return Error("server.worker_nice", "must be a whole number between 0 and 19");
    }
    s.worker_nice = static_cast<int>(worker_nice);
    if (const auto tls = it->find("tls"); tls != it->end() && !tls->is_null()) {
      RAMPART_RETURN_IF_ERROR(CheckKeys(*tls, "server.tls", {"cert", "key", "client_ca"}));
      RAMPART_RETURN_IF_ERROR(String(*tls, "cert", "server.tls.", s.tls.cert));
      RAMPART_RETURN_IF_ERROR(String(*tls, "key", "server.tls.", s.tls.key));
      RAMPART_RETURN_IF_ERROR(String(*tls, "client_ca", "server.tls.", s.tls.client_ca));
      if (s.tls.cert.empty() != s.tls.key.empty()) {
        return Error("server.tls", "needs both cert and key");
      }
    }
    return Status::Ok();
  }

 private:
  std::string path_;
};

}  // namespace

std::string Config::Resolve(const std::string& relative) const {
  if (relative.empty() || std::filesystem::path(relative).is_absolute() || base_dir.empty()) {
    return relative;
  }
  return (std::filesystem::path(base_dir) / relative).lexically_normal().string();
}

Result<std::string> Config::SqlitePath() const {
  constexpr std::string_view kPrefix = "sqlite:";
  if (store.rfind(kPrefix, 0) != 0) {
    return InvalidArgument(fmt::format(
        "store \"{}\" is not a SQLite store; this command needs store: sqlite:PATH", store));
  }
  return Resolve(store.substr(kPrefix.size()));
}

Result<Config> ParseConfig(const Json& document, const std::string& path) {
  Config config;
  config.path = path;
  config.base_dir = path.empty() ? "" : std::filesystem::path(path).parent_path().string();
  if (document.is_null()) {
    return config;
  }
  ConfigReader reader(path);
  RAMPART_RETURN_IF_ERROR(reader.CheckKeys(document, "",
                                           {"store", "store_sync", "bus", "rules", "models",
                                            "sources", "remediation", "server", "log_level"}));
  RAMPART_RETURN_IF_ERROR(reader.String(document, "store", "", config.store));
  RAMPART_RETURN_IF_ERROR(reader.String(document, "store_sync", "", config.store_sync));
  if (config.store_sync != "full" && config.store_sync != "normal") {
    return reader.Error(
        "store_sync",
        fmt::format("\"{}\" is not a synchronous mode; use full or normal", config.store_sync));
  }
  RAMPART_RETURN_IF_ERROR(reader.String(document, "bus", "", config.bus));
  if (Status bus = ValidateBusSetting(config.bus); !bus.ok()) {
    return reader.Error("bus", bus.message());
  }
  RAMPART_RETURN_IF_ERROR(reader.String(document, "rules", "", config.rules));
  RAMPART_RETURN_IF_ERROR(reader.String(document, "models", "", config.models));
  RAMPART_RETURN_IF_ERROR(reader.String(document, "log_level", "", config.log_level));
  RAMPART_RETURN_IF_ERROR(reader.Sources(document, config));
  RAMPART_RETURN_IF_ERROR(reader.Remediation(document, config));
  RAMPART_RETURN_IF_ERROR(reader.Server(document, config));
  if (config.store.rfind("sqlite:", 0) != 0 && config.store.rfind("postgresql://", 0) != 0 &&
      config.store.rfind("postgres://", 0) != 0) {
    return reader.Error(
        "store", fmt::format("\"{}\" is neither sqlite:PATH nor a PostgreSQL URL", config.store));
  }
  return config;
}

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadFile(path, 16 * 1024 * 1024);
  if (!text) {
    return text.status();
  }
  auto document = ParseJsonOrYaml(*text, path);
  if (!document) {
    return document.status();
  }
  return ParseConfig(*document, path);
}

bool IsArtifactName(std::string_view name) {
  return name.find_first_not_of(' ') != std::string_view::npos && name.size() <= 512 &&
         !HasControlCharacter(name);
}

}  // namespace rampart
