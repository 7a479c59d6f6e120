// The load-time verifier: everything the interpreter loop assumes without
// checking (register and constant indexes in range, jumps inside the
// program, a RETURN at the end, enum operands valid) is checked here once,
// so a corrupted or hostile bundle is refused before it runs.
#include <re2/re2.h>

#include <string>

#include "runtime/vm/program.h"

namespace play::vm {

namespace {

struct Checker {
  const Program& p;
  const ProgramLimits& lim;
  std::string error;

  bool fail(uint32_t pc, const Instr& in, const std::string& what) {
    error = "instruction " + std::to_string(pc) + " (" + op_info(in.op).name + "): " + what;
    return false;
  }

  bool below(uint32_t pc, const Instr& in, const char* slot, uint32_t v, uint32_t limit, const char* what) {
    if (v < limit) return true;
    return fail(pc, in,
                std::string("operand ") + slot + ": " + what + " " + std::to_string(v) +
                    " out of range (limit " + std::to_string(limit) + ")");
  }

  bool operand(uint32_t pc, const Instr& in, const char* slot, Operand kind, uint32_t v) {
    const uint32_t nregs = p.num_registers, nconst = static_cast<uint32_t>(p.constants.size());
    const uint32_t ncode = static_cast<uint32_t>(p.code.size());
    switch (kind) {
      case Operand::None:
        if (v != 0) return fail(pc, in, std::string("operand ") + slot + " must be 0");
        return true;
      case Operand::Reg:
        return below(pc, in, slot, v, nregs, "register");
      case Operand::Reg2:
        return below(pc, in, slot, v + 1, nregs, "register pair end");
      case Operand::RegRange: {
        uint32_t count = in.c;
        if (in.op == Op::BUILD_MAP) count *= 2;
        if (v + count > nregs)
          return fail(pc, in,
                      "register range " + std::to_string(v) + "+" + std::to_string(count) + " exceeds " +
                          std::to_string(nregs) + " registers");
        return true;
      }
      case Operand::Count:
        return true;  // checked with its RegRange
      case Operand::Const:
        return below(pc, in, slot, v, nconst, "constant");
      case Operand::ConstStr:
        if (!below(pc, in, slot, v, nconst, "constant")) return false;
        if (p.constants[v].kind != Kind::String)
          return fail(
              pc, in,
              std::string("operand ") + slot + ": constant " + std::to_string(v) + " is not a string");
        return true;
      case Operand::Jump:
        if (v <= pc || v >= ncode)
          return fail(
              pc, in,
              "jump target " + std::to_string(v) + " out of range (must be forward, inside the program)");
        return true;
      case Operand::Back:
        if (v >= pc || p.code[v].op != Op::ITER_NEXT)
          return fail(pc, in, "loop target " + std::to_string(v) + " is not an earlier ITER_NEXT");
        return true;
      case Operand::SigSlot:
        return below(pc, in, slot, v, lim.signal_slots, "signal slot");
      case Operand::AccSlot:
        return below(pc, in, slot, v, lim.account_slots, "account slot");
      case Operand::ConSlot:
        return below(pc, in, slot, v, lim.contact_slots, "contact slot");
      case Operand::Let:
        return below(pc, in, slot, v, lim.lets, "let");
      case Operand::Pool:
        return below(pc, in, slot, v, lim.pools, "pool");
      case Operand::Icp:
        return below(pc, in, slot, v, lim.icps, "icp");
      case Operand::Envelope:
        return below(pc, in, slot, v, static_cast<uint32_t>(EnvelopeField::kCount), "envelope field");
      case Operand::Record:
        return below(pc, in, slot, v, 2, "record");
      case Operand::Cond:
        return below(pc, in, slot, v, static_cast<uint32_t>(CmpCond::kCount), "comparison");
      case Operand::Test:
        return below(pc, in, slot, v, static_cast<uint32_t>(JumpTest::kCount), "jump test");
      case Operand::Bool:
        return below(pc, in, slot, v, 2, "bool");
      case Operand::Part:
        return below(pc, in, slot, v, static_cast<uint32_t>(TimePart::kCount), "time part");
    }
    return fail(pc, in, "unknown operand kind");
  }

  bool run() {
    if (p.code.empty()) {
      error = "empty program";
      return false;
    }
    if (p.code.size() > kMaxCode) {
      error = "program too long (" + std::to_string(p.code.size()) + " instructions)";
      return false;
    }
    if (p.positions.size() != p.code.size()) {
      error = "source positions do not match the instructions";
      return false;
    }
    if (p.num_registers == 0 || p.num_registers > kMaxRegisters) {
      error = "register count " + std::to_string(p.num_registers) + " out of range";
      return false;
    }
    if (p.code.back().op != Op::RETURN) {
      error = "program does not end with RETURN";
      return false;
    }
    for (uint32_t pc = 0; pc < p.code.size(); ++pc) {
      const Instr& in = p.code[pc];
      if (static_cast<size_t>(in.op) >= static_cast<size_t>(Op::kCount)) {
        error = "instruction " + std::to_string(pc) + ": invalid opcode " + std::to_string(int(in.op));
        return false;
      }
      const OpInfo& info = op_info(in.op);
      if (!operand(pc, in, "a", info.a, in.a) || !operand(pc, in, "b", info.b, in.b) ||
          !operand(pc, in, "c", info.c, in.c) || !operand(pc, in, "x", info.x, in.x))
        return false;
      if (p.positions[pc].file >= lim.files) {
        error = "instruction " + std::to_string(pc) + ": source file index out of range";
        return false;
      }
    }
    return true;
  }
};

}  // namespace

std::string verify(Program& p, const ProgramLimits& limits) {
  p.verified = false;
  Checker c{p, limits, {}};
  if (!c.run()) return c.error;
  // Constant patterns are compiled once here, never per evaluation.
  p.regexes.assign(p.constants.size(), nullptr);
  p.regex_errors.assign(p.constants.size(), std::string());
  RE2::Options opts;
  opts.set_log_errors(false);
  for (const Instr& in : p.code) {
    if (in.op != Op::MATCHES_CONST || p.regexes[in.c] || !p.regex_errors[in.c].empty()) continue;
    const Value& pat = p.constants[in.c];
    auto re = std::make_shared<const RE2>(re2::StringPiece(pat.s, pat.n), opts);
    if (re->ok())
      p.regexes[in.c] = std::move(re);
    else
      p.regex_errors[in.c] = "bad regex '" + std::string(pat.str()) + "': " + re->error();
  }
  p.verified = true;
  return "";
}

}  // namespace play::vm
