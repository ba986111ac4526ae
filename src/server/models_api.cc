#include "server/models_api.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>

#include "detect/csv.h"
#include "detect/isolation_forest.h"
#include "detect/model_file.h"
#include "detect/random_cut_forest.h"
#include "server/api_support.h"

namespace rampart::server {
namespace {

constexpr std::size_t kMaxRows = 100000;

// Model names are file names without a folder, so a request never reads outside the folder.
bool ValidModelName(const std::string& name) {
  if (name.empty() || name.size() > 128 || !std::isalnum(static_cast<unsigned char>(name[0])) ||
      name.find("..") != std::string::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// Reads rows without a header: each line contains one number per feature.
Result<detect::Matrix> CsvRows(const std::string& body, std::size_t features) {
  std::string header;
  for (std::size_t i = 0; i < features; ++i) {
    header += (i == 0 ? "f" : ",f") + std::to_string(i);
  }
  auto table = detect::ParseCsv(header + "\n" + body, "request body");
  if (!table) {
    return table.status();
  }
  detect::Matrix matrix(table->rows.size(), features);
  for (std::size_t row = 0; row < table->rows.size(); ++row) {
    for (std::size_t column = 0; column < features; ++column) {
      auto value = detect::ParseCsvNumber(*table, row, column, "request body");
      if (!value) {
        return value.status();
      }
      matrix.At(row, column) = *value;
    }
  }
  return matrix;
}

Result<detect::Matrix> JsonRows(const std::string& body, std::size_t features) {
  auto json = ParseJson(body, "request body");
  if (!json) {
    return json.status();
  }
  const Json* instances = json->is_object() ? FindPath(*json, "instances") : nullptr;
  if (instances == nullptr || !instances->is_array()) {
    return InvalidArgument("$.instances: missing; send {\"instances\": [{\"features\": [...]}]}");
  }
  detect::Matrix matrix(instances->size(), features);
  for (std::size_t row = 0; row < instances->size(); ++row) {
    const std::string path = JsonPathMember(JsonPathIndex("$.instances", row), "features");
    const Json& values =
        (*instances)[row].is_object() ? (*instances)[row].value("features", Json()) : Json();
    if (!values.is_array() || values.size() != features) {
      return InvalidArgument(
          fmt::format("{}: must be an array of {} numbers, the model's features", path, features));
    }
    for (std::size_t column = 0; column < features; ++column) {
      if (!values[column].is_number()) {
        return InvalidArgument(
            fmt::format("{}[{}]: {} is not a number", path, column, values[column].dump()));
      }
      matrix.At(row, column) = values[column].get<double>();
    }
  }
  return matrix;
}

Result<std::vector<double>> Score(const detect::ModelFile& model, const detect::Matrix& rows) {
  if (model.kind == detect::ModelKind::kIsolationForest) {
    auto forest = detect::IsolationForest::Decode(model.payload);
    if (!forest) {
      return forest.status();
    }
    if (forest->feature_count() != rows.cols) {
      return Internal("the model's forest reads a different number of features than it names");
    }
    return forest->ScoreAll(rows);
  }
  auto forest = detect::RandomCutForest::Decode(model.payload);
  if (!forest) {
    return forest.status();
  }
  if (forest->dimensions() != rows.cols) {
    return Internal("the model's forest reads a different number of features than it names");
  }
  return forest->ScoreAll(rows);
}

ApiResponse Invoke(const std::string& folder, const ApiRequest& request) {
  const std::string& name = request.path_params.at("name");
  if (!ValidModelName(name)) {
    return InvalidInput(request, fmt::format("model name \"{}\" is invalid; use letters, digits, "
                                             "dots, dashes and underscores",
                                             name));
  }

  const std::string path = (std::filesystem::path(folder) / (name + ".model")).string();
  if (!std::filesystem::exists(path)) {
    return StatusResponse(request, NotFound(fmt::format("model \"{}\" not found", name)));
  }
  auto model = detect::ReadModelFile(path);
  if (!model) {
    return StatusResponse(request, Internal(model.status().message()));
  }
  if (model->metadata.count("input") != 0 && model->metadata.at("input") != "csv") {
    return InvalidInput(request, fmt::format("model \"{}\" scores log windows, not rows", name));
  }

  const bool csv = request.content_type.rfind("text/csv", 0) == 0;
  auto rows = csv ? CsvRows(request.body, model->feature_names.size())
                  : JsonRows(request.body, model->feature_names.size());
  if (!rows) {
    return StatusResponse(request, rows.status());
  }
  if (rows->rows == 0 || rows->rows > kMaxRows) {
    return InvalidInput(request,
                        fmt::format("the request has {} rows; send 1 to {}", rows->rows, kMaxRows));
  }

  auto scores = Score(*model, *rows);
  if (!scores) {
    return StatusResponse(request, scores.status());
  }
  Json list = Json::array();
  for (double score : *scores) {
    list.push_back({{"score", score}});
  }
  return ApiResponse::Json(200, Json{{"scores", list}});
}

}  // namespace

void AddModelRoutes(HttpServer& server, std::string folder) {
  server.Route(
      "POST", "/v1/models/{name}/invocations", Scope::kRead,
      [folder = std::move(folder)](const ApiRequest& request) { return Invoke(folder, request); });
}

}  // namespace rampart::server
