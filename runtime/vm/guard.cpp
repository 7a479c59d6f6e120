#include "runtime/vm/guard.h"

namespace play::vm {

bool match_string_guard(const Program& p, StringGuard& g) {
  if (!p.verified || p.code.size() != 4) return false;
  const Instr& a = p.code[0];
  const Instr& b = p.code[1];
  const Instr& cmp = p.code[2];
  const Instr& ret = p.code[3];
  if (ret.op != Op::RETURN || ret.a != cmp.a) return false;
  if (cmp.op != Op::CMP_STR && cmp.op != Op::CMP) return false;
  auto cond = static_cast<CmpCond>(cmp.x);
  if (cond != CmpCond::EQ && cond != CmpCond::NE) return false;
  const Instr* load_slot = a.op == Op::LOAD_SIGNAL_SLOT ? &a : b.op == Op::LOAD_SIGNAL_SLOT ? &b : nullptr;
  const Instr* load_const = a.op == Op::LOAD_CONST ? &a : b.op == Op::LOAD_CONST ? &b : nullptr;
  if (!load_slot || !load_const || load_slot == load_const || load_slot->a == load_const->a) return false;
  // The comparison must read exactly the two loaded registers.
  bool operands =
      (cmp.b == load_slot->a && cmp.c == load_const->a) || (cmp.b == load_const->a && cmp.c == load_slot->a);
  if (!operands) return false;
  const Value& k = p.constants[load_const->b];
  if (k.kind != Kind::String) return false;
  g.slot = load_slot->b;
  g.value = k.str();
  g.negated = cond == CmpCond::NE;
  return true;
}

}  // namespace play::vm
