// Trained models that score rows of numbers, looked up by name. The models folder (detect)
// implements ModelCatalog. The rule checks (pattern), the event enrichment (remediate) and
// the API (server) use it, so they do not depend on the model code.
#pragma once

#include <algorithm>
#include <cctype>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace rampart {

// The maximum length of a model name, in bytes.
inline constexpr std::size_t kMaxModelNameLength = 128;

// Returns whether `name` can name a model: 1 to kMaxModelNameLength letters, digits, dots,
// dashes and underscores, starting with a letter or digit and without "..". A model name
// becomes a file name, so a valid name never leaves the models folder.
inline bool IsValidModelName(std::string_view name) {
  if (name.empty() || name.size() > kMaxModelNameLength ||
      !std::isalnum(static_cast<unsigned char>(name[0])) || name.find("..") != name.npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// A model that scores one row of feature values. Immutable, so Score is thread-safe.
class ScoringModel {
 public:
  virtual ~ScoringModel() = default;

  // The model's input columns, in the order Score reads them.
  virtual const std::vector<std::string>& feature_names() const = 0;

  // Returns the anomaly score of `row`, or NaN when its size is not feature_names().size().
  virtual double Score(std::span<const double> row) const = 0;
};

// Models by name. Thread-safe.
class ModelCatalog {
 public:
  virtual ~ModelCatalog() = default;

  // Returns the model named `name`. Errors: NotFound when there is no such model,
  // InvalidArgument for an invalid name or a damaged model, and FailedPrecondition for a
  // model that does not score rows. Each message names the model and the fix.
  virtual Result<std::shared_ptr<const ScoringModel>> Find(const std::string& name) = 0;
};

}  // namespace rampart
