// Shared by the commands that need a bundle: load, check and compile a
// project, or read a bundle file. Diagnostics go to stderr.
#pragma once

#include <string>
#include <vector>

#include "compiler/sema/project.h"
#include "runtime/vm/bundle.h"

namespace play::playc {

// .play paths -> checked project -> bundle. Returns 0 on success, else the exit
// code (1: the plays have errors, 2: I/O). Warnings are not printed (that is
// `playc check`'s job) unless there are errors too.
int compile_project(const std::vector<std::string>& paths, sema::Project& project, vm::Bundle& bundle);

// A single path ending in a bundle file (magic "PLAYBNDL") is read as a bundle;
// anything else is compiled as .play paths.
int load_bundle_or_plays(const std::vector<std::string>& paths, vm::Bundle& bundle);

bool is_bundle_file(const std::string& path);

}  // namespace play::playc
