#include "vuln/cvss.h"

#include <array>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace rampart::vuln {
namespace {

struct MetricValue {
  std::string_view metric;
  char value;
  double weight;
};

// Base metric weights from the CVSS v3.1 specification. Privileges Required has a second
// weight when the scope changes, chosen in BaseScore.
constexpr std::array<MetricValue, 22> kWeights = {{
    {"AV", 'N', 0.85}, {"AV", 'A', 0.62}, {"AV", 'L', 0.55}, {"AV", 'P', 0.2},  {"AC", 'L', 0.77},
    {"AC", 'H', 0.44}, {"PR", 'N', 0.85}, {"PR", 'L', 0.62}, {"PR", 'H', 0.27}, {"UI", 'N', 0.85},
    {"UI", 'R', 0.62}, {"S", 'U', 0},     {"S", 'C', 0},     {"C", 'H', 0.56},  {"C", 'L', 0.22},
    {"C", 'N', 0},     {"I", 'H', 0.56},  {"I", 'L', 0.22},  {"I", 'N', 0},     {"A", 'H', 0.56},
    {"A", 'L', 0.22},  {"A", 'N', 0},
}};

constexpr std::array<std::string_view, 8> kBaseMetrics = {"AV", "AC", "PR", "UI",
                                                          "S",  "C",  "I",  "A"};

// Temporal and environmental metrics, accepted and ignored.
constexpr std::array<std::string_view, 14> kOtherMetrics = {
    "E", "RL", "RC", "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"};

bool IsBaseMetric(std::string_view metric) {
  for (std::string_view base : kBaseMetrics) {
    if (base == metric) {
      return true;
    }
  }
  return false;
}

bool IsOtherMetric(std::string_view metric) {
  for (std::string_view other : kOtherMetrics) {
    if (other == metric) {
      return true;
    }
  }
  return false;
}

const MetricValue* FindWeight(std::string_view metric, char value) {
  for (const MetricValue& entry : kWeights) {
    if (entry.metric == metric && entry.value == value) {
      return &entry;
    }
  }
  return nullptr;
}

// The Roundup function of CVSS v3.1, which works on integers so that a floating-point
// artefact such as 4.000000001 does not round up to 4.1.
double RoundUp31(double value) {
  const auto scaled = static_cast<long long>(std::llround(value * 100000));
  if (scaled % 10000 == 0) {
    return static_cast<double>(scaled) / 100000.0;
  }
  return static_cast<double>(scaled / 10000 + 1) / 10.0;
}

double RoundUp30(double value) { return std::ceil(value * 10) / 10; }

// The metrics of one vector, in a fixed array, since a vector has at most 22 of them.
class Metrics {
 public:
  // Adds a metric; returns false when it is already there or there is no room.
  bool Add(std::string_view metric, char value) {
    if (Find(metric) != '\0' || count_ == entries_.size()) {
      return false;
    }
    entries_[count_++] = {metric, value};
    return true;
  }

  // Returns the value of `metric`, or '\0' when it is absent.
  char Find(std::string_view metric) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (entries_[i].first == metric) {
        return entries_[i].second;
      }
    }
    return '\0';
  }

 private:
  std::array<std::pair<std::string_view, char>, kBaseMetrics.size() + kOtherMetrics.size()>
      entries_;
  std::size_t count_ = 0;
};

double BaseScore(const Metrics& metrics, bool v31) {
  const bool changed = metrics.Find("S") == 'C';
  const auto weight = [&metrics](std::string_view metric) {
    return FindWeight(metric, metrics.Find(metric))->weight;
  };
  double privileges = weight("PR");
  if (changed && metrics.Find("PR") == 'L') {
    privileges = 0.68;
  } else if (changed && metrics.Find("PR") == 'H') {
    privileges = 0.5;
  }

  const double iss = 1 - (1 - weight("C")) * (1 - weight("I")) * (1 - weight("A"));
  const double impact =
      changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double exploitability = 8.22 * weight("AV") * weight("AC") * privileges * weight("UI");
  if (impact <= 0) {
    return 0;
  }
  const double raw = changed ? std::min(1.08 * (impact + exploitability), 10.0)
                             : std::min(impact + exploitability, 10.0);
  return v31 ? RoundUp31(raw) : RoundUp30(raw);
}

}  // namespace

Result<CvssScore> ScoreCvss3(std::string_view vector) {
  CvssScore score;
  score.vector = std::string(vector);
  if (vector.substr(0, 9) == "CVSS:3.1/") {
    score.version = "3.1";
  } else if (vector.substr(0, 9) == "CVSS:3.0/") {
    score.version = "3.0";
  } else {
    return InvalidArgument(fmt::format(
        "invalid CVSS vector \"{}\": it does not start with CVSS:3.0/ or CVSS:3.1/", vector));
  }

  Metrics metrics;
  std::string_view rest = vector.substr(9);
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    const std::size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon + 2 != part.size()) {
      return InvalidArgument(fmt::format(
          "invalid CVSS vector \"{}\": \"{}\" is not METRIC:VALUE with a one-letter value", vector,
          part));
    }
    const std::string_view metric = part.substr(0, colon);
    const char value = part[colon + 1];
    if (!IsBaseMetric(metric) && !IsOtherMetric(metric)) {
      return InvalidArgument(
          fmt::format("invalid CVSS vector \"{}\": unknown metric \"{}\"", vector, metric));
    }
    if (IsBaseMetric(metric) && FindWeight(metric, value) == nullptr) {
      return InvalidArgument(fmt::format("invalid CVSS vector \"{}\": \"{}\" is not a value of {}",
                                         vector, value, metric));
    }
    if (!metrics.Add(metric, value)) {
      return InvalidArgument(
          fmt::format("invalid CVSS vector \"{}\": metric {} is repeated", vector, metric));
    }
  }
  for (std::string_view base : kBaseMetrics) {
    if (metrics.Find(base) == '\0') {
      return InvalidArgument(
          fmt::format("invalid CVSS vector \"{}\": the base metric {} is missing", vector, base));
    }
  }
  score.base_score = BaseScore(metrics, score.version == "3.1");
  return score;
}

std::string_view SeverityForScore(double score) {
  if (score >= 9.0) {
    return "CRITICAL";
  }
  if (score >= 7.0) {
    return "HIGH";
  }
  if (score >= 4.0) {
    return "MEDIUM";
  }
  if (score > 0.0) {
    return "LOW";
  }
  return "INFORMATIONAL";
}

}  // namespace rampart::vuln
