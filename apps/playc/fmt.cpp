// `playc fmt`: canonical formatting, in place. Files with syntax errors are
// left untouched (formatting a file we could not fully parse would lose text),
// and so is a file whose formatted text would not parse back to the same program
// (compiler/fmt/verify.h, P0960): fmt never writes a broken file. `-` reads
// standard input and prints the result (for editors).
#include <cstdio>
#include <iostream>
#include <iterator>

#include "apps/playc/commands.h"
#include "compiler/diag/files.h"
#include "compiler/diag/render.h"
#include "compiler/fmt/verify.h"
#include "compiler/syntax/parse.h"

namespace play::playc {

int run_fmt(const FmtOptions& o) {
  Diagnostics diags;
  std::vector<std::string> files;
  SourceSet sources;
  bool from_stdin = o.paths.size() == 1 && o.paths[0] == "-";
  bool io_ok = from_stdin ? (files.push_back("-"), true) : expand_play_paths(o.paths, files, diags);
  bool print = o.to_stdout || from_stdin;
  if (print && files.size() != 1) {
    std::fprintf(stderr, "playc fmt: --stdout takes exactly one file\n");
    return 2;
  }
  size_t changed = 0;
  for (const auto& path : files) {
    std::string text, err;
    if (from_stdin) {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else if (!read_file(path, text, err)) {
      diags.error("P0001", Span{}, "cannot read '" + path + "': " + err);
      io_ok = false;
      continue;
    }
    uint32_t id = sources.add(from_stdin ? "<stdin>" : path, text);
    Diagnostics file_diags;
    ast::File file = syntax::parse_file(sources, id, file_diags);
    if (file_diags.has_errors()) {
      for (const auto& d : file_diags.all()) diags.add(d);
      continue;
    }
    fmt::Verified v = fmt::format_verified(sources, file);
    if (!v.refusal.empty()) {
      diags.error("P0960", Span{},
                  "cannot format '" + sources.file(id).path() + "', left unchanged: " + v.refusal +
                      "; this is a bug in playc fmt, please report it with the file");
      continue;
    }
    if (print) {
      std::fputs(v.text.c_str(), stdout);
      continue;
    }
    if (v.text == text) continue;
    ++changed;
    if (o.check) {
      std::printf("%s\n", path.c_str());
      continue;
    }
    if (!write_file_atomic(path, v.text, err)) {
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
