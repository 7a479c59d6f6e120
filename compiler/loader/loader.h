// The one loader: what playc and playd run is either .play sources, checked
// and compiled here with the embedded stdlib, or one bundle file written by
// `playc build`, recognized by its magic, read and verified. Either way the
// caller gets a verified vm::Bundle, or the reasons it got none.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/sema/project.h"
#include "runtime/vm/bundle.h"

namespace play::loader {

enum class Status : uint8_t {
  Ok,
  Invalid,     // the plays have errors, or the bundle file was refused (CLI.md exit code 1)
  Unreadable,  // a path could not be read (exit code 2)
};

struct Loaded {
  Status status = Status::Ok;
  // Sources were compiled: the checked project (for what reads the AST, such
  // as the `test` blocks) and every diagnostic, sorted, warnings included.
  // Null when a bundle file was read.
  std::unique_ptr<sema::Project> project;
  Diagnostics diagnostics;
  // A bundle file was read: its path, and why it was not loaded (the OS's
  // or the verifier's words), empty on success.
  std::string bundle_path;
  std::string bundle_error;

  bool ok() const { return status == Status::Ok; }
  bool from_bundle() const { return !project; }
  // The errors as text for a log: "PATH: why" for a bundle file, else each
  // error diagnostic with its source line (warnings left out).
  std::string error_text() const;
};

// A regular file that starts with vm::kBundleMagic.
bool is_bundle_file(const std::string& path);

// .play paths (a directory means every *.play below it) -> checked project ->
// verified bundle, into `bundle`.
Loaded compile(const std::vector<std::string>& paths, vm::Bundle& bundle);

// One path naming a bundle file: read and verified into `bundle`; anything
// else: compile(paths, bundle).
Loaded load(const std::vector<std::string>& paths, vm::Bundle& bundle);

}  // namespace play::loader
