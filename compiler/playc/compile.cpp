#include "compiler/playc/compile.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "compiler/codegen/codegen.h"
#include "compiler/diag/files.h"
#include "compiler/diag/render.h"

namespace play::playc {

int compile_project(const std::vector<std::string>& paths, sema::Project& project, vm::Bundle& bundle) {
  Diagnostics diags;
  bool io_ok = sema::load_project(paths, project, diags);
  if (io_ok && !diags.has_errors()) codegen::generate(project, bundle, diags);
  if (diags.has_errors()) {
    diags.sort(project.sources);
    for (const auto& d : diags.all()) std::fputs(render_text(project.sources, d).c_str(), stderr);
    std::fprintf(stderr, "%zu error%s: nothing was run\n", diags.error_count(),
                 diags.error_count() == 1 ? "" : "s");
  }
  if (!io_ok) return 2;
  return diags.has_errors() ? 1 : 0;
}

bool is_bundle_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[sizeof vm::kBundleMagic] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == sizeof magic && std::memcmp(magic, vm::kBundleMagic, sizeof magic) == 0;
}

int load_bundle_or_plays(const std::vector<std::string>& paths, vm::Bundle& bundle) {
  if (paths.size() == 1 && is_bundle_file(paths[0])) {
    std::string bytes, err;
    if (!read_file(paths[0], bytes, err)) {
      std::fprintf(stderr, "playc: cannot read '%s': %s\n", paths[0].c_str(), err.c_str());
      return 2;
    }
    if (!vm::read_bundle(bytes, bundle, err)) {
      std::fprintf(stderr, "playc: %s: bundle refused: %s\n", paths[0].c_str(), err.c_str());
      return 1;
    }
    return 0;
  }
  sema::Project project;
  return compile_project(paths, project, bundle);
}

}  // namespace play::playc
