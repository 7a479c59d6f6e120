// Functions, methods and list macros (LANGUAGE.md section 3), lowered as
// their rows in the builtins table (compiler/builtins/builtins.h) say.
#include <algorithm>

#include "compiler/builtins/builtins.h"
#include "compiler/codegen/lower.h"

namespace play::codegen {

using builtins::Builtin;
using builtins::Lowering;
using vm::JumpTest;
using vm::Op;

namespace {

uint8_t test(JumpTest t) { return static_cast<uint8_t>(t); }

// The checker guarantees the arity; a mismatch here is a call it rejected.
const Builtin& lowerable(const Builtin* b, const ast::Expr& e, size_t args, const char* what) {
  bool left_out = b && b->rule == builtins::ArgRule::Optional && args + 1 == b->arity;
  if (!b || (args != b->arity && !left_out))
    throw Unsupported(e.span, std::string(what) + " '" + e.name + "' is not supported yet");
  return *b;
}

}  // namespace

void ExprCompiler::call(const ast::Expr& e, uint16_t dst) {
  const Builtin& b = lowerable(builtins::function(e.name), e, e.args.size(), "function");
  switch (b.lowering) {
    case Lowering::RoundRobin: {
      const ast::Expr& pool = *e.args[0];
      int i = env_.pools && pool.index >= 0 ? env_.pools->at(pool.index) : -1;
      if (i < 0) throw Unsupported(e.span, "internal: round_robin() of something that is not a pool");
      b_.emit(b.op, dst, static_cast<uint16_t>(i), 0, 0, e.span);
      return;
    }
    case Lowering::Identity:
      return compile(*e.args[0], dst);
    case Lowering::Instruction:
      return op1(b.op, e, *e.args[0], dst);
    default:
      throw Unsupported(e.span, "function '" + e.name + "' is not supported yet");
  }
}

void ExprCompiler::method(const ast::Expr& e, uint16_t dst) {
  const Builtin& b = lowerable(builtins::method(e.name), e, e.args.size() - 1, "method");
  switch (b.lowering) {
    case Lowering::Exists:
    case Lowering::All:
    case Lowering::Filter:
    case Lowering::Map:
    case Lowering::ExistsOne:
      return macro(e, b.lowering, dst);
    case Lowering::TimePart: {
      // A left-out time zone is UTC.
      uint16_t t = temp(*e.args[0]);
      uint16_t tz = 0;
      if (e.args.size() > 1) {
        tz = temp(*e.args[1]);
      } else {
        tz = b_.alloc();
        b_.emit(Op::LOAD_CONST, tz, b_.string_constant("UTC"), 0, 0, e.span);
      }
      b_.emit(b.op, dst, t, tz, static_cast<uint8_t>(b.part), e.span);
      return;
    }
    case Lowering::Regex: {
      // A constant pattern is compiled once, when the program is verified.
      const ast::Expr& pattern = *e.args[1];
      if (env_.fold && is_constant(pattern, static_cast<uint32_t>(macro_regs_.size()))) {
        auto folded = fold(env_, pattern, static_cast<uint32_t>(macro_regs_.size()));
        if (folded && folded->value.kind == vm::Kind::String) {
          uint16_t s = temp(*e.args[0]);
          b_.emit(Op::MATCHES_CONST, dst, s, b_.constant(folded->value), 0, e.span);
          return;
        }
      }
      return op2(b.op, e, *e.args[0], pattern, dst);
    }
    case Lowering::Instruction:
      if (b.arity == 0) return op1(b.op, e, *e.args[0], dst);
      return op2(b.op, e, *e.args[0], *e.args[1], dst);
    default:
      throw Unsupported(e.span, "method '" + e.name + "' is not supported yet");
  }
}

// l.exists(v, p), l.all(v, p), l.filter(v, p), l.map(v, e),
// l.exists_one(v, p): a loop bounded
// by the list (a map ranges over its keys). Null rules: exists and all of
// null are false (exists_one too), filter and map of null are null. A predicate that is null
// counts as false (exists: not found; all: fails; filter: dropped).
void ExprCompiler::macro(const ast::Expr& e, Lowering m, uint16_t dst) {
  uint16_t list = temp(*e.args[0]);
  uint64_t length = builtins::kUnknownListLength;
  const vm::Program& prog = b_.program();
  // A constant or literal list: its length is known.
  if (!prog.code.empty() && prog.code.back().a == list) {
    const vm::Instr& last = prog.code.back();
    if (last.op == Op::LOAD_CONST) length = prog.constants[last.b].n;
    if (last.op == Op::BUILD_LIST || last.op == Op::BUILD_MAP) length = last.c;
  }

  uint16_t iter = b_.alloc();
  b_.alloc();  // iter + 1: the list being walked
  uint16_t var = b_.alloc();
  uint16_t body = b_.alloc();
  uint16_t count = 0, one = 0;  // exists_one: how many passed, and the constant 1
  if (m == Lowering::ExistsOne) {
    count = b_.alloc();
    one = b_.alloc();
  }
  bool builds = m == Lowering::Filter || m == Lowering::Map;

  std::vector<uint32_t> to_end;  // jumps to the instruction after the macro
  if (builds) {
    b_.emit(Op::LOAD_NULL, dst, 0, 0, 0, e.span);
    to_end.push_back(b_.emit(Op::JUMP_IF, list, 0, 0, test(JumpTest::Null), e.span));
    b_.emit(Op::LIST_NEW, dst, list, 0, 0, e.span);
  } else {
    b_.emit(Op::LOAD_BOOL, dst, 0, 0, 0, e.span);
    if (m == Lowering::ExistsOne) {
      b_.emit(Op::LOAD_CONST, count, b_.constant(vm::Value::integer(0)), 0, 0, e.span);
      b_.emit(Op::LOAD_CONST, one, b_.constant(vm::Value::integer(1)), 0, 0, e.span);
    }
    if (m == Lowering::All) to_end.push_back(b_.emit(Op::JUMP_IF, list, 0, 0, test(JumpTest::Null), e.span));
  }
  b_.emit(Op::ITER_INIT, iter, list, 0, 0, e.span);
  uint32_t next = b_.emit(Op::ITER_NEXT, iter, var, 0, 0, e.span);

  uint64_t outer = b_.cost_multiplier();
  b_.set_cost_multiplier(std::min<uint64_t>(outer * std::max<uint64_t>(length, 1), UINT32_MAX));
  macro_regs_.push_back(var);
  compile(*e.args[2], body);
  macro_regs_.pop_back();

  uint32_t decided = 0;  // exists: found one; all: one failed
  uint32_t skip = 0;     // filter, exists_one: predicate not true
  if (m == Lowering::Exists) decided = b_.emit(Op::JUMP_IF, body, 0, 0, test(JumpTest::True), e.span);
  if (m == Lowering::All) to_end.push_back(b_.emit(Op::JUMP_IF, body, 0, 0, test(JumpTest::NotTrue), e.span));
  if (m == Lowering::Filter) {
    skip = b_.emit(Op::JUMP_IF, body, 0, 0, test(JumpTest::NotTrue), e.span);
    b_.emit(Op::LIST_APPEND, dst, var, 0, 0, e.span);
  }
  if (m == Lowering::Map) b_.emit(Op::LIST_APPEND, dst, body, 0, 0, e.span);
  if (m == Lowering::ExistsOne) {
    // Counts every element that passes (no short circuit: as in CEL, an
    // error in any element is an error).
    skip = b_.emit(Op::JUMP_IF, body, 0, 0, test(JumpTest::NotTrue), e.span);
    b_.emit(Op::ADD_INT, count, count, one, 0, e.span);
  }
  if (m == Lowering::Filter || m == Lowering::ExistsOne) b_.patch_to_here(skip);
  b_.emit(Op::LOOP, 0, static_cast<uint16_t>(next), 0, 0, e.span);
  b_.set_cost_multiplier(outer);

  if (m == Lowering::Exists) {
    b_.patch_to_here(decided);
    b_.emit(Op::LOAD_BOOL, dst, 0, 0, 1, e.span);
  } else if (m == Lowering::ExistsOne) {
    b_.patch_to_here(next);
    b_.emit(Op::CMP_INT, dst, count, one, static_cast<uint8_t>(vm::CmpCond::EQ), e.span);
    return;
  } else if (m == Lowering::All) {
    // The list ran out without a failure: every element passed.
    b_.patch_to_here(next);
    b_.emit(Op::LOAD_BOOL, dst, 0, 0, 1, e.span);
    for (uint32_t j : to_end) b_.patch_to_here(j);
    return;
  }
  b_.patch_to_here(next);
  for (uint32_t j : to_end) b_.patch_to_here(j);
}

}  // namespace play::codegen
