// Model endpoints over the models folder, all with the read scope:
//   POST /v1/models/{name}/invocations scores rows with the model file `{name}.model`, as a
//     SageMaker endpoint's InvokeEndpoint does. Rows come as text/csv (one row per line, the
//     model's features in order, no header) or as application/json
//     {"instances": [{"features": [...]}, ...]}, and a body without a Content-Type as JSON.
//     Another Content-Type gets 415. The response is {"scores": [{"score": S}, ...]}, one
//     score per row in input order.
//   GET /v1/models lists the model files with their kind, features and threshold.
//   GET /v1/models/{name}/scores scores the series `{name}.csv` beside the model (a CSV with a
//     header, such as the file the model was trained on) and returns each row's time and
//     score: the detector's anomaly scores over time.
#pragma once

#include <memory>

#include "detect/model_folder.h"
#include "server/http_server.h"

namespace rampart::server {

// Adds the route over `models`, which the rules' enrichment may share. A model file is
// decoded once and read again when it changes, so a retrained model takes effect without a
// restart.
void AddModelRoutes(HttpServer& server, std::shared_ptr<detect::ModelFolder> models);

}  // namespace rampart::server
