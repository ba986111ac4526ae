#include "cli/detect_command.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/detect_store.h"
#include "cli/metric_input.h"
#include "cli/table.h"
#include "core/file.h"
#include "detect/behaviour_model.h"
#include "detect/csv.h"
#include "detect/isolation_forest.h"
#include "detect/k8s_audit_detector.h"
#include "detect/model_file.h"
#include "detect/model_folder.h"
#include "detect/random_cut_forest.h"
#include "detect/rule_detectors.h"
#include "detect/series_detector.h"

namespace rampart::cli {
namespace {

using namespace rampart::detect;

struct TrainOptions {
  std::string algorithm;
  std::string input;
  std::string logs;
  std::string format;
  std::vector<std::string> features;
  std::uint64_t seed = 1;
  std::string out;
  std::size_t trees = 100;
  std::size_t samples = 256;
  double quantile = 0.99;
  int window_seconds = 300;
  int syslog_year = 0;
  std::string timezone = "UTC";
};

struct ScoreOptions {
  std::string model;
  std::string input;
};

struct DetectOptions {
  std::string logs;
  std::string format;
  std::string model;
  std::string db;
  std::string output = "table";
  std::string account = "000000000000";
  std::string region = "us-east-1";
  double threshold = 0.5;
  int syslog_year = 0;
  std::string timezone = "UTC";
  std::size_t scrapes = 1;
  double scrape_interval = 15.0;  // seconds
};

constexpr const char* kTimezoneHelp =
    "Time zone of syslog times written without an offset (\"Mmm dd hh:mm:ss\"): an IANA name "
    "such as Europe/Zurich, read from the system's zoneinfo with its daylight saving time, or a "
    "fixed offset such as +02:00 (default: UTC). RFC 3339 times keep their own offset";

// Returns an error when --timezone is given for a format whose times carry their zone.
Status CheckTimezoneFormat(bool timezone_given, const std::string& format) {
  if (timezone_given && format != "sshd" && format != "syslog") {
    return InvalidArgument(fmt::format(
        "--timezone applies to sshd logs, whose times carry no zone, and not to {}; leave it out",
        format.empty() ? "CSV rows" : "--format " + format));
  }
  return Status::Ok();
}

int Fail(const Status& status, int code = 2) {
  std::cerr << "error: " << status.message() << "\n";
  return code;
}

Result<CsvTable> ReadCsvFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) {
    return text.status();
  }
  return ParseCsv(*text, path);
}

// Reads a log file in `format_name`; prints rejected records to standard error. Syslog times
// without a year or offset are read in `syslog_year` and the zone named `timezone`.
Result<LogReadResult> ReadLogFile(const std::string& path, const std::string& format_name,
                                  int syslog_year, const std::string& timezone) {
  auto format = ParseLogFormat(format_name);
  if (!format) {
    return format.status();
  }
  auto zone = TimeZone::Load(timezone);
  if (!zone) {
    return InvalidArgument(fmt::format("--timezone: {}", zone.status().message()));
  }
  bool truncated = false;
  auto text = ReadFileUpToCut(path, truncated);
  if (!text) {
    return text.status();
  }
  if (truncated) {
    // The last line before the cut is incomplete, but the whole lines are still records.
    const std::size_t end = text->rfind('\n');
    text->resize(end == std::string::npos ? 0 : end + 1);
  }
  LogReadOptions options;
  options.source_name = path;
  options.syslog_year = syslog_year;
  options.syslog_zone = *zone;
  auto result = ReadLogs(*text, *format, options);
  if (result && truncated) {
    const auto lines = static_cast<std::size_t>(std::count(text->begin(), text->end(), '\n'));
    result->problems.insert(
        result->problems.begin(),
        LogProblem{lines + 1, fmt::format("{}: the gzip data ends before the end of the "
                                          "compressed stream (the file was cut short); read "
                                          "the {} whole lines before the cut",
                                          path, lines)});
  }
  if (result) {
    PrintProblems(result->problems, "rejected records");
  }
  return result;
}

