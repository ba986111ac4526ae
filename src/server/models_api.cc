#include "server/models_api.h"

#include <fmt/format.h>

#include "detect/csv.h"
#include "server/api_support.h"

namespace rampart::server {
namespace {

constexpr std::size_t kMaxRows = 100000;

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

ApiResponse Invoke(detect::ModelFolder& models, const ApiRequest& request) {
  const std::string& name = request.path_params.at("name");
  if (!IsValidModelName(name)) {
    return InvalidInput(request, fmt::format("model name \"{}\" is invalid; use letters, digits, "
                                             "dots, dashes and underscores",
                                             name));
  }
  auto model = models.FindRowModel(name);
  if (!model) {
    switch (model.status().code()) {
      case StatusCode::kNotFound:
        return StatusResponse(request, NotFound(fmt::format("model \"{}\" not found", name)));
      case StatusCode::kFailedPrecondition:
        return InvalidInput(request,
                            fmt::format("model \"{}\" scores log windows, not rows", name));
      default:
        return StatusResponse(request, Internal(model.status().message()));
    }
  }
  const std::size_t features = (*model)->feature_names().size();

  const bool csv = request.content_type.rfind("text/csv", 0) == 0;
  auto rows = csv ? CsvRows(request.body, features) : JsonRows(request.body, features);
  if (!rows) {
    return StatusResponse(request, rows.status());
  }
  if (rows->rows == 0 || rows->rows > kMaxRows) {
    return InvalidInput(request,
                        fmt::format("the request has {} rows; send 1 to {}", rows->rows, kMaxRows));
  }

  Json list = Json::array();
  for (double score : (*model)->ScoreAll(*rows)) {
    list.push_back({{"score", score}});
  }
  return ApiResponse::Json(200, Json{{"scores", list}});
}

}  // namespace

void AddModelRoutes(HttpServer& server, std::shared_ptr<detect::ModelFolder> models) {
  server.Route(
      "POST", "/v1/models/{name}/invocations", Scope::kRead,
      [models = std::move(models)](const ApiRequest& request) { return Invoke(*models, request); });
}

}  // namespace rampart::server
