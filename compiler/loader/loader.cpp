#include "compiler/loader/loader.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "compiler/codegen/codegen.h"
#include "compiler/diag/files.h"
#include "compiler/diag/render.h"

namespace play::loader {

std::string Loaded::error_text() const {
  if (from_bundle()) return bundle_error.empty() ? "" : bundle_path + ": " + bundle_error;
  std::string text;
  for (const auto& d : diagnostics.all())
    if (d.severity == Severity::Error) text += render_text(project->sources, d);
  if (text.empty() && !ok()) text = "the plays do not compile";
  return text;
}

bool is_bundle_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[sizeof vm::kBundleMagic] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == sizeof magic && std::memcmp(magic, vm::kBundleMagic, sizeof magic) == 0;
}

Loaded compile(const std::vector<std::string>& paths, vm::Bundle& bundle) {
  Loaded r;
  r.project = std::make_unique<sema::Project>();
  bool io_ok = sema::load_project(paths, *r.project, r.diagnostics);
  bool generated =
      io_ok && !r.diagnostics.has_errors() && codegen::generate(*r.project, bundle, r.diagnostics);
  r.diagnostics.sort(r.project->sources);
  r.status = !io_ok                                     ? Status::Unreadable
             : !generated || r.diagnostics.has_errors() ? Status::Invalid
                                                        : Status::Ok;
  return r;
}

Loaded load(const std::vector<std::string>& paths, vm::Bundle& bundle) {
  if (paths.size() != 1 || !is_bundle_file(paths[0])) return compile(paths, bundle);
  Loaded r;
  r.bundle_path = paths[0];
  std::string bytes;
  if (!read_file(paths[0], bytes, r.bundle_error))
    r.status = Status::Unreadable;
  else if (!vm::read_bundle(bytes, bundle, r.bundle_error))
    r.status = Status::Invalid;
  return r;
}

}  // namespace play::loader