// Trains on CSV rows: every row is one sample.
Result<ModelFile> TrainOnCsv(const TrainOptions& options) {
  auto table = ReadCsvFile(options.input);
  if (!table) {
    return table.status();
  }
  ModelFile file;
  auto matrix = CsvFeatures(*table, options.features, options.input, file.feature_names);
  if (!matrix) {
    return matrix.status();
  }
  if (matrix->rows < 2) {
    // A forest of fewer points scores every row 0, so its threshold would flag nothing.
    return InvalidArgument(
        fmt::format("{}: {} data rows; training needs at least 2, and a useful model many more",
                    options.input, matrix->rows));
  }
  RandomEngine engine(options.seed);
  std::vector<double> scores;
  if (options.algorithm == "iforest") {
    IsolationForestOptions forest_options;
    forest_options.num_trees = options.trees;
    forest_options.sample_size = options.samples;
    auto forest = IsolationForest::Fit(*matrix, forest_options, engine);
    if (!forest) {
      return forest.status();
    }
    scores = forest->ScoreAll(*matrix);
    file.kind = ModelKind::kIsolationForest;
    file.payload = forest->Encode();
  } else {
    RandomCutForestOptions forest_options;
    forest_options.num_trees = options.trees;
    forest_options.num_samples_per_tree = options.samples;
    forest_options.feature_dim = matrix->cols;
    forest_options.time_decay = 0.0;  // batch training: a uniform sample of all rows
    auto forest = RandomCutForest::Create(forest_options, std::move(engine));
    if (!forest) {
      return forest.status();
    }
    forest->UpdateAll(*matrix);
    scores = forest->ScoreAll(*matrix);
    file.kind = ModelKind::kRandomCutForest;
    file.payload = forest->Encode();
  }
  file.metadata["input"] = "csv";
  file.metadata["threshold"] = fmt::format("{:.17g}", Quantile(scores, options.quantile));
  return file;
}

// Checks --trees and --samples against the limits of the chosen forest, so the error names
// the flags rather than the forest's option names.
Status CheckForestSize(const TrainOptions& options) {
  const bool iforest = options.algorithm == "iforest";
  const std::size_t max_trees =
      iforest ? IsolationForestOptions::kMaxTrees : RandomCutForestOptions::kMaxTrees;
  const std::size_t min_samples = iforest ? 2 : 1;
  const std::size_t max_samples =
      iforest ? IsolationForestOptions::kMaxSampleSize : RandomCutForestOptions::kMaxSamples;
  if (options.trees < 1 || options.trees > max_trees) {
    return InvalidArgument(fmt::format("--trees {} is invalid for --algorithm {}; use 1 to {}",
                                       options.trees, options.algorithm, max_trees));
  }
  if (options.samples < min_samples || options.samples > max_samples) {
    return InvalidArgument(fmt::format("--samples {} is invalid for --algorithm {}; use {} to {}",
                                       options.samples, options.algorithm, min_samples,
                                       max_samples));
  }
  return Status::Ok();
}

void RunTrain(const TrainOptions& options, bool timezone_given, int& exit_code) {
  if (const Status usage = CheckTimezoneFormat(timezone_given, options.format); !usage.ok()) {
    exit_code = Fail(usage);
    return;
  }
  if (options.input.empty() == options.logs.empty()) {
    exit_code = Fail(InvalidArgument("pass exactly one of --input (CSV rows) or --logs (a log)"));
    return;
  }
  if (!options.input.empty() && !options.format.empty()) {
    exit_code = Fail(InvalidArgument(
        "--format names the format of --logs; CSV rows given with --input need none"));
    return;
  }
  if (!options.logs.empty() && !options.features.empty()) {
    exit_code = Fail(InvalidArgument(
        "--features picks CSV columns of --input; a model of log windows uses its fixed "
        "window features"));
    return;
  }
  if (Status size = CheckForestSize(options); !size.ok()) {
    exit_code = Fail(size);
    return;
  }
  Result<ModelFile> file = InvalidArgument("no model");
  if (!options.logs.empty()) {
    if (options.algorithm != "rcf") {
      exit_code = Fail(InvalidArgument("models of log windows use --algorithm rcf"));
      return;
    }
    auto events = ReadLogFile(options.logs, options.format, options.syslog_year, options.timezone);
    if (!events) {
      exit_code = Fail(events.status());
      return;
    }
    BehaviourOptions behaviour;
    behaviour.num_trees = options.trees;
    behaviour.num_samples_per_tree = options.samples;
    behaviour.quantile = options.quantile;
    behaviour.windows.size = std::chrono::seconds(options.window_seconds);
    behaviour.windows.slide = behaviour.windows.size;
    behaviour.windows.entities = {EntityKind::kPrincipal, EntityKind::kSourceIp};
    auto model = BehaviourModel::Train(events->events, behaviour, RandomEngine(options.seed));
    if (!model) {
      exit_code = Fail(model.status());
      return;
    }
    file = model->ToModelFile();
    file->metadata["log_format"] = options.format;
  } else {
    file = TrainOnCsv(options);
  }
  if (!file) {
    exit_code = Fail(file.status());
    return;
  }
  Status written = WriteModelFile(*file, options.out);
  if (!written.ok()) {
    exit_code = Fail(written);
    return;
  }
  // The file keeps 17 digits so the threshold reads back exactly. The shortest form that
  // reads back as the same double is enough to show.
  std::cout << fmt::format("wrote {} model of {} features to {} (threshold {})\n",
                           ModelKindName(file->kind), file->feature_names.size(), options.out,
                           std::strtod(file->metadata["threshold"].c_str(), nullptr));
  exit_code = 0;
}

