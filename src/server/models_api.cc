#include "server/models_api.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "core/file.h"
#include "core/log.h"
#include "detect/csv.h"
#include "server/api_support.h"

namespace rampart::server {
namespace {

constexpr std::size_t kMaxRows = 100000;

// Returns `message` with the models folder taken out of the file paths it names, so that a
// client reads "name.model: ..." and not where the server keeps its files.
std::string WithoutFolder(std::string message, const std::string& folder) {
  std::string prefix = folder;
  if (prefix.empty()) {
    return message;
  }
  if (prefix.back() != '/') {
    prefix += '/';
  }
  for (std::size_t at = message.find(prefix); at != std::string::npos;
       at = message.find(prefix, at)) {
    message.erase(at, prefix.size());
  }
  return message;
}

// A model or series file that cannot be used: the server's fault, not the request's.
ApiResponse FileProblem(const ApiRequest& request, const Status& status,
                        const std::string& folder) {
  return StatusResponse(request, Internal(WithoutFolder(status.message(), folder)));
}

// Reads rows without a header: each line contains one number per feature of the model.
Result<detect::Matrix> CsvRows(const std::string& body, const std::vector<std::string>& names) {
  const std::size_t features = names.size();
  if (const std::size_t nul = body.find('\0'); nul != std::string::npos) {
    const auto line =
        1 + std::count(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
    return InvalidArgument(
        fmt::format("request body: line {}: a NUL byte; CSV rows are text", line));
  }
  auto table = detect::ParseCsvRows(body, "request body", names);
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

// Returns the media type of a Content-Type value: the part before its parameters, without
// spaces and in lower case, because HTTP type and subtype names are case-insensitive.
std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  const std::size_t start = type.find_first_not_of(" \t");
  const std::size_t end = type.find_last_not_of(" \t");
  type = start == std::string_view::npos ? std::string_view() : type.substr(start, end - start + 1);
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// Returns 415 Unsupported Media Type, naming the accepted types, and logs it.
ApiResponse UnsupportedMediaType(const ApiRequest& request) {
  Logger("api")->info("{} {} by {} rejected: Content-Type \"{}\" is not supported", request.method,
                      request.path, request.token_name, request.content_type);
  return ApiResponse::Error(
      415, "UnsupportedMediaTypeException",
      fmt::format("Content-Type \"{}\" is not supported; send text/csv (one row of features "
                  "per line) or application/json ({{\"instances\": [{{\"features\": [...]}}]}})",
                  request.content_type));
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
        return FileProblem(request, model.status(), models.folder());
    }
  }
  const std::size_t features = (*model)->feature_names().size();

  const std::string media_type = MediaType(request.content_type);
  const bool csv = media_type == "text/csv";
  if (!csv && media_type != "application/json" && !media_type.empty()) {
    return UnsupportedMediaType(request);
  }
  auto rows =
      csv ? CsvRows(request.body, (*model)->feature_names()) : JsonRows(request.body, features);
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

std::optional<double> Threshold(const detect::ModelFile& model) {
  const auto found = model.metadata.find("threshold");
  if (found == model.metadata.end()) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double value = std::strtod(found->second.c_str(), &end);
  return end != found->second.c_str() && *end == '\0' ? std::optional<double>(value) : std::nullopt;
}

// Lists the models of the folder: name, kind, features, threshold and whether a series file
// `{name}.csv` lies beside it. A file that is not a valid model is listed with its problem.
ApiResponse List(const std::string& folder, const ApiRequest& request) {
  std::error_code error;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().stem().string();
    if (entry.path().extension() == ".model" && IsValidModelName(name)) {
      names.push_back(name);
    }
  }
  if (error) {
    return StatusResponse(
        request, Internal(fmt::format("cannot list the models folder: {}", error.message())));
  }
  std::sort(names.begin(), names.end());
  Json models = Json::array();
  for (const std::string& name : names) {
    const std::filesystem::path base = std::filesystem::path(folder) / name;
    Json item{{"Name", name}, {"Series", std::filesystem::exists(base.string() + ".csv")}};
    auto model = detect::ReadModelFile(base.string() + ".model");
    if (!model) {
      item["Problem"] = WithoutFolder(model.status().message(), folder);
    } else {
      item["Kind"] = detect::ModelKindName(model->kind);
      item["Features"] = model->feature_names;
      const auto threshold = Threshold(*model);
      item["Threshold"] = threshold ? Json(*threshold) : Json(nullptr);
    }
    models.push_back(std::move(item));
  }
  return ApiResponse::Json(200, Json{{"Models", models}});
}

// Returns the time of each row from a "timestamp", "time" or "date" column as RFC 3339, or
// null for every row when there is no such column. The error names the line of a bad time.
Result<Json> RowTimes(const detect::CsvTable& table, const std::string& source) {
  const int column = detect::TimeColumn(table);
  Json times = Json::array();
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    if (column < 0) {
      times.push_back(nullptr);
      continue;
    }
    auto time = detect::ParseCsvTime(table, row, static_cast<std::size_t>(column), source);
    if (!time) {
      return time.status();
    }
    times.push_back(FormatTimestamp(*time));
  }
  return times;
}

// Scores every row of the series file `{name}.csv` with `{name}.model`, in file order, and
// returns each row's time and score with the model's threshold.
ApiResponse Scores(const std::string& folder, const ApiRequest& request) {
  const std::string& name = request.path_params.at("name");
  if (!IsValidModelName(name)) {
    return InvalidInput(request, fmt::format("model name \"{}\" is invalid; use letters, digits, "
                                             "dots, dashes and underscores",
                                             name));
  }

  const std::filesystem::path base = std::filesystem::path(folder) / name;
  const std::string model_path = base.string() + ".model";
  const std::string series_path = base.string() + ".csv";
  if (!std::filesystem::exists(model_path) || !std::filesystem::exists(series_path)) {
    return StatusResponse(
        request, NotFound(fmt::format("model \"{}\" has no {}.model and {}.csv pair in the "
                                      "models folder; put the series it scores beside it",
                                      name, name, name)));
  }

  auto model = detect::ReadModelFile(model_path);
  auto text = model ? ReadFile(series_path) : Result<std::string>(model.status());
  auto table =
      text ? detect::ParseCsv(*text, series_path) : Result<detect::CsvTable>(text.status());
  if (!table) {
    return FileProblem(request, table.status(), folder);
  }
  if (table->rows.size() > kMaxRows) {
    return FileProblem(request,
                       Internal(fmt::format("{} has {} rows; the most scored is {}", series_path,
                                            table->rows.size(), kMaxRows)),
                       folder);
  }

  const auto threshold = Threshold(*model);
  std::vector<std::string> names;
  auto rows = detect::CsvFeatures(*table, model->feature_names, series_path, names);
  auto times = rows ? RowTimes(*table, series_path) : Result<Json>(rows.status());
  auto scorer = times ? detect::RowModel::Create(std::move(*model), model_path)
                      : Result<std::shared_ptr<const detect::RowModel>>(times.status());
  if (!scorer) {
    return FileProblem(request, scorer.status(), folder);
  }
  const std::vector<double> scores = (*scorer)->ScoreAll(*rows);

  Json points = Json::array();
  for (std::size_t row = 0; row < scores.size(); ++row) {
    points.push_back({{"Time", (*times)[row]}, {"Score", scores[row]}});
  }
  return ApiResponse::Json(200, Json{{"Model", name},
                                     {"Threshold", threshold ? Json(*threshold) : Json(nullptr)},
                                     {"Points", points}});
}

}  // namespace

void AddModelRoutes(HttpServer& server, std::shared_ptr<detect::ModelFolder> models) {
  const std::string folder = models->folder();
  server.Route(
      "POST", "/v1/models/{name}/invocations", Scope::kRead,
      [models = std::move(models)](const ApiRequest& request) { return Invoke(*models, request); });
  server.Route("GET", "/v1/models", Scope::kRead,
               [folder](const ApiRequest& request) { return List(folder, request); });
  server.Route("GET", "/v1/models/{name}/scores", Scope::kRead,
               [folder](const ApiRequest& request) { return Scores(folder, request); });
}

}  // namespace rampart::server
