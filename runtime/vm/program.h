// Programs: the register-based bytecode for one expression or clause.
//
// Like Lua's VM: every instruction names its registers directly (no
// operand stack), so `account.employees >= 500` is two loads and one
// compare. Instructions are 8 bytes: an opcode, one small operand `x` and
// three 16-bit operands a, b, c whose meaning the opcode table (opcodes.h) fixes
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

// Operand kinds (what the verifier checks and the disassembler prints), from opcodes.h.
enum class Operand : uint8_t {
#define PLAY_OPERAND(kind, meaning) kind,
#include "runtime/vm/opcodes.h"
};
inline constexpr size_t kOperandKinds = 0
#define PLAY_OPERAND(kind, meaning) +1
#include "runtime/vm/opcodes.h"
    ;

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
// The opcodes, in opcodes.h's order (the bundle stores their numbers).
enum class Op : uint8_t {
#define PLAY_OPCODE(name, a, b, c, x, synopsis) name,
#include "runtime/vm/opcodes.h"
  kCount
};

// One row of opcodes.h.
struct OpInfo {
  const char* name;
  Operand a, b, c, x;
  const char* synopsis;
};
const OpInfo& op_info(Op op);  // op must be < Op::kCount

struct OperandInfo {
  const char* name;  // "Reg", "ConstStr", ...
  const char* meaning;
};
const OperandInfo& operand_info(Operand kind);

// A titled group of consecutive opcodes in opcodes.h: [first, end).
struct OpGroup {
  const char* title;
  const char* text;
  Op first, end;
};
const std::vector<OpGroup>& op_groups();

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

// Account and Contact: the envelope's keys as sent (lower-cased), null when absent.
enum class EnvelopeField : uint8_t { Id, Type, Source, OccurredAt, ReceivedAt, Account, Contact, kCount };
const char* envelope_name(EnvelopeField f);  // "id", "type", ...

// The calendar or clock field TIME_PART reads, named as CEL's accessors
// (getFullYear, ...). CEL counts months, days of the month and days of the
// year from 0 (getMonth, getDayOfMonth, getDayOfYear), getDate from 1, and
// getDayOfWeek from 0 = Sunday.
enum class TimePart : uint8_t {
  FullYear,
  Month,
  Date,
  DayOfMonth,
  DayOfWeek,
  DayOfYear,
  Hours,
  Minutes,
  Seconds,
  Milliseconds,
  kCount
};
const char* time_part_name(TimePart p);  // "getFullYear", ...

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
