// What playc and playd use to turn the JIT on. Built in every configuration:
// without -DPLAY_JIT=ON each function fails with kNoJit, so `--jit` and
// `jit = true` are a clear error, never silently ignored.
#pragma once

#include <memory>
#include <string>

#include "runtime/engine/program_runner.h"
#include "runtime/vm/bundle.h"

namespace play::jit {

inline constexpr const char* kNoJit = "this build has no JIT (configure with -DPLAY_JIT=ON)";

// Whether this build has the JIT.
bool available();

enum class Mode {
  Background,  // compile a program after it ran `threshold` times, on a JIT thread
  Eager,       // compile every program before the first signal
};

struct Options {
  Mode mode = Mode::Background;
  uint32_t threshold = 1000;
};

// A runner for `bundle` (which must outlive it), or null with `error` set.
std::unique_ptr<engine::ProgramRunner> make_runner(const vm::Bundle& bundle, Options options,
                                                   std::string& error);

// One line on what the runner compiled: "jit: 40 of 42 programs compiled
// (31.2 ms), 2 stay on the interpreter (ROUND_ROBIN is not compiled ...)".
std::string summary(engine::ProgramRunner& runner);

// The optimized LLVM IR of a program, or "" with `error` set.
std::string program_ir(const vm::Program& program, std::string& error);

}  // namespace play::jit
