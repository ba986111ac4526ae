#include "pattern/enrichment.h"

#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pattern/errors.h"

namespace rampart::pattern {
namespace {

// Score names become JSON members that patterns name. They contain no dots, so that
// rampart.scores.<name> reads as one path.
bool IsValidScoreName(std::string_view name) {
  if (name.empty() || name.size() > kMaxModelNameLength) {
    return false;
  }
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    if (!plain) {
      return false;
    }
  }
  return true;
}

void ReadFeatureList(const Json& list, Enrichment& out, std::vector<EnrichmentError>& errors) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = fmt::format(".features[{}]", i);
    if (!list[i].is_string()) {
      errors.push_back({where, "wrong_type",
                        fmt::format("a feature is a field path string such as "
                                    "detail.findings[0].Severity.Normalized, not {}",
                                    list[i].dump())});
      continue;
    }
    auto path = ParseFieldPath(list[i].get<std::string>());
    if (!path) {
      errors.push_back({where, "invalid_field_path", path.status().message()});
      continue;
    }
    out.features.push_back(std::move(*path));
  }
}

void ReadFeatureMap(const Json& map, Enrichment& out, std::vector<EnrichmentError>& errors) {
  for (const auto& [name, field] : map.items()) {
    const std::string where = ".features" + AppendMember("", name);
    if (!field.is_string()) {
      errors.push_back(
          {where, "wrong_type",
           fmt::format("feature \"{}\" maps to a field path string, not {}", name, field.dump())});
      continue;
    }
    auto path = ParseFieldPath(field.get<std::string>());
    if (!path) {
      errors.push_back({where, "invalid_field_path", path.status().message()});
      continue;
    }
    out.feature_names.push_back(name);
    out.features.push_back(std::move(*path));
  }
}

}  // namespace

std::string Enrichment::ComputationKey() const {
  std::string key = model;
  for (std::size_t i = 0; i < features.size(); ++i) {
    key += '\n';
    key += feature_names.empty() ? "" : feature_names[i] + "=";
    key += features[i].ToString();
  }
  return key;
}

std::vector<EnrichmentError> ParseEnrichment(const Json& block, Enrichment& out) {
  std::vector<EnrichmentError> errors;
  if (!block.is_object()) {
    errors.push_back({"", "wrong_type", "enrich must be a mapping with model, features and as"});
    return errors;
  }
  out.source = block;
  for (const auto& [key, value] : block.items()) {
    if (key != "model" && key != "features" && key != "as") {
      errors.push_back(
          {AppendMember("", key), "unknown_field",
           fmt::format("enrich has no key \"{}\"; the keys are model, features and as", key)});
    }
  }

  const Json model = block.value("model", Json());
  if (!model.is_string()) {
    errors.push_back({".model", model.is_null() ? "missing_field" : "wrong_type",
                      "enrich.model must name a model of the models folder, such as ssh-logins"});
  } else if (!IsValidModelName(model.get<std::string>())) {
    errors.push_back({".model", "invalid_model_name",
                      fmt::format("model name \"{}\" is invalid; use up to {} letters, digits, "
                                  "dots, dashes and underscores, starting with a letter or digit",
                                  model.get<std::string>(), kMaxModelNameLength)});
  } else {
    out.model = model.get<std::string>();
  }

  const Json features = block.value("features", Json());
  if (features.is_array() && !features.empty()) {
    ReadFeatureList(features, out, errors);
  } else if (features.is_object() && !features.empty()) {
    ReadFeatureMap(features, out, errors);
  } else {
    errors.push_back({".features", features.is_null() ? "missing_field" : "wrong_type",
                      "enrich.features must be a non-empty list of field paths in the model's "
                      "feature order, or a mapping from the model's feature names to field paths"});
  }

  if (!block.contains("as") && out.model.empty()) {
    return errors;  // the model's error stands for the default score name too
  }
  if (!block.contains("as")) {
    if (!IsValidScoreName(out.model)) {
      errors.push_back(
          {"", "invalid_score_name",
           fmt::format("the model name \"{}\" cannot name the score because it contains a dot; "
                       "set enrich.as to a score name of letters, digits, dashes and underscores",
                       out.model)});
    }
    out.score_name = out.model;
    return errors;
  }
  const Json& as = block["as"];
  if (!as.is_string() || !IsValidScoreName(as.get<std::string>())) {
    errors.push_back(
        {".as", "invalid_score_name",
         fmt::format("enrich.as {} is not a valid score name; use up to {} letters, digits, "
                     "dashes and underscores, or leave it out to use the model name",
                     as.dump(), kMaxModelNameLength)});
  } else {
    out.score_name = as.get<std::string>();
  }
  return errors;
}

Result<std::vector<const FieldPath*>> FieldsInModelOrder(
    const Enrichment& enrichment, const std::vector<std::string>& model_features) {
  std::vector<const FieldPath*> fields;
  if (enrichment.feature_names.empty()) {
    if (enrichment.features.size() != model_features.size()) {
      return InvalidArgument(fmt::format(
          "model \"{}\" reads {} features ({}) but enrich.features names {} fields; list one "
          "field per feature, in this order",
          enrichment.model, model_features.size(), fmt::join(model_features, ", "),
          enrichment.features.size()));
    }
    for (const FieldPath& field : enrichment.features) {
      fields.push_back(&field);
    }
    return fields;
  }

  const std::set<std::string> known(model_features.begin(), model_features.end());
  for (const std::string& name : enrichment.feature_names) {
    if (known.count(name) == 0) {
      return InvalidArgument(fmt::format("model \"{}\" has no feature \"{}\"; its features are {}",
                                         enrichment.model, name, fmt::join(model_features, ", ")));
    }
  }
  for (const std::string& feature : model_features) {
    std::size_t i = 0;
    while (i < enrichment.feature_names.size() && enrichment.feature_names[i] != feature) {
      ++i;
    }
    if (i == enrichment.feature_names.size()) {
      return InvalidArgument(fmt::format(
          "enrich.features maps no field to feature \"{}\" of model \"{}\"; map each of {}",
          feature, enrichment.model, fmt::join(model_features, ", ")));
    }
    fields.push_back(&enrichment.features[i]);
  }
  return fields;
}

bool FeatureValue(const Json& value, double& out) {
  if (value.is_number()) {
    out = value.get<double>();
    return std::isfinite(out);
  }
  if (!value.is_string()) {
    return false;
  }
  const std::string& text = value.get_ref<const std::string&>();
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, out);
  return error == std::errc() && stop == end && std::isfinite(out);
}

}  // namespace rampart::pattern
