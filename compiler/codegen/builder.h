// Building one vm::Program: registers, constants, instructions, jumps.
//
// Registers are allocated like a stack (Lua's approach): an expression's
// temporaries sit above its destination and are released when it is done,
// so the register count is the expression's depth, not its size. Constants
// are deduplicated by their exact value (kind and bits: 1 and 1.0, or 0.0
// and -0.0, stay distinct). Exceeding a VM limit throws TooLarge, which the
// caller turns into a P0950 diagnostic.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "compiler/diag/source.h"
#include "runtime/vm/program.h"

namespace play::codegen {

struct TooLarge : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A construct codegen cannot lower (yet); reported, never miscompiled.
struct Unsupported : std::runtime_error {
  Unsupported(Span s, const std::string& what) : std::runtime_error(what), span(s) {}
  Span span;
};

class ProgramBuilder {
 public:
  explicit ProgramBuilder(const SourceSet* sources) : sources_(sources) {}

  uint16_t alloc();  // a fresh register above every live one
  uint32_t mark() const { return top_; }
  void release(uint32_t mark) { top_ = mark; }

  uint16_t constant(const vm::Value& v);  // deduplicated index into the pool
  uint16_t string_constant(std::string_view s) { return constant(vm::Value::string(s)); }

  uint32_t emit(vm::Op op, uint16_t a, uint16_t b, uint16_t c, uint8_t x, Span where);
  uint32_t here() const { return static_cast<uint32_t>(prog_.code.size()); }
  // Points the jump operand (b for JUMP / JUMP_IF, c for ITER_NEXT) of
  // instruction `at` to the next instruction to be emitted.
  void patch_to_here(uint32_t at);

  // Loop bodies run once per element: instructions emitted inside count
  // that many times in the program's worst-case cost.
  uint64_t cost_multiplier() const { return mult_; }
  void set_cost_multiplier(uint64_t m) { mult_ = m; }

  // The highest let index read (+1), for verifying standalone expressions.
  uint32_t lets_read() const { return lets_read_; }
  void note_let(uint32_t index) { lets_read_ = std::max(lets_read_, index + 1); }

  const vm::Program& program() const { return prog_; }
  // Appends RETURN `result` and hands the program over.
  vm::Program finish(uint16_t result, Span where);

 private:
  vm::SourcePos pos(Span s);

  const SourceSet* sources_;
  vm::Program prog_;
  uint32_t top_ = 0, max_ = 0;
  uint64_t mult_ = 1, cost_ = 0;
  uint32_t lets_read_ = 0;
  std::unordered_map<std::string, uint16_t> const_index_;
  uint32_t pos_file_ = 0, pos_offset_ = 0;  // cache of the last position computed
  vm::SourcePos pos_cache_;
};

// An exact identity of a constant value, for deduplication.
std::string constant_key(const vm::Value& v);

}  // namespace play::codegen
