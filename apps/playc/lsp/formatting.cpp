#include "apps/playc/lsp/formatting.h"

#include "compiler/fmt/verify.h"
#include "compiler/syntax/parse.h"

namespace play::lsp {

Formatted format_document(const std::string& path, const std::string& text) {
  SourceSet sources;
  uint32_t id = sources.add(path, text);
  Diagnostics diags;
  ast::File file = syntax::parse_file(sources, id, diags);
  Formatted out;
  if (diags.has_errors()) {
    // The first error is the one to fix; `playc fmt` prints them all on the terminal.
    const Diagnostic* first = nullptr;
    for (const auto& d : diags.all())
      if (d.severity == Severity::Error) {
        first = &d;
        break;
      }
    LineCol at = sources.file(id).line_col(first->span.begin);
    size_t n = diags.error_count();
    out.refusal = "cannot format '" + path + "', left unchanged: " + std::to_string(n) + " syntax error" +
                  (n == 1 ? "" : "s") + " (first at line " + std::to_string(at.line) + ": " + first->code +
                  " " + first->message + ")";
    return out;
  }
  fmt::Verified v = fmt::format_verified(sources, file);
  if (!v.refusal.empty()) {
    out.refusal = "cannot format '" + path + "', left unchanged: " + v.refusal +
                  "; this is a bug in playc fmt, please report it with the file";
    return out;
  }
  out.text = std::move(v.text);
  return out;
}

}  // namespace play::lsp
