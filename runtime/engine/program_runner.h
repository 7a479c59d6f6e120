// How the engine runs a program: by default the interpreter (vm::eval); a
// build with the JIT (runtime/jit, -DPLAY_JIT=ON) gives the engine a runner
// that swaps compiled code in. The engine knows nothing of LLVM.
#pragma once

#include "runtime/vm/vm.h"

namespace play::engine {

class ProgramRunner {
 public:
  virtual ~ProgramRunner() = default;
  // Must return what vm::eval(program, ctx) returns (value, error text and
  // position, arena use). Called on the engine's thread only.
  virtual vm::EvalResult eval(const vm::Program& program, vm::EvalContext& ctx) = 0;
};

}  // namespace play::engine
