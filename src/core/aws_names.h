// Checks of the forms of AWS names that come from users and reports.
#pragma once

#include <string_view>

namespace rampart {

// Returns true for an AWS Region name such as "eu-west-1" or "us-gov-west-1": a two-letter
// area, one or more words of lowercase letters and a number, joined by single hyphens.
bool IsAwsRegion(std::string_view region);

}  // namespace rampart
