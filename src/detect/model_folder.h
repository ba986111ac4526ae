// The models folder: model files named NAME.model, decoded on first use and kept in memory.
// `rampart serve` scores API requests with it and the dispatcher scores events with it.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/scoring_model.h"
#include "detect/isolation_forest.h"
#include "detect/matrix.h"
#include "detect/model_file.h"
#include "detect/random_cut_forest.h"

namespace rampart::detect {

// A model file trained on rows (`rampart model train --input`), decoded for scoring.
// Immutable, so scoring is thread-safe.
class RowModel final : public ScoringModel {
 public:
  // Decodes the forest of `file`. Fails, naming `source`, for a model of log windows, a
  // damaged payload, or a forest that reads another number of features than the file names.
  static Result<std::shared_ptr<const RowModel>> Create(ModelFile file, std::string_view source);

  const std::vector<std::string>& feature_names() const override { return feature_names_; }
  double Score(std::span<const double> row) const override;

  // Scores each row of `rows`, which must have feature_names().size() columns.
  std::vector<double> ScoreAll(const Matrix& rows) const;

  ModelKind kind() const { return kind_; }

 private:
  RowModel() = default;

  ModelKind kind_ = ModelKind::kIsolationForest;
  std::vector<std::string> feature_names_;
  std::optional<IsolationForest> isolation_forest_;
  std::optional<RandomCutForest> random_cut_forest_;
};

// Model files in one folder. A file read once is kept until it changes (another file moved
// in its place, or a new size, modification or status change time), so a retrained model
// takes effect on its next use without a restart. Failed loads are not kept, so a fixed
// file is read again. Thread-safe.
class ModelFolder final : public ModelCatalog {
 public:
  explicit ModelFolder(std::string folder);

  Result<std::shared_ptr<const ScoringModel>> Find(const std::string& name) override;

  // Returns the model named `name` with its row-scoring interface; errors as Find.
  Result<std::shared_ptr<const RowModel>> FindRowModel(const std::string& name);

  const std::string& folder() const { return folder_; }

 private:
  // What distinguishes one version of a file from another: its device and inode, size, and
  // modification and status change times in nanoseconds. A copy made with cp -p keeps the
  // modification time and size, but moving it in place gives another inode.
  using FileVersion = std::array<std::int64_t, 5>;
  struct Entry {
    FileVersion version{};
    std::shared_ptr<const RowModel> model;
  };

  const std::string folder_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace rampart::detect
