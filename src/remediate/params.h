// Typed access to a rule target's parameters and to fields of a finding, with errors that
// name the parameter, the action and the fix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace rampart::remediate {

// Reads parameters of one action; every error starts with the action name.
class Params {
 public:
  Params(const Json& params, std::string_view action) : params_(params), action_(action) {}

  // Fails unless `params` is an object whose keys are all in `known`.
  Status CheckKeys(std::initializer_list<std::string_view> known) const;

  Result<std::string> RequiredString(std::string_view key) const;
  Result<std::optional<std::string>> OptionalString(std::string_view key) const;
  Result<std::vector<std::string>> StringList(std::string_view key, bool required = false) const;
  Result<std::optional<std::int64_t>> OptionalInteger(std::string_view key, std::int64_t min,
                                                      std::int64_t max) const;
  Result<bool> Bool(std::string_view key, bool fallback) const;
  // Returns the object at `key`, or an empty object when absent.
  Result<Json> Object(std::string_view key) const;

  bool Has(std::string_view key) const;

 private:
  Status Error(std::string_view key, std::string_view expected) const;

  const Json& params_;
  std::string action_;
};

// Returns the value at `path` in `document`, or nullptr. The path is dotted with optional
// array indices: "Resources[0].Details.Container.ImageName" or "Resources.0.Id".
const Json* LookupPath(const Json& document, std::string_view path);

// Returns the first Resources[] entry of a finding whose Type equals `type`, or nullptr.
const Json* FindResource(const Json& finding, std::string_view type);

}  // namespace rampart::remediate

#define REMEDIATE_CONCAT_INNER(a, b) a##b
#define REMEDIATE_CONCAT(a, b) REMEDIATE_CONCAT_INNER(a, b)

// Evaluates `expr` (a Result); returns its Status from the enclosing function on error,
// otherwise moves its value into `lhs`, which may be a declaration.
#define REMEDIATE_ASSIGN_OR_RETURN(lhs, expr)             \
  auto REMEDIATE_CONCAT(result_, __LINE__) = (expr);      \
  if (!REMEDIATE_CONCAT(result_, __LINE__).has_value()) { \
    return REMEDIATE_CONCAT(result_, __LINE__).status();  \
  }                                                       \
  lhs = std::move(*REMEDIATE_CONCAT(result_, __LINE__))
