// Checks beyond the benchmarks: image references, resource requests and limits, and
// passwords kept outside Secrets (PCI DSS v4.0.1 requirement 8.6.2: no hard-coded passwords in
// configuration files).
#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "posture/check_functions.h"

namespace rampart::posture::detail {
namespace {

struct ImageReference {
  std::string_view tag;  // empty when absent
  bool has_digest = false;
};

ImageReference ParseImage(std::string_view image) {
  ImageReference reference;
  const std::size_t at = image.find('@');
  reference.has_digest = at != std::string_view::npos;
  const std::string_view name = image.substr(0, at);
  const std::size_t slash = name.rfind('/');
  const std::size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    reference.tag = name.substr(colon + 1);
  }
  return reference;
}

// Name parts that mark a password, passphrase, secret or token.
constexpr std::array<std::string_view, 9> kPasswordWords = {
    "password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "apikey", "credentials"};

// Name parts that mark a setting about a password rather than the password itself, such as
// TOKEN_EXPIRY_SECONDS or PRIV_KEY_PATH.
constexpr std::array<std::string_view, 14> kMetadataWords = {
    "path",    "file", "dir",    "expiry", "expires", "expiration", "seconds",
    "timeout", "ttl",  "length", "name",   "header",  "url",        "enabled"};

// Splits a name into lower-case words at non-letters and at lower-to-upper case changes:
// "dbPassword", "DB_PASSWORD" and "db-password" all give {"db", "password"}.
std::vector<std::string> SplitWords(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    const bool boundary =
        i > 0 && std::isupper(c) && std::islower(static_cast<unsigned char>(name[i - 1]));
    if (!std::isalnum(c) || boundary) {
      if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
      if (!std::isalnum(c)) {
        continue;
      }
    }
    word.push_back(static_cast<char>(std::tolower(c)));
  }
  if (!word.empty()) {
    words.push_back(std::move(word));
  }
  return words;
}

template <std::size_t N>
bool AnyWord(const std::vector<std::string>& words, const std::array<std::string_view, N>& set) {
  return std::any_of(words.begin(), words.end(), [&set](const std::string& word) {
    return std::find(set.begin(), set.end(), word) != set.end();
  });
}

bool IsPasswordName(std::string_view name) {
  const std::vector<std::string> words = SplitWords(name);
  return AnyWord(words, kPasswordWords) && !AnyWord(words, kMetadataWords);
}

// True for "scheme://user:password@host...", a URL that carries a password.
bool HasUrlPassword(std::string_view value) {
  const std::size_t scheme = value.find("://");
  if (scheme == std::string_view::npos) {
    return false;
  }
  const std::string_view rest = value.substr(scheme + 3);
  const std::size_t at = rest.find('@');
  const std::size_t end = rest.find_first_of("/?#");
  if (at == std::string_view::npos || (end != std::string_view::npos && at > end)) {
    return false;
  }
  const std::size_t colon = rest.find(':');
  return colon != std::string_view::npos && colon < at && colon + 1 < at;
}

// True when a literal value is password material: a non-empty value under a password-like
// name that is not a reference to another variable, or a URL with a password in it.
bool IsPasswordValue(std::string_view name, std::string_view value) {
  if (HasUrlPassword(value)) {
    return true;
  }
  const bool reference = value.substr(0, 2) == "$(" || value.substr(0, 2) == "${";
  return IsPasswordName(name) && !value.empty() && !reference;
}

// Returns the keys of a ConfigMap's data that hold password material.
std::vector<std::string> PasswordKeys(const ManifestObject& config_map, std::uint32_t* first_line) {
  std::vector<std::string> keys;
  const YamlNode* data = config_map.root->Find("data");
  for (std::size_t i = 0; data && data->IsMapping() && i < data->keys.size(); ++i) {
    if (IsPasswordValue(data->keys[i], StringOr(&data->children[i]))) {
      keys.push_back(data->keys[i]);
      if (first_line != nullptr && *first_line == 0) {
        *first_line = data->children[i].line;
      }
    }
  }
  return keys;
}

}  // namespace

