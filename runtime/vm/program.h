// Programs: the register-based bytecode for one expression or clause.
//
// Like Lua's VM: every instruction names its registers directly (no
// operand stack), so `account.employees >= 500` is two loads and one
// compare. Instructions are 8 bytes: an opcode, one small operand `x` and
// three 16-bit operands a, b, c whose meaning the opcode table below fixes
// (register, constant, slot, jump target, ...). The verifier (verify.h)
// checks every operand against that table before a Program may run.
//
// Typed instructions (ADD_INT, CMP_STR, ...) are what codegen emits when
// the checker proved the operand types; they take a fast path on the
// expected kinds and otherwise fall back to the generic (dyn) semantics,
// so a wrong guess (a nullable property that is null, a hostile bundle)
// is never unsafe and never changes the result -- it is only slower.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/vm/value.h"

namespace re2 {
class RE2;
}

namespace play::vm {

// Operand kinds (what the verifier checks and the disassembler prints).
enum class Operand : uint8_t {
  None,      // must be 0
  Reg,       // a register < num_registers
  Reg2,      // a register pair r, r+1 (both < num_registers)
  RegRange,  // with the next operand: registers b .. b+c-1 (c may be 0)
  Count,     // the length of a RegRange (registers) or BUILD_MAP pairs (2 registers each)
  Const,     // a constant-pool index
  ConstStr,  // a constant-pool index holding a string
  Jump,      // a forward jump target: pc < target <= code.size()
  Back,      // a backward jump target: an ITER_NEXT at index < pc
  SigSlot,   // a signal property slot (< the signal schema's size; see ProgramLimits)
  AccSlot,   // an account field slot
  ConSlot,   // a contact field slot
  Let,       // a let index (< ProgramLimits::lets)
  Pool,      // a pool index
  Icp,       // a named-icp index
  Envelope,  // an EnvelopeField
  Record,    // 0 = account, 1 = contact
  Cond,      // a CmpCond
  Test,      // a JumpTest
  Bool,      // 0 or 1
};

// X(name, a, b, c, x) -- the operand kinds of each opcode.
// Semantics (null rules exactly as LANGUAGE.md section 3 "Null safety"):
#define PLAY_VM_OPCODES(X)                                                                          \
  /* no operation */                                                                                \
  X(NOP, None, None, None, None)                                                                    \
  /* loads.  R[a] = ... */                                                                          \
  X(LOAD_NULL, Reg, None, None, None)                                                               \
  X(LOAD_BOOL, Reg, None, None, Bool)            /* R[a] = x != 0 */                                \
  X(LOAD_CONST, Reg, Const, None, None)          /* R[a] = K[b] */                                  \
  X(MOVE, Reg, Reg, None, None)                  /* R[a] = R[b] */                                  \
  X(LOAD_SIGNAL_SLOT, Reg, SigSlot, None, None)  /* R[a] = signal property slot b */                \
  X(LOAD_SIGNAL_PROP, Reg, ConstStr, None, None) /* R[a] = signal property named K[b] (slow;   */   \
  /*  for icps/suppression rules, which run for any signal type); null when absent           */     \
  X(LOAD_ACCOUNT_SLOT, Reg, AccSlot, None, None) /* R[a] = account field b; null if unknown */      \
  X(LOAD_CONTACT_SLOT, Reg, ConSlot, None, None) /* R[a] = contact field b; null if unknown */      \
  X(RECORD_KNOWN, Reg, None, None, Record)       /* R[a] = (account|contact record known) */        \
  X(LOAD_ENVELOPE, Reg, None, None, Envelope)    /* R[a] = signal.id/type/source/... */             \
  X(LOAD_LET, Reg, Let, None, None)              /* R[a] = let b */                                 \
  X(LOAD_NOW, Reg, None, None, None)             /* R[a] = now (the signal's event time) */         \
  X(LOAD_ICP, Reg, Icp, None, None)              /* R[a] = named icp b (host callback, cached) */   \
  X(ROUND_ROBIN, Reg, Pool, None, None)          /* R[a] = next member of pool b (host callback) */ \
  /* arithmetic.  R[a] = R[b] op R[c]; null operand -> null; int overflow, /0, %0 -> error */       \
  X(ADD_INT, Reg, Reg, Reg, None)                                                                   \
  X(SUB_INT, Reg, Reg, Reg, None)                                                                   \
  X(MUL_INT, Reg, Reg, Reg, None)                                                                   \
  X(DIV_INT, Reg, Reg, Reg, None)                                                                   \
  X(MOD_INT, Reg, Reg, Reg, None)                                                                   \
  X(ADD_FLOAT, Reg, Reg, Reg, None)                                                                 \
  X(SUB_FLOAT, Reg, Reg, Reg, None)                                                                 \
  X(MUL_FLOAT, Reg, Reg, Reg, None)                                                                 \
  X(DIV_FLOAT, Reg, Reg, Reg, None)                                                                 \
  /* generic: int/float mix (int promotes); string + string and list + list concatenate;       */   \
  /* timestamp - timestamp = duration; timestamp +- duration; duration +- duration;             */  \
  /* duration * / number; float / 0 is IEEE (inf/nan), int / 0 is an error                     */   \
  X(ADD, Reg, Reg, Reg, None)                                                                       \
  X(SUB, Reg, Reg, Reg, None)                                                                       \
  X(MUL, Reg, Reg, Reg, None)                                                                       \
  X(DIV, Reg, Reg, Reg, None)                                                                       \
  X(MOD, Reg, Reg, Reg, None)                                                                       \
  X(NEG, Reg, Reg, None, None) /* R[a] = -R[b] (int, float, duration) */                            \
  /* logic.  not null = null; AND/OR combine two evaluated operands (false wins for AND,        */  \
  /* true wins for OR, else null if either is null); short-circuit is done with JUMP_IF          */ \
  X(NOT, Reg, Reg, None, None)                                                                      \
  X(AND, Reg, Reg, Reg, None)                                                                       \
  X(OR, Reg, Reg, Reg, None)                                                                        \
  /* comparison.  R[a] = R[b] <x> R[c], x a CmpCond. EQ/NE compare normally (null == null);      */ \
  /* LT/LE/GT/GE with a null operand are false; incomparable kinds -> error                      */ \
  X(CMP_INT, Reg, Reg, Reg, Cond)                                                                   \
  X(CMP_FLOAT, Reg, Reg, Reg, Cond)                                                                 \
  X(CMP_STR, Reg, Reg, Reg, Cond)                                                                   \
  X(CMP, Reg, Reg, Reg, Cond)                                                                       \
  X(IN, Reg, Reg, Reg, None)     /* R[a] = R[b] in R[c] (list element / map key);                   \
                                    null operand -> false */                                        \
  X(NOT_IN, Reg, Reg, Reg, None) /* null operand -> true */                                         \
  /* functions and methods.  null operand -> null unless said */                                    \
  X(SIZE, Reg, Reg, None, None)              /* code points of a string; elements of list/map */    \
  X(STR_CONTAINS, Reg, Reg, Reg, None)       /* R[b].contains(R[c]); null -> false */               \
  X(STR_STARTS, Reg, Reg, Reg, None)         /* startsWith; null -> false */                        \
  X(STR_ENDS, Reg, Reg, Reg, None)           /* endsWith; null -> false */                          \
  X(MATCHES_CONST, Reg, Reg, ConstStr, None) /* RE2 partial match, pattern K[c] compiled at         \
                                                load; null -> false; bad pattern -> error */        \
  X(MATCHES, Reg, Reg, Reg, None)            /* pattern R[c] compiled once per distinct             \
                                                pattern (RegexCache); bad pattern -> error */       \
  X(LOWER, Reg, Reg, None, None)             /* ASCII lower-case (CEL lowerAscii) */                \
  X(UPPER, Reg, Reg, None, None)                                                                    \
  X(TO_INT, Reg, Reg, None, None)       /* int(x): float truncates (range-checked),                 \
                                           string parses, timestamp -> epoch seconds */             \
  X(TO_FLOAT, Reg, Reg, None, None)     /* float(x) / double(x) */                                  \
  X(TO_STRING, Reg, Reg, None, None)    /* string(x): the template rendering */                     \
  X(ESCAPE_MRKDWN, Reg, Reg, None, None) /* render(R[b]) with & < > as &amp; &lt; &gt;: a value     \
                                            interpolated into a Slack mrkdwn text */               \
  X(TO_TIMESTAMP, Reg, Reg, None, None) /* timestamp("RFC3339") */                                  \
  X(TO_DURATION, Reg, Reg, None, None)  /* duration("4h") */                                        \
  X(HAS, Reg, Reg, None, None)          /* R[a] = R[b] != null (has(x.f)) */                        \
  X(INDEX, Reg, Reg, Reg, None)         /* R[b][R[c]]: list[int] (out of range -> error),           \
                                           map[string] (missing -> null) */                         \
  X(MAP_GET, Reg, Reg, ConstStr, None)  /* R[b].K[c] on a map (dyn member); missing->null */        \
  /* construction (into the arena) */                                                               \
  X(BUILD_LIST, Reg, RegRange, Count, None) /* R[a] = [R[b] .. R[b+c-1]] */                         \
  X(BUILD_MAP, Reg, RegRange, Count, None)  /* R[a] = {R[b]: R[b+1], ...} c pairs; keys must        \
                                               be strings; later duplicates win */                  \
  X(CONCAT, Reg, RegRange, Count, None)     /* R[a] = render(R[b]) + ... (string templates) */      \
  /* control.  Jumps are absolute instruction indexes */                                            \
  X(JUMP, None, Jump, None, None)   /* pc = b */                                                    \
  X(JUMP_IF, Reg, Jump, None, Test) /* if test x holds for R[a]: pc = b */                          \
  /* list macros: exists/all/filter/map.  Loops are bounded by the list length: ITER_INIT     */    \
  /* sets R[a] = 0 (index) and R[a+1] = R[b] (the list, or a map's keys); ITER_NEXT binds R[b] */   \
  /* to the next element and advances, or jumps to c when done; LOOP jumps back to an         */    \
  /* ITER_NEXT. An evaluation also has a total loop budget (EvalContext::loop_budget).        */    \
  X(ITER_INIT, Reg2, Reg, None, None)                                                               \
  X(ITER_NEXT, Reg2, Reg, Jump, None)                                                               \
  X(LOOP, None, Back, None, None)                                                                   \
  X(LIST_NEW, Reg, Reg, None, None)    /* R[a] = empty growable list, capacity = size of            \
                                          list/map R[b] (0 for anything else) */                    \
  X(LIST_APPEND, Reg, Reg, None, None) /* append R[b] to growable R[a]; full -> error */            \
  X(RETURN, Reg, None, None, None)     /* the program's value is R[a] */

// How codegen lowers the short-circuit forms and macros (tests/vm/
// control_test.cpp runs each of these shapes):
//   a and b    r = a; JUMP_IF r False -> end; t = b; AND r, r, t; end:
//   a or b     r = a; JUMP_IF r True  -> end; t = b; OR  r, r, t; end:
//   a ?? b     r = a; JUMP_IF r NotNull -> end; r = b; end:
//   c ? x : y  t = c; JUMP_IF t NotTrue -> else; r = x; JUMP end; else: r = y; end:
//              (a null condition takes the else branch)
//   l.exists(v, p)
//              r = false; JUMP_IF l Null -> end; ITER_INIT it, l;
//         top: ITER_NEXT it, v -> end; t = p; JUMP_IF t True -> found; LOOP top;
//       found: r = true; end:
//   l.all(v, p)
//              r = false; JUMP_IF l Null -> end; ITER_INIT it, l;
//         top: ITER_NEXT it, v -> done; t = p; JUMP_IF t NotTrue -> end; LOOP top;
//        done: r = true; end:
//   l.filter(v, p) / l.map(v, e)
//              r = null; JUMP_IF l Null -> end; LIST_NEW r, l; ITER_INIT it, l;
//         top: ITER_NEXT it, v -> end; t = p; JUMP_IF t NotTrue -> next;
//              LIST_APPEND r, v (map: t = e; LIST_APPEND r, t); next: LOOP top; end:
// (ITER_INIT on null iterates nothing, so the JUMP_IF Null guards are what
// give exists/all `false` and filter/map `null` on a null list.)
enum class Op : uint8_t {
#define PLAY_VM_ENUM(name, a, b, c, x) name,
  PLAY_VM_OPCODES(PLAY_VM_ENUM)
#undef PLAY_VM_ENUM
      kCount
};

struct OpInfo {
  const char* name;
  Operand a, b, c, x;
};
const OpInfo& op_info(Op op);  // op must be < Op::kCount

enum class CmpCond : uint8_t { EQ, NE, LT, LE, GT, GE, kCount };
const char* cond_name(CmpCond c);  // "==", "!=", ...

enum class JumpTest : uint8_t {
  False,    // R is exactly `false` (and's short-circuit)
  True,     // R is exactly `true` (or's short-circuit)
  Null,     // R is null
  NotNull,  // R is not null (?? short-circuit)
  NotTrue,  // R is anything but `true` (?: else-branch; null counts as false)
  kCount
};
const char* test_name(JumpTest t);

enum class EnvelopeField : uint8_t { Id, Type, Source, OccurredAt, ReceivedAt, kCount };
const char* envelope_name(EnvelopeField f);  // "id", "type", ...

struct Instr {
  Op op = Op::NOP;
  uint8_t x = 0;
  uint16_t a = 0, b = 0, c = 0;
};
static_assert(sizeof(Instr) == 8, "instructions stay compact");

// Where an instruction came from. file indexes Bundle::files (0 = none);
// line and col are 1-based (0 = unknown).
struct SourcePos {
  uint32_t file = 0;
  uint32_t line = 0;
  uint32_t col = 0;
};

// A constant pool: values whose strings, lists and maps are owned here,
// so Values handed out stay valid as long as the pool (moves included).
class ConstantPool {
 public:
  ConstantPool() = default;
  ConstantPool(ConstantPool&&) = default;
  ConstantPool& operator=(ConstantPool&&) = default;

