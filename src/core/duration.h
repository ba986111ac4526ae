// Durations written as in configuration files: "500ms", "30s", "5m", "1h", "7d", or
// combinations such as "1h30m".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart {

// Parses a duration; a bare number is seconds. The error names the text and the units.
Result<std::chrono::microseconds> ParseDuration(std::string_view text);

// Formats as the largest whole units, such as "1h30m" or "250ms".
std::string FormatDuration(std::chrono::microseconds duration);

}  // namespace rampart