// Returns one score per row of `table` (read from `input`) from a model trained on CSV rows.
// RowModel checks that the model reads rows and that its feature names match its forest.
Result<std::vector<double>> ScoreCsv(ModelFile file, const std::string& source,
                                     const CsvTable& table, const std::string& input) {
  std::vector<std::string> names;
  auto matrix = CsvFeatures(table, file.feature_names, input, names);
  if (!matrix) {
    return matrix.status();
  }
  auto model = RowModel::Create(std::move(file), source);
  if (!model) {
    return model.status();
  }
  return (*model)->ScoreAll(*matrix);
}

void RunScore(const ScoreOptions& options, int& exit_code) {
  auto file = ReadModelFile(options.model);
  if (!file) {
    exit_code = Fail(file.status());
    return;
  }
  auto table = ReadCsvFile(options.input);
  if (!table) {
    exit_code = Fail(table.status());
    return;
  }
  auto scores = ScoreCsv(std::move(*file), options.model, *table, options.input);
  if (!scores) {
    exit_code = Fail(scores.status());
    return;
  }
  std::string out;
  for (double score : *scores) {
    out += fmt::format("{}\n", score);
  }
  std::cout << out;
  exit_code = 0;
}

// Returns each row's time from the table's time column, or the current time for every row
// when it has none. The error names the line of a value that is not a time.
Result<std::vector<TimePoint>> RowTimes(const CsvTable& table, const std::string& source) {
  const int column = TimeColumn(table);
  std::vector<TimePoint> times(table.rows.size(), DefaultClock().Now());
  for (std::size_t row = 0; column >= 0 && row < table.rows.size(); ++row) {
    auto time = ParseCsvTime(table, row, static_cast<std::size_t>(column), source);
    if (!time) {
      return time.status();
    }
    times[row] = *time;
  }
  return times;
}

