#include "compiler/fmt/verify.h"

#include "compiler/diag/diagnostics.h"
#include "compiler/fmt/format.h"
#include "compiler/fmt/same_tree.h"
#include "compiler/syntax/parse.h"

namespace play::fmt {

namespace {

// "line L: message" of the first error, to say where the formatted text broke.
std::string first_error(const SourceSet& sources, const Diagnostics& diags) {
  for (const auto& d : diags.all()) {
    if (d.severity != Severity::Error) continue;
    LineCol lc = sources.file(d.span.file).line_col(d.span.begin);
    return "line " + std::to_string(lc.line) + " [" + d.code + "]: " + d.message;
  }
  return "";
}

}  // namespace

Verified format_verified(const SourceSet& sources, const ast::File& file) {
  return verify_formatted(sources, file, format_file(sources, file));
}

Verified verify_formatted(const SourceSet& sources, const ast::File& file, std::string once) {
  Verified v;
  // The formatted text is parsed as a file of its own, under the original's name.
  SourceSet again;
  uint32_t id = again.add(sources.file(file.file_id).path(), once);
  Diagnostics diags;
  ast::File reparsed = syntax::parse_file(again, id, diags);
  if (diags.has_errors()) {
    v.refusal = "the formatted text would not parse (" + first_error(again, diags) + ")";
    return v;
  }
  std::string diff = ast_difference(file, reparsed);
  if (!diff.empty()) {
    v.refusal = "the formatted text would parse to a different program (" + diff + ")";
    return v;
  }
  if (format_file(again, reparsed) != once) {
    v.refusal = "formatting the formatted text would change it again";
    return v;
  }
  v.text = std::move(once);
  return v;
}

}  // namespace play::fmt
