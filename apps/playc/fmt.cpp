// `playc fmt`: canonical formatting, in place. Files with syntax errors are
// left untouched (formatting a file we could not fully parse would lose text).
#include <cstdio>

#include "apps/playc/commands.h"
#include "compiler/diag/files.h"
#include "compiler/diag/render.h"
#include "compiler/fmt/format.h"
#include "compiler/syntax/parse.h"

namespace play::playc {

int run_fmt(const FmtOptions& o) {
  Diagnostics diags;
  std::vector<std::string> files;
  SourceSet sources;
  bool io_ok = expand_play_paths(o.paths, files, diags);
  if (o.to_stdout && files.size() != 1) {
    std::fprintf(stderr, "playc fmt: --stdout takes exactly one file\n");
    return 2;
  }
  size_t changed = 0;
  for (const auto& path : files) {
    std::string text, err;
    if (!read_file(path, text, err)) {
      diags.error("P0001", Span{}, "cannot read '" + path + "': " + err);
      io_ok = false;
      continue;
    }
    uint32_t id = sources.add(path, text);
    Diagnostics file_diags;
    ast::File file = syntax::parse_file(sources, id, file_diags);
    if (file_diags.has_errors()) {
      for (const auto& d : file_diags.all()) diags.add(d);
      continue;
    }
    std::string formatted = fmt::format_file(sources, file);
    if (o.to_stdout) {
      std::fputs(formatted.c_str(), stdout);
      continue;
    }
    if (formatted == text) continue;
    ++changed;
    if (o.check) {
      std::printf("%s\n", path.c_str());
      continue;
    }
    if (!write_file_atomic(path, formatted, err)) {
      diags.error("P0001", Span{}, "cannot write '" + path + "': " + err);
      io_ok = false;
    }
  }
  for (const auto& d : diags.all()) std::fputs(render_text(sources, d).c_str(), stderr);
  if (!io_ok) return 2;
  if (diags.has_errors()) return 1;
  if (o.check && changed > 0) return 1;
  return 0;
}

}  // namespace play::playc
