#include "detect/model_folder.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace rampart::detect {

Result<std::shared_ptr<const RowModel>> RowModel::Create(ModelFile file, std::string_view source) {
  const auto input = file.metadata.find("input");
  if (input != file.metadata.end() && input->second != "csv") {
    return FailedPrecondition(fmt::format(
        "{}: the model scores log windows, not rows; use it with `rampart detect --model`, or "
        "train a model on rows with `rampart model train --input`",
        source));
  }
  auto model = std::shared_ptr<RowModel>(new RowModel());
  model->kind_ = file.kind;
  model->feature_names_ = std::move(file.feature_names);
  std::size_t forest_features = 0;
  if (file.kind == ModelKind::kIsolationForest) {
    auto forest = IsolationForest::Decode(file.payload);
    if (!forest) {
      return forest.status().WithContext(source);
    }
    forest_features = forest->feature_count();
    model->isolation_forest_ = std::move(*forest);
  } else {
    auto forest = RandomCutForest::Decode(file.payload);
    if (!forest) {
      return forest.status().WithContext(source);
    }
    forest_features = forest->dimensions();
    model->random_cut_forest_ = std::move(*forest);
  }
  if (forest_features != model->feature_names_.size()) {
    return InvalidArgument(fmt::format(
        "{}: the model file names {} features but its forest reads {}; train the model again",
        source, model->feature_names_.size(), forest_features));
  }
  return std::shared_ptr<const RowModel>(std::move(model));
}

double RowModel::Score(std::span<const double> row) const {
  if (row.size() != feature_names_.size()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return isolation_forest_ ? isolation_forest_->Score(row.data())
                           : random_cut_forest_->Score(row.data());
}

std::vector<double> RowModel::ScoreAll(const Matrix& rows) const {
  if (rows.cols != feature_names_.size()) {
    return std::vector<double>(rows.rows, std::numeric_limits<double>::quiet_NaN());
  }
  return isolation_forest_ ? isolation_forest_->ScoreAll(rows) : random_cut_forest_->ScoreAll(rows);
}

ModelFolder::ModelFolder(std::string folder) : folder_(std::move(folder)) {}

Result<std::shared_ptr<const ScoringModel>> ModelFolder::Find(const std::string& name) {
  auto model = FindRowModel(name);
  if (!model) {
    return model.status();
  }
  return std::shared_ptr<const ScoringModel>(std::move(*model));
}

Result<std::shared_ptr<const RowModel>> ModelFolder::FindRowModel(const std::string& name) {
  if (!IsValidModelName(name)) {
    return InvalidArgument(
        fmt::format("model name \"{}\" is invalid; use up to {} letters, digits, dots, dashes and "
                    "underscores, starting with a letter or digit",
                    name, kMaxModelNameLength));
  }
  const std::string path = (std::filesystem::path(folder_) / (name + ".model")).string();
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    const std::string reason = S_ISDIR(info.st_mode) ? "a folder" : std::strerror(errno);
    return NotFound(fmt::format(
        "model \"{}\" not found: {} cannot be read ({}); train it with `rampart model train "
        "--input ROWS.csv --out {}`, or fix the name",
        name, path, reason, path));
  }
  const auto nanoseconds = [](const timespec& time) {
    return std::int64_t{time.tv_sec} * 1'000'000'000 + time.tv_nsec;
  };
  const FileVersion version = {static_cast<std::int64_t>(info.st_dev),
                               static_cast<std::int64_t>(info.st_ino),
                               static_cast<std::int64_t>(info.st_size), nanoseconds(info.st_mtim),
                               nanoseconds(info.st_ctim)};

  std::lock_guard lock(mutex_);
  const auto cached = entries_.find(name);
  if (cached != entries_.end() && cached->second.version == version) {
    return cached->second.model;
  }
  auto file = ReadModelFile(path);
  if (!file) {
    return file.status();
  }
  auto model = RowModel::Create(std::move(*file), path);
  if (!model) {
    return model.status();
  }
  entries_[name] = Entry{version, *model};
  return *model;
}

}  // namespace rampart::detect
