// The plays playd runs, through the one loader playc uses too
// (compiler/loader): a bundle file (`playc build -o BUNDLE`, recognized by
// its magic) or .play paths compiled with the same checker and codegen.
#pragma once

#include <string>
#include <vector>

#include "runtime/vm/bundle.h"

namespace play::playd {

// False with `error` (the diagnostics, rendered) when the plays do not load.
bool load_plays(const std::vector<std::string>& paths, vm::Bundle& out, std::string& error);

// The play set's version: the CRC-32C of its bundle, as 8 hex digits. The
// same plays give the same version, on any machine; playd records it with
// every signal it evaluates (`playd replay --play-set`).
std::string play_set_version(const vm::Bundle& bundle);

}  // namespace play::playd
