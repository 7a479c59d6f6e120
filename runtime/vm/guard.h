// Guards: clauses whose whole program is `signal.<slot> == "constant"` (the
// most common filter a play has: `where signal.category == "pricing"`).
// The engine recognises them once, at load, and evaluates them as one string
// comparison instead of running the interpreter: same result by construction
// (a null, absent or non-string property is not equal to a string constant,
// exactly as CMP_STR and the generic == say), a fraction of the cost for the
// plays a signal reaches only to be rejected at their first clause.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/vm/program.h"

namespace play::vm {

struct StringGuard {
  uint16_t slot = 0;       // signal property slot
  std::string_view value;  // points into the program's constant pool
  bool negated = false;    // `!=` instead of `==`
};

// True when `program` is exactly: load signal slot, load a string constant,
// compare them with == or != (either operand order), return the comparison.
bool match_string_guard(const Program& program, StringGuard& guard);

// The guard's value for a signal's property slots (what eval() would return, as a bool).
inline bool guard_holds(const StringGuard& g, std::span<const Value> signal) {
  bool eq = g.slot < signal.size() && signal[g.slot].kind == Kind::String && signal[g.slot].str() == g.value;
  return eq != g.negated;
}

}  // namespace play::vm
