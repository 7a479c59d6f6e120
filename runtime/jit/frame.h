// What compiled code reads and writes besides the register file: the
// evaluation context flattened into plain fields at fixed offsets (the IR
// addresses them by offsetof, not by the layout of std::span), the loop
// budget, and where the result or the error goes. Internal to runtime/jit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/vm/vm.h"

namespace play::jit {

struct Frame {
  const vm::Value* signal;
  uint64_t signal_n;
  const vm::Value* account;
  uint64_t account_n;
  const vm::Value* contact;
  uint64_t contact_n;
  const vm::Value* lets;
  uint64_t lets_n;
  const vm::Value* envelope;  // EvalContext::envelope
  int64_t now_ms;
  uint64_t loop_budget;
  uint8_t account_known;
  uint8_t contact_known;
  // For the helpers (helpers.cpp), which run the interpreter's own code.
  const vm::Program* program;
  vm::EvalContext* ctx;
  std::string* err;
  vm::Value result;  // RETURN's value, flags cleared
};

// What a compiled program returns when it reached RETURN; any other value is
// the failing instruction's index (the error text is in *Frame::err).
constexpr uint32_t kReturned = UINT32_MAX;
using CompiledFn = uint32_t (*)(Frame* frame, vm::Value* registers);

// The C++ the generated code calls (their addresses are put in the IR).
extern "C" {
// vm::step() for instruction `pc`: the ops the JIT leaves to the interpreter.
bool play_jit_step(Frame* f, vm::Value* R, uint32_t pc);
// LOOP with no budget left: sets the interpreter's error text.
void play_jit_budget_exhausted(Frame* f);
// A jump to the end of the program: sets an error.
void play_jit_past_end(Frame* f);
// ITER_NEXT over a map: R[dst] = key i of map `src`.
void play_jit_map_key(vm::Value* dst, const vm::Value* src, int64_t i);
}

}  // namespace play::jit
