#include "apps/playd/plays_loader.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "compiler/codegen/codegen.h"
#include "compiler/diag/render.h"
#include "compiler/sema/project.h"

namespace play::playd {

static bool is_bundle_file(const std::string& path, std::string& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  char magic[8] = {};
  in.read(magic, 8);
  if (in.gcount() != 8 || std::memcmp(magic, vm::kBundleMagic, 8) != 0) return false;
  in.seekg(0);
  std::ostringstream ss;
  ss << in.rdbuf();
  bytes = ss.str();
  return true;
}

bool load_plays(const std::vector<std::string>& paths, vm::Bundle& out, std::string& error) {
  std::string bytes;
  if (paths.size() == 1 && is_bundle_file(paths[0], bytes)) {
    if (!vm::read_bundle(bytes, out, error)) {
      error = paths[0] + ": " + error;
      return false;
    }
    return true;
  }
  sema::Project project;
  Diagnostics diags;
  bool io_ok = sema::load_project(paths, project, diags);
  if (!io_ok || diags.has_errors() || !codegen::generate(project, out, diags) || diags.has_errors()) {
    diags.sort(project.sources);
    for (const auto& d : diags.all())
      if (d.severity == Severity::Error) error += render_text(project.sources, d);
    if (error.empty()) error = "the plays do not compile";
    return false;
  }
  return true;
}

std::string play_set_version(const vm::Bundle& bundle) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", vm::crc32c(vm::write_bundle(bundle)));
  return buf;
}

}  // namespace play::playd
