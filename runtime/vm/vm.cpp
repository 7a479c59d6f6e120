// The interpreter loop: one switch over 8-byte instructions, registers in
// the arena, no virtual calls, no per-instruction lookups. Every index it
// uses unchecked was checked by verify(); every value it reads is checked
// by kind, so host data of the wrong kind is slow or an error, never unsafe.
#include "runtime/vm/vm.h"

#include <re2/re2.h>

#include <cstring>
#include <string>
#include <unordered_map>

#include "runtime/vm/ops.h"

namespace play::vm {

// ------------------------------------------------------------------ regex cache

namespace {
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
}  // namespace

struct RegexCache::Impl {
  std::unordered_map<std::string, std::unique_ptr<RE2>, StringHash, std::equal_to<>> compiled;
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> bad;  // pattern -> error
};

RegexCache::RegexCache() : impl_(std::make_unique<Impl>()) {}
RegexCache::~RegexCache() = default;

const RE2* RegexCache::get(std::string_view pattern, std::string& error) {
  if (auto it = impl_->compiled.find(pattern); it != impl_->compiled.end()) return it->second.get();
  if (auto it = impl_->bad.find(pattern); it != impl_->bad.end()) {
    error = it->second;
    return nullptr;
  }
  if (impl_->compiled.size() + impl_->bad.size() >= kMaxEntries) {
    impl_->compiled.clear();
    impl_->bad.clear();
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    error = "bad regex '" + std::string(pattern) + "': " + re->error();
    impl_->bad.emplace(std::string(pattern), error);
    return nullptr;
  }
  return impl_->compiled.emplace(std::string(pattern), std::move(re)).first->second.get();
}

// ------------------------------------------------------------------ helpers

namespace {

// A value from host data: never trust its internal flags.
inline Value from_host(Value v) {
  v.flags = 0;
  return v;
}

inline Value slot(std::span<const Value> slots, uint32_t i) {
  return i < slots.size() ? from_host(slots[i]) : Value();
}

inline bool test(JumpTest t, const Value& v) {
  switch (t) {
    case JumpTest::False:
      return v.kind == Kind::Bool && !v.b;
    case JumpTest::True:
      return v.is_true();
    case JumpTest::Null:
      return v.is_null();
    case JumpTest::NotNull:
      return !v.is_null();
    case JumpTest::NotTrue:
      return !v.is_true();
    default:
      return false;
  }
}

bool matches(const Value& s, const RE2* re, Value& out, std::string& err) {
  if (s.is_null()) return out = Value::boolean(false), true;
  if (s.kind != Kind::String) {
    err = std::string("matches() needs a string, got ") + kind_name(s.kind);
    return false;
  }
  out = Value::boolean(RE2::PartialMatch(re2::StringPiece(s.s, s.n), *re));
  return true;
}

}  // namespace

// ------------------------------------------------------------------ the loop

// The typed comparisons' fast path (CMP_INT, CMP_FLOAT): both operands of the proven kind.
template <class T>
static inline bool compare_as(CmpCond c, T l, T r) {
  switch (c) {
    case CmpCond::EQ:
      return l == r;
    case CmpCond::NE:
      return l != r;
    case CmpCond::LT:
      return l < r;
    case CmpCond::LE:
      return l <= r;
    case CmpCond::GT:
      return l > r;
    default:
      return l >= r;
  }
}

Value* alloc_registers(const Program& prog, Arena& arena) {
  Value* R = arena.alloc_array<Value>(prog.num_registers);
  for (uint32_t i = 0; i < prog.num_registers; ++i) new (&R[i]) Value();
  return R;
}

bool step(const Program& prog, EvalContext& ctx, Value* R, uint32_t pc, std::string& err) {
  Arena& arena = *ctx.arena;
  const Value* K = prog.constants.values().data();
  const Instr in = prog.code[pc];
#define PLAY_OK return true
#define PLAY_FAIL return false
#define PLAY_FAIL_IF_NOT(expr) return (expr)
  switch (in.op) {
#include "runtime/vm/exec_cases.inc"
    default:
      err = "invalid opcode";
      return false;
  }
#undef PLAY_OK
#undef PLAY_FAIL
#undef PLAY_FAIL_IF_NOT
}

EvalResult eval(const Program& prog, EvalContext& ctx) {
  EvalResult res;
  uint32_t pc = 0;
  std::string& err = res.error.message;
  if (!prog.verified || !ctx.arena) {
    res.ok = false;
    err = !prog.verified ? "program was not verified" : "no arena in the evaluation context";
    return res;
  }
  Arena& arena = *ctx.arena;
  Value* R = alloc_registers(prog, arena);
  const Instr* code = prog.code.data();
  const Value* K = prog.constants.values().data();
  uint64_t budget = ctx.loop_budget;
#define PLAY_OK break
#define PLAY_FAIL goto fail
#define PLAY_FAIL_IF_NOT(expr) \
  if (!(expr)) goto fail;      \
  break

  for (;;) {
    const Instr in = code[pc];
    switch (in.op) {
      case Op::JUMP:
        pc = in.b;
        continue;
      case Op::JUMP_IF:
        if (test(static_cast<JumpTest>(in.x), R[in.a])) {
          pc = in.b;
          continue;
        }
        break;
      case Op::ITER_NEXT: {
        Value& it = R[in.a];
        const Value& src = R[in.a + 1];
        if (it.kind != Kind::Int || it.i < 0 || (src.kind != Kind::List && src.kind != Kind::Map) ||
            it.i >= src.n) {
          pc = in.c;  // done (or a clobbered iterator: stop, never read out of range)
          continue;
        }
        R[in.b] = src.kind == Kind::List ? src.items[it.i] : Value::string(src.entries[it.i].key);
        ++it.i;
        break;
      }
      case Op::LOOP:
        if (budget == 0) {
          err = "evaluation exceeded its loop budget";
          goto fail;
        }
        --budget;
        pc = in.b;
        continue;
      case Op::RETURN:
        res.value = R[in.a];
        res.value.flags = 0;  // the caller gets a finished list
        return res;
#include "runtime/vm/exec_cases.inc"
      default:
        err = "invalid opcode";
        goto fail;
    }
    ++pc;
  }
#undef PLAY_OK
#undef PLAY_FAIL
#undef PLAY_FAIL_IF_NOT

fail:
  res.ok = false;
  res.value = Value();
  res.error.pc = pc;
  res.error.pos = pc < prog.positions.size() ? prog.positions[pc] : SourcePos{};
  return res;
}

}  // namespace play::vm
