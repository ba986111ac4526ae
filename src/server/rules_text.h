// The text of a rules file after an API change, written so that a hand-written YAML file
// keeps its comments, key order and layout everywhere except the rule that changed.
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"

namespace rampart::server {

// Returns the file text for `after`, the whole rules document (a list of rules, or an object
// with a `rules` list) once one rule was added at the end, replaced or removed. `before_text`
// is the file as read, and `before_rules` its list of rules. When the file is YAML with the
// rules as a block sequence, only the changed rule's lines change. Otherwise (JSON, flow
// style, an empty or missing file, several changes at once), or when the edited text would
// not read back as `after`, the whole document is written as indented JSON, which is YAML too.
std::string RulesFileText(std::string_view before_text, const Json& before_rules,
                          const Json& after);

// Returns `value` as block YAML whose first line continues the current line and whose other
// lines are indented by `indent` spaces. Scalars stay plain when they read back as the same
// value, and are double-quoted with JSON escapes otherwise. Lists of scalars are written in
// flow style ([a, b]).
std::string BlockYaml(const Json& value, std::size_t indent);

}  // namespace rampart::server
