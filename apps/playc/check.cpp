// `playc check`: parse, resolve, type-check and lint a project.
#include <cstdio>

#include "apps/playc/commands.h"
#include "compiler/diag/render.h"
#include "compiler/sema/project.h"

namespace play::playc {

int run_check(const CheckOptions& o) {
  sema::Project project;
  Diagnostics diags;
  bool io_ok = sema::load_project(o.paths, project, diags);
  if (std::string none = no_plays(project, o.paths); io_ok && !none.empty()) {
    diags.error("P0001", Span{}, none);
    io_ok = false;
  }
  diags.sort(project.sources);
  if (o.format == "json") {
    std::fputs(render_json(project.sources, diags).c_str(), stdout);
  } else if (o.format == "sarif") {
    std::fputs(render_sarif(project.sources, diags, o.help_base).c_str(), stdout);
  } else {
    for (const auto& d : diags.all()) std::fputs(render_text(project.sources, d).c_str(), stderr);
    size_t files = project.files.size() - project.stdlib_file_count;
    std::fprintf(stderr, "checked %zu file%s, %zu play%s: %zu error%s, %zu warning%s\n", files,
                 files == 1 ? "" : "s", project.plays.size(), project.plays.size() == 1 ? "" : "s",
                 diags.error_count(), diags.error_count() == 1 ? "" : "s", diags.warning_count(),
                 diags.warning_count() == 1 ? "" : "s");
  }
  if (!io_ok) return 2;
  if (diags.has_errors()) return 1;
  if (o.deny_warnings && diags.warning_count() > 0) return 1;
  return 0;
}

}  // namespace play::playc
