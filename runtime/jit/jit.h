// The optional JIT (issue 15; built with -DPLAY_JIT=ON): compiles a
// verified vm::Program to native code with LLVM's ORC LLJIT. The typed
// int/float arithmetic and comparisons, loads, jumps and list loops become
// straight-line machine code; every other instruction calls vm::step(),
// the interpreter's own code for it, so results, errors (text and
// position), arena use and the loop budget are the interpreter's.
// docs/bytecode.md "The JIT" has the list and the fallback rules.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/jit/frame.h"
#include "runtime/vm/vm.h"

namespace play::jit {

// Native code for one program; valid as long as the Jit that made it.
struct Compiled {
  CompiledFn fn = nullptr;
  const vm::Program* program = nullptr;
  double compile_ms = 0;  // IR generation, optimization and machine code
};

// Why `program` cannot be compiled ("" when it can): an instruction the JIT
// does not compile. Such a program stays on the interpreter.
std::string unsupported(const vm::Program& program);

// The optimized LLVM IR of `program` (`playc disasm --jit`); "" with `why`
// set when unsupported(program) says so.
std::string ir_text(const vm::Program& program, std::string& why);

// One LLVM JIT session; programs compiled by it live until it is destroyed.
// compile() may be called from any one thread at a time (the runner's JIT
// thread); the code it returns may run on any thread.
class Jit {
 public:
  Jit();
  ~Jit();
  Jit(const Jit&) = delete;
  Jit& operator=(const Jit&) = delete;
  // Null with `why` set when the program is not verified or unsupported().
  const Compiled* compile(const vm::Program& program, std::string& why);
  // Several programs at once (cheaper per program); one result and one
  // `whys` entry per program, as above.
  std::vector<const Compiled*> compile(std::span<const vm::Program* const> programs,
                                       std::vector<std::string>& whys);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs compiled code with vm::eval()'s contract (same result, same error
// text and position, same arena use).
vm::EvalResult run(CompiledFn code, const vm::Program& program, vm::EvalContext& ctx);
inline vm::EvalResult run(const Compiled& code, vm::EvalContext& ctx) {
  return run(code.fn, *code.program, ctx);
}

}  // namespace play::jit
