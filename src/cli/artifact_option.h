// The check of the --artifact option of `ingest` and `scan`.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "core/config.h"

namespace rampart::cli {

// Returns the check of an --artifact value (see IsArtifactName), whose error names the value
// and an example.
inline CLI::Validator ArtifactNameCheck() {
  return CLI::Validator(
      [](const std::string& name) {
        return IsArtifactName(name) ? std::string()
                                    : "artifact name \"" + name +
                                          "\" is invalid; use 1 to 512 characters without "
                                          "control characters, such as github.com/bank/payments";
      },
      "NAME");
}

}  // namespace rampart::cli
