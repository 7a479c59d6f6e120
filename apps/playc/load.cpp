// How playc reports plays that did not load (compiler/loader does the loading).
#include <cstdio>

#include "apps/playc/commands.h"
#include "compiler/diag/render.h"

namespace play::playc {

std::string no_plays(const sema::Project& project, const std::vector<std::string>& paths) {
  if (project.files.size() > project.stdlib_file_count) return "";
  std::string out = "no .play files in ";
  for (size_t i = 0; i < paths.size(); ++i) out += (i ? ", '" : "'") + paths[i] + "'";
  return out;
}

int report_load(const loader::Loaded& r) {
  if (r.ok()) return 0;
  if (r.from_bundle()) {
    if (r.status == loader::Status::Unreadable) {
      std::fprintf(stderr, "playc: cannot read '%s': %s\n", r.bundle_path.c_str(), r.bundle_error.c_str());
      return 2;
    }
    std::fprintf(stderr, "playc: %s: bundle refused: %s\n", r.bundle_path.c_str(), r.bundle_error.c_str());
    return 1;
  }
  const Diagnostics& diags = r.diagnostics;
  if (diags.has_errors()) {
    for (const auto& d : diags.all()) std::fputs(render_text(r.project->sources, d).c_str(), stderr);
    std::fprintf(stderr, "%zu error%s: nothing was run\n", diags.error_count(),
                 diags.error_count() == 1 ? "" : "s");
  }
  return r.status == loader::Status::Unreadable ? 2 : 1;
}

}  // namespace play::playc
