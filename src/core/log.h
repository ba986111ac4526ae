// Diagnostics: per-component spdlog loggers writing to standard error.
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace rampart {

// Returns the logger for `component` (such as "store" or "ingest"), creating it on first use.
std::shared_ptr<spdlog::logger> Logger(const std::string& component);

// Sets the level of every logger, from "trace", "debug", "info", "warn", "error" or "off".
void SetLogLevel(const std::string& level);

}  // namespace rampart