// Reports rows of a CSV file or of Prometheus series that score above a model's threshold,
// or, without a model, values that the series detector finds anomalous in each column.
Status DetectInTable(const DetectOptions& options, FindingSet& findings, bool& rejected) {
  const MetricInput metrics{
      options.logs, options.scrapes,
      std::chrono::milliseconds(std::llround(options.scrape_interval * 1000))};
  auto table =
      options.format == "prometheus" ? ReadMetrics(metrics, rejected) : ReadCsvFile(options.logs);
  if (!table) {
    return table.status();
  }
  auto times = RowTimes(*table, options.logs);
  if (!times) {
    return times.status();
  }
  auto row_time = [&](std::size_t row) { return (*times)[row]; };
  // The last part of the type names the algorithm that scored the rows. The series
  // detector, used without a model, is a Random Cut Forest.
  std::string_view algorithm = "RandomCutForest";
  auto report = [&](const std::string& entity, std::size_t row, double score, double threshold) {
    Detection detection;
    detection.detector = "metric-anomaly";
    detection.entity = options.logs + "#" + entity;
    detection.type =
        fmt::format("Unusual Behaviors/Process/Behavior:Metric-AnomalousValue.{}", algorithm);
    detection.title = fmt::format("Anomalous values in {} of {}", entity, options.logs);
    detection.description = fmt::format("Line {} scored {:.4f}, above the threshold {:.4f}.",
                                        table->line_numbers[row], score, threshold);
    detection.first_seen = row_time(row);
    detection.last_seen = row_time(row);
    detection.fields["rampart/detect/LastLine"] = std::to_string(table->line_numbers[row]);
    findings.Report(detection);
  };

  if (!options.model.empty()) {
    auto file = ReadModelFile(options.model);
    if (!file) {
      return file.status();
    }
    if (file->kind == ModelKind::kIsolationForest) {
      algorithm = "IsolationForest";
    }
    // The payload moves into the scoring model; the names and threshold stay for the report.
    const std::string entity = fmt::format("{}", fmt::join(file->feature_names, ","));
    const auto stored = file->metadata.find("threshold");
    const std::optional<std::string> threshold_text =
        stored == file->metadata.end() ? std::nullopt : std::optional(stored->second);
    auto scores = ScoreCsv(std::move(*file), options.model, *table, options.logs);
    if (!scores) {
      return scores.status();
    }
    double threshold = 0.0;
    if (threshold_text) {
      const std::string& text = *threshold_text;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), threshold);
      if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(threshold)) {
        return InvalidArgument(fmt::format("{}: invalid threshold \"{}\" in the model's metadata",
                                           options.model, text));
      }
    }
    for (std::size_t row = 0; row < scores->size(); ++row) {
      if ((*scores)[row] > threshold) {
        report(entity, row, (*scores)[row], threshold);
      }
    }
    return Status::Ok();
  }
  std::vector<std::string> names;
  auto matrix = CsvFeatures(*table, {}, options.logs, names);
  if (!matrix) {
    return matrix.status();
  }
  for (std::size_t col = 0; col < matrix->cols; ++col) {
    SeriesDetectorOptions series;
    series.forest.time_decay = 1e-5;
    series.recent = 0;
    auto detector = SeriesDetector::Create(series, RandomEngine(col + 1));
    if (!detector) {
      return detector.status();
    }
    std::vector<double> column(matrix->rows);
    for (std::size_t row = 0; row < matrix->rows; ++row) {
      column[row] = matrix->At(row, col);
    }
    if (col == 0 && matrix->rows <= detector->unscored_values()) {
      std::cerr << fmt::format(
          "warning: {}: {} rows; the series detector scores a column from row {} on, so it "
          "reports nothing here. Give a longer series (more --scrapes for a URL), or a "
          "--model\n",
          options.logs, matrix->rows, detector->unscored_values() + 1);
    }
    const std::vector<double> scores = detector->UpdateAll(column);
    for (std::size_t row = 0; row < scores.size(); ++row) {
      if (scores[row] > options.threshold) {
        report(names[col], row, scores[row], options.threshold);
      }
    }
  }
  return Status::Ok();
}

Status DetectInLogs(const DetectOptions& options, FindingSet& findings, bool& rejected) {
  auto events = ReadLogFile(options.logs, options.format, options.syslog_year, options.timezone);
  if (!events) {
    return events.status();
  }
  rejected = !events->problems.empty();
  std::vector<const LogEvent*> ordered;
  for (const LogEvent& event : events->events) {
    ordered.push_back(&event);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const LogEvent* a, const LogEvent* b) { return a->time < b->time; });

  BruteForceDetector brute_force({});
  UnauthorizedCallsDetector unauthorized({});
  K8sAuditDetector k8s_audit({});
  for (const LogEvent* event : ordered) {
    if (options.format == "sshd" || options.format == "syslog") {
      brute_force.Add(*event, findings);
    } else {
      unauthorized.Add(*event, findings);
    }
    if (options.format == "k8s-audit") {
      k8s_audit.Add(*event, findings);
    }
  }
  if (options.format == "cloudtrail") {
    InstanceCredentialDetector().Detect(events->events, findings);
  }
  if (!options.model.empty()) {
    auto file = ReadModelFile(options.model);
    if (!file) {
      return file.status();
    }
    // The windows of one log format mean little to a model of another: a model trained on
    // CloudTrail reported every window of an sshd log as anomalous.
    const auto trained_on = file->metadata.find("log_format");
    if (trained_on != file->metadata.end() && trained_on->second != options.format) {
      return InvalidArgument(fmt::format(
          "{}: the model was trained on {} logs, and --format is {}; train a model on {} logs "
          "with `rampart model train --algorithm rcf --logs FILE --format {}`",
          options.model, trained_on->second, options.format, options.format, options.format));
    }
    auto model = BehaviourModel::FromModelFile(*file);
    if (!model) {
      return model.status().WithContext(options.model);
    }
    model->Detect(events->events, findings);
  }
  return Status::Ok();
}