std::optional<Outcome> CheckImageTag(const Subject& subject, const ScanContext&) {
  Violations violations;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* image = container.node->Find("image");
    const ImageReference reference = ParseImage(StringOr(image));
    if (!reference.has_digest && (reference.tag.empty() || reference.tag == "latest")) {
      violations.Add(container, image ? image->line : container.node->line);
    }
  }
  return violations.ToOutcome(
      "must name a fixed image tag or a digest, not latest or no tag, so the image that runs "
      "cannot change without a manifest change",
      "every image has a fixed tag or a digest");
}

std::optional<Outcome> CheckImageDigest(const Subject& subject, const ScanContext&) {
  Violations violations;
  for (const ContainerRef& container : subject.pod->containers) {
    const YamlNode* image = container.node->Find("image");
    if (!ParseImage(StringOr(image)).has_digest) {
      violations.Add(container, image ? image->line : container.node->line);
    }
  }
  return violations.ToOutcome("must pin the image by digest (@sha256:...)",
                              "every image is pinned by digest");
}

std::optional<Outcome> CheckResources(const Subject& subject, const ScanContext&) {
  Violations violations;
  std::vector<std::string> missing;
  for (const ContainerRef& container : subject.pod->containers) {
    if (container.list == "ephemeralContainers") {
      continue;  // the API does not allow resources on ephemeral containers
    }
    const YamlNode* resources = container.node->Find("resources");
    bool bad = false;
    for (std::string_view section : {"requests", "limits"}) {
      for (std::string_view resource : {"cpu", "memory"}) {
        const YamlNode* value = resources ? resources->FindPath({section, resource}) : nullptr;
        if (!IsSet(value)) {
          bad = true;
          AddUnique(missing, fmt::format("{}.{}", section, resource));
        }
      }
    }
    if (bad) {
      violations.Add(container, resources ? resources->line : container.node->line);
    }
  }
  return violations.ToOutcome(fmt::format("must set resources {}", JoinQuoted(missing)),
                              "every container sets CPU and memory requests and limits");
}

std::optional<Outcome> CheckPasswordInConfigMap(const Subject& subject, const ScanContext&) {
  std::uint32_t line = 0;
  const std::vector<std::string> keys = PasswordKeys(*subject.object, &line);
  if (keys.empty()) {
    return Outcome::Pass("no password-like values in data");
  }
  return Outcome::Fail(
      fmt::format("data keys {} hold passwords or credentials in plain text", JoinQuoted(keys)),
      line);
}

std::optional<Outcome> CheckPasswordInEnv(const Subject& subject, const ScanContext& context) {
  Violations violations;
  std::vector<std::string> sources;
  for (const ContainerRef& container : subject.pod->containers) {
    bool bad = false;
    const YamlNode* env = container.node->Find("env");
    for (const YamlNode& variable : env && env->IsSequence() ? env->children : kNoNodes) {
      const std::string_view name = StringOr(variable.Find("name"));
      const YamlNode* value = variable.Find("value");
      const YamlNode* from_config_map = variable.FindPath({"valueFrom", "configMapKeyRef"});
      const bool literal = IsSet(value) && IsPasswordValue(name, StringOr(value));
      const bool via_config_map = IsSet(from_config_map) && IsPasswordName(name);
      if (literal || via_config_map) {
        bad = true;
        violations.FirstLine(variable.line);
        AddUnique(sources, fmt::format("env {}", name));
      }
    }
    const YamlNode* env_from = container.node->Find("envFrom");
    for (const YamlNode& source :
         env_from && env_from->IsSequence() ? env_from->children : kNoNodes) {
      const std::string_view map_name = StringOr(source.FindPath({"configMapRef", "name"}));
      const ManifestObject* config_map =
          map_name.empty() ? nullptr : context.Find("ConfigMap", subject.namespace_name, map_name);
      if (config_map != nullptr && !PasswordKeys(*config_map, nullptr).empty()) {
        bad = true;
        violations.FirstLine(source.line);
        AddUnique(sources, fmt::format("ConfigMap {}", map_name));
      }
    }
    if (bad) {
      violations.Add(container, 0);
    }
  }
  return violations.ToOutcome(
      fmt::format("must take passwords from a Secret, not from {}", JoinQuoted(sources)),
      "no password reaches a container from plain text or a ConfigMap");
}

}  // namespace rampart::posture::detail