  uint16_t add(const Value& v);  // deep copy; returns the index
  const Value& operator[](size_t i) const { return values_[i]; }
  size_t size() const { return values_.size(); }
  const std::vector<Value>& values() const { return values_; }

 private:
  Value copy_in(const Value& v);
  std::vector<Value> values_;
  std::vector<std::unique_ptr<std::byte[]>> storage_;
};

// One compiled expression or clause.
struct Program {
  std::vector<Instr> code;
  std::vector<SourcePos> positions;  // one per instruction (runtime errors report these)
  ConstantPool constants;
  uint16_t num_registers = 0;
  uint32_t worst_case_cost = 0;  // codegen's estimate (abstract steps), shown by disasm

  // Filled by verify() (verify.h): the compiled RE2 of each MATCHES_CONST
  // pattern, by constant index (null where the pattern is bad: the error
  // text is in regex_errors and MATCHES_CONST reports it at run time).
  std::vector<std::shared_ptr<const re2::RE2>> regexes;
  std::vector<std::string> regex_errors;
  bool verified = false;  // eval() refuses unverified programs

  // Convenience for codegen and tests: appends and returns the index.
  uint32_t emit(Op op, uint16_t a = 0, uint16_t b = 0, uint16_t c = 0, uint8_t x = 0, SourcePos pos = {}) {
    code.push_back(Instr{op, x, a, b, c});
    positions.push_back(pos);
    return static_cast<uint32_t>(code.size() - 1);
  }
};

// Limits a program is verified against (what its host will provide).
struct ProgramLimits {
  uint32_t signal_slots = 0;  // LOAD_SIGNAL_SLOT b < this (0 forbids it: icps, suppressions)
  uint32_t account_slots = 0;
  uint32_t contact_slots = 0;
  uint32_t lets = 0;  // LOAD_LET b < this
  uint32_t pools = 0;
  uint32_t icps = 0;   // LOAD_ICP b < this (an icp may only use earlier icps)
  uint32_t files = 1;  // SourcePos::file < this
};
constexpr uint32_t kMaxRegisters = 4096;
constexpr uint32_t kMaxCode = 65535;  // jump targets are 16-bit

// Checks everything eval() relies on (opcodes, every operand per the table,
// register/constant/slot ranges, forward jumps, LOOP targets, RETURN
// reachable at the end) and compiles MATCHES_CONST patterns. Returns "" and
// sets program.verified, or a message naming the instruction and problem.
std::string verify(Program& program, const ProgramLimits& limits);

}  // namespace play::vm