void PrintFindings(const std::vector<Json>& findings, const std::string& output) {
  if (output == "json") {
    std::cout << Json{{"Findings", findings}}.dump(2) << "\n";
    return;
  }
  Table table({"SEVERITY", "COUNT", "LAST OBSERVED", "TYPE", "TITLE"});
  for (const Json& finding : findings) {
    table.AddRow({finding["Severity"]["Label"].get<std::string>(),
                  finding["ProductFields"].value("rampart/detect/Count", "1"),
                  finding.value("LastObservedAt", ""), finding["Types"][0].get<std::string>(),
                  finding["Title"].get<std::string>()});
  }
  table.Print(std::cout);
  std::cout << fmt::format("{} findings\n", findings.size());
}

// Returns the error of options that do not go together, or OK.
Status CheckDetectOptions(const DetectOptions& options, bool scrapes_given, bool timezone_given) {
  RAMPART_RETURN_IF_ERROR(CheckTimezoneFormat(timezone_given, options.format));
  const bool url = IsScrapeUrl(options.logs);
  if (url && options.format != "prometheus") {
    return InvalidArgument(
        fmt::format("--logs {}: only --format prometheus reads a URL; give a file for {}",
                    options.logs, options.format));
  }
  if (scrapes_given && !url) {
    return InvalidArgument(fmt::format(
        "--scrapes and --scrape-interval apply to a scraped URL, and --logs {} is a file",
        options.logs));
  }
  return Status::Ok();
}

void RunDetect(const DetectOptions& options, bool scrapes_given, bool timezone_given,
               int& exit_code) {
  if (const Status usage = CheckDetectOptions(options, scrapes_given, timezone_given);
      !usage.ok()) {
    exit_code = Fail(usage);
    return;
  }
  FindingOptions finding_options;
  finding_options.aws_account_id = options.account;
  finding_options.region = options.region;
  FindingSet findings(finding_options);
  bool rejected = false;
  const bool table = options.format == "csv" || options.format == "prometheus";
  const Status status = table ? DetectInTable(options, findings, rejected)
                              : DetectInLogs(options, findings, rejected);
  if (!status.ok()) {
    exit_code = Fail(status);
    return;
  }
  PrintFindings(findings.findings(), options.output);
  const bool stored = options.db.empty() || StoreDetections(options.db, findings.findings());
  exit_code = rejected || !stored ? 1 : 0;
}

