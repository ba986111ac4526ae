// Templates filled from a finding: YAML parsed first, then `{{ path }}` placeholders replaced
// inside string values only, so a finding's value can never change the document's structure.
#pragma once

#include <string_view>

#include "core/json.h"
#include "core/status.h"

namespace rampart::remediate {

// Converts YAML text to JSON with YAML 1.2 core schema resolution of plain scalars (null,
// booleans, integers, floats); quoted scalars stay strings. Fails on invalid YAML or on more
// than `max_depth` levels of nesting.
Result<Json> YamlToJson(std::string_view text, std::string_view source, std::size_t max_depth = 64);

// Replaces every `{{ path }}` inside the strings of `document` (values, not keys). A path
// starting with "event." reads the event; "finding." or no prefix reads the finding (see
// LookupPath for the syntax). A string value is inserted as is, any other value as its JSON
// text. A missing path fails with the placeholder and its JSON path in the message.
Result<Json> FillPlaceholders(Json document, const Json& finding, const Json& event);

// YamlToJson then FillPlaceholders.
Result<Json> FillTemplate(std::string_view yaml, const Json& finding, const Json& event);

}  // namespace rampart::remediate
