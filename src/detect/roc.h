// Ranking metrics for anomaly scores against 0/1 labels.
#pragma once

#include <vector>

namespace rampart::detect {

// Returns the area under the ROC curve: the probability that a random anomaly (label 1)
// scores higher than a random normal row (label 0), ties counting one half. Returns 0.5
// when either class is empty.
double RocAuc(const std::vector<double>& scores, const std::vector<int>& labels);

}  // namespace rampart::detect
