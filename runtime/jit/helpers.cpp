// The C++ side of compiled programs: each helper is the interpreter's own
// code for what it does, so compiled and interpreted results cannot drift.
#include "runtime/jit/frame.h"

namespace play::jit {

extern "C" bool play_jit_step(Frame* f, vm::Value* R, uint32_t pc) {
  return vm::step(*f->program, *f->ctx, R, pc, *f->err);
}

extern "C" void play_jit_budget_exhausted(Frame* f) { *f->err = "evaluation exceeded its loop budget"; }

extern "C" void play_jit_past_end(Frame* f) { *f->err = "jump past the end of the program"; }

extern "C" void play_jit_map_key(vm::Value* dst, const vm::Value* src, int64_t i) {
  *dst = vm::Value::string(src->entries[i].key);
}

}  // namespace play::jit
