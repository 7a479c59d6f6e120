// Runs one program on the interpreter and as JIT-compiled code, each with a
// fresh arena, and describes everything an evaluation can differ in: the
// value (and its kind), the error text, pc and source position, and how much
// of the arena it used.
#pragma once

#include <string>

#include "runtime/jit/jit.h"
#include "runtime/vm/vm.h"

namespace play::jit_test {

struct Outcome {
  std::string text;  // everything compared, on one line
};

inline std::string describe(const vm::EvalResult& r, const vm::Arena& arena) {
  vm::Arena::Mark m = arena.mark();
  std::string arena_use = " arena " + std::to_string(m.chunk) + ":" + std::to_string(m.offset);
  if (r.ok)
    return std::string("ok ") + vm::kind_name(r.value.kind) + " " + vm::debug_string(r.value) + arena_use;
  return "error '" + r.error.message + "' pc " + std::to_string(r.error.pc) + " at " +
         std::to_string(r.error.pos.line) + ":" + std::to_string(r.error.pos.col) + arena_use;
}

// `setup` fills an EvalContext (everything but the arena).
template <class Setup>
std::pair<std::string, std::string> run_both(const vm::Program& program, const jit::Compiled& code,
                                             Setup setup) {
  vm::Arena vm_arena, jit_arena;
  vm::RegexCache vm_regexes, jit_regexes;
  vm::EvalContext a, b;
  setup(a);
  setup(b);
  a.arena = &vm_arena;
  a.regex_cache = &vm_regexes;
  b.arena = &jit_arena;
  b.regex_cache = &jit_regexes;
  vm::EvalResult x = vm::eval(program, a);
  vm::EvalResult y = jit::run(code, b);
  return {describe(x, vm_arena), describe(y, jit_arena)};
}

}  // namespace play::jit_test
