// Prometheus samples turned into a table of time series, the input of the series detectors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/csv.h"
#include "detect/prometheus.h"

namespace rampart::detect {

// Returns the samples as a table: a "timestamp" column, then one column per series, in
// order of first appearance, and one row per distinct timestamp in time order. A column is
// named as the text format writes its series, with the labels sorted by name and their
// values escaped, so the same label set in another order is the same series. A series without a
// sample at a row's time keeps its previous value, or its first value before it has one, and
// gets one note in `gaps` that counts those times. Samples without a timestamp, NaN or
// infinite values, and a second sample of a series at one time are left out and added to
// `problems`. Fails when no sample has a timestamp, and when the table would exceed 20,000,000
// cells.
Result<CsvTable> MetricTable(const std::vector<MetricSample>& samples, std::string_view source,
                             std::vector<LogProblem>& problems, std::vector<std::string>& gaps);

}  // namespace rampart::detect
