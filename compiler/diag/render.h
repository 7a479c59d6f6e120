// Rendering diagnostics for people (text, with the source line and a caret)
// and for machines (JSON, and SARIF 2.1.0 so CI can annotate pull requests).
#pragma once

#include <string>

#include "compiler/diag/diagnostics.h"

namespace play {

// plays/x.play:12:9: error[P0102]: message
//    12 |   where signal.categroy == "pricing"
//       |                ^~~~~~~~
std::string render_text(const SourceSet& sources, const Diagnostic& d);
// {"diagnostics":[{"file":..,"line":..,"column":..,"end_line":..,"end_column":..,
//   "severity":"error","code":"P0102","message":..}], "errors":N, "warnings":M}
std::string render_json(const SourceSet& sources, const Diagnostics& diags);
// A SARIF 2.1.0 log with one run of tool "playc"; one rule per code used.
// SARIF 2.1.0: each rule with its meaning (docs/diagnostics.md) and a
// helpUri HELP_BASE#pNNNN; HELP_BASE "" is kDiagnosticsHelpBase.
inline constexpr const char* kDiagnosticsHelpBase =
    "https://github.com/plays/plays/blob/main/docs/diagnostics.md";
std::string render_sarif(const SourceSet& sources, const Diagnostics& diags,
                         const std::string& help_base = "");

const char* severity_name(Severity s);

}  // namespace play