void AddModelCommands(CLI::App& app, int& exit_code) {
  CLI::App* model = app.add_subcommand("model", "Train anomaly-detection models and score data");
  model->require_subcommand(1);

  auto train = std::make_shared<TrainOptions>();
  CLI::App* train_command = model->add_subcommand(
      "train", "Train a Random Cut Forest or Isolation Forest and write it to a model file");
  train_command
      ->add_option("--algorithm", train->algorithm,
                   "Model to train: rcf (Random Cut Forest) or iforest (Isolation Forest)")
      ->required()
      ->check(CLI::IsMember({"rcf", "iforest"}));
  train_command->add_option("--input", train->input,
                            "CSV file with a header row; each row is one training sample");
  train_command->add_option("--logs", train->logs,
                            "Log file to train on its per-entity feature windows (rcf only)");
  train_command->add_option("--format", train->format,
                            "Format of --logs: cloudtrail, k8s-audit or sshd");
  train_command
      ->add_option("--features", train->features,
                   "CSV columns to use as features (default: every column but label, "
                   "y and timestamp)")
      ->delimiter(',');
  train_command->add_option("--seed", train->seed, "Seed of the random engine")
      ->capture_default_str();
  train_command->add_option("--out", train->out, "Model file to write")->required();
  train_command->add_option("--trees", train->trees, "Number of trees")->capture_default_str();
  train_command->add_option("--samples", train->samples, "Samples per tree")->capture_default_str();
  train_command
      ->add_option("--quantile", train->quantile,
                   "Quantile of the training scores stored as the detection threshold (0-1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  train_command
      ->add_option("--window-seconds", train->window_seconds,
                   "Length in seconds of the feature windows for --logs")
      ->capture_default_str();
  train_command
      ->add_option("--syslog-year", train->syslog_year,
                   "Year of syslog timestamps, which carry none, 1970 to 9999 (default: this "
                   "year)")
      ->check(CLI::Range(1970, 9999));
  CLI::Option* train_timezone =
      train_command->add_option("--timezone", train->timezone, kTimezoneHelp);
  train_command->callback([train, train_timezone, &exit_code] {
    RunTrain(*train, train_timezone->count() > 0, exit_code);
  });

  auto score = std::make_shared<ScoreOptions>();
  CLI::App* score_command = model->add_subcommand(
      "score", "Print one anomaly score per CSV row, in order; higher is more anomalous");
  score_command->add_option("--model", score->model, "Model file written by model train")
      ->required();
  score_command->add_option("--input", score->input, "CSV file with a header row")->required();
  score_command->callback([score, &exit_code] { RunScore(*score, exit_code); });
}

void AddDetectCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DetectOptions>();
  CLI::App* detect = app.add_subcommand(
      "detect", "Run the anomaly and rule detectors on a log and print ASFF findings");
  detect
      ->add_option("--logs", options->logs,
                   "Log or CSV file to read (gzip is unpacked), or for prometheus also an "
                   "http:// or https:// URL of a metrics endpoint to scrape")
      ->required();
  detect
      ->add_option("--format", options->format,
                   "Input format: cloudtrail, k8s-audit or sshd (logs), csv (a header row, then "
                   "one row per time), or prometheus (text exposition: a file whose samples "
                   "carry timestamps, or a URL, where a sample without one gets the time of "
                   "its scrape)")
      ->required()
      ->check(CLI::IsMember({"cloudtrail", "k8s-audit", "sshd", "csv", "prometheus"}));
  detect->add_option(
      "--model", options->model,
      "Model file: a log-window model for logs, a model trained on rows for csv and prometheus "
      "(its features are the series names)");
  detect->add_option("--db", options->db,
                     "Finding store to import the findings into: a SQLite file path (created when "
                     "missing; also written sqlite:PATH) or a postgresql:// URL. Without it the "
                     "findings are only printed");
  detect->add_option("--output", options->output, "Output: table or json (ASFF Findings)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  detect->add_option("--account", options->account, "AwsAccountId of the findings")
      ->capture_default_str();
  detect->add_option("--region", options->region, "Region of the findings")->capture_default_str();
  detect
      ->add_option("--threshold", options->threshold,
                   "Score above which a CSV value is reported when no --model is given (0-1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  detect
      ->add_option("--syslog-year", options->syslog_year,
                   "Year of syslog timestamps, which carry none, 1970 to 9999 (default: this "
                   "year)")
      ->check(CLI::Range(1970, 9999));
  CLI::Option* scrapes =
      detect
          ->add_option("--scrapes", options->scrapes,
                       "Scrapes of a --logs URL, each one row of the series; the series "
                       "detector needs a few hundred, a --model scores each row")
          ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
          ->capture_default_str();
  CLI::Option* interval =
      detect
          ->add_option("--scrape-interval", options->scrape_interval,
                       "Seconds between the starts of two scrapes of a --logs URL; a scrape "
                       "that takes more than 5 s fails")
          ->check(CLI::Range(0.0, 86400.0))
          ->capture_default_str();
  CLI::Option* timezone = detect->add_option("--timezone", options->timezone, kTimezoneHelp);
  detect->callback([options, scrapes, interval, timezone, &exit_code] {
    RunDetect(*options, scrapes->count() + interval->count() > 0, timezone->count() > 0, exit_code);
  });
}

}  // namespace

void AddDetectCommands(CLI::App& app, int& exit_code) {
  AddModelCommands(app, exit_code);
  AddDetectCommand(app, exit_code);
}

}  // namespace rampart::cli
