#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace rampart {

std::shared_ptr<spdlog::logger> Logger(const std::string& component) {
  auto logger = spdlog::get(component);
  if (logger) {
    return logger;
  }
  logger = spdlog::stderr_color_mt(component);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l [%n] %v", spdlog::pattern_time_type::utc);
  return logger;
}

void SetLogLevel(const std::string& level) { spdlog::set_level(spdlog::level::from_str(level)); }

}  // namespace rampart
