// YAML documents as JSON values, for configuration and rules files.
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"

namespace rampart {

// Parses one YAML document into JSON. Plain scalars follow the YAML 1.2 core schema (null,
// ~, true, false, integers, floats); quoted scalars stay strings. Errors name `source`, the
// line and the column. Aliases are expanded; nesting deeper than 256 levels is rejected.
Result<Json> ParseYaml(std::string_view text, std::string_view source);

// Parses JSON when the text starts with '{' or '[' (after blanks), YAML otherwise.
Result<Json> ParseJsonOrYaml(std::string_view text, std::string_view source);

}  // namespace rampart
