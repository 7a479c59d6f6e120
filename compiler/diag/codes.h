// What each diagnostic code means, as docs/diagnostics.md says it (the table
// is generated from that file at configure time, so the two cannot drift):
// SARIF's rule descriptions, for code scanning's "what is this rule".
#pragma once

#include <string_view>

namespace play {

// The code's one-line meaning ("unknown property on a signal"), or "" for a
// code the docs do not list (the diagnostics_documented test catches those).
std::string_view diagnostic_meaning(std::string_view code);

}  // namespace play
