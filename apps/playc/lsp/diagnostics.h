// Diagnostics as LSP publishes them: the checker's own (code, span, message,
// severity; `playc check` prints the same ones), with source "playc" and the
// code's entry in docs/diagnostics.md as codeDescription, as the SARIF output
// links it. The publisher sends a file's list when it changed (or the file was
// edited), and an empty list for a file whose diagnostics went away or that
// left the project.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "apps/playc/lsp/documents.h"
#include "apps/playc/lsp/snapshot.h"
#include "common/json/json.h"

namespace play::lsp {

// Where a diagnostic's range ends: its span's end, or for an empty span (a
// missing token) the end of the character at it, as `playc check` reports it.
uint32_t visible_end(std::string_view text, Span span);
// {"start":{"line":..,"character":..},"end":{..}}
void write_range(json::Writer& w, const LineMap& lines, uint32_t begin, uint32_t end);
// The LSP Diagnostic[] of one user file (`list`: its diagnostics), as JSON text.
std::string diagnostics_json(const Snapshot& snapshot, uint32_t file,
                             const std::vector<const Diagnostic*>& list);

class DiagnosticsPublisher {
 public:
  using Send = std::function<void(const std::string& message)>;
  // Sends textDocument/publishDiagnostics for every user file whose list
  // differs from the last one sent, every file in `edited` (paths), and an
  // empty list for the files sent before that are gone from `snapshot`.
  void publish(const Snapshot& snapshot, const Documents& open, const std::set<std::string>& edited,
               const Send& send);

 private:
  std::map<std::string, std::string> sent_;  // uri -> the Diagnostic[] JSON last sent
};

}  // namespace play::lsp
