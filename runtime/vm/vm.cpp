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

// Every instruction but the control ones (JUMP, JUMP_IF, ITER_NEXT, LOOP,
// RETURN): false with `err` set on a runtime error. Inlined into the loop
// below, and called one at a time by step() for compiled code.
[[gnu::always_inline]] static inline bool exec(const Program& prog, EvalContext& ctx, Value* R,
                                               const Instr in, std::string& err) {
  Arena& arena = *ctx.arena;
  const Value* K = prog.constants.values().data();
  switch (in.op) {
    case Op::NOP:
      return true;
    case Op::LOAD_NULL:
      R[in.a] = Value();
      return true;
    case Op::LOAD_BOOL:
      R[in.a] = Value::boolean(in.x != 0);
      return true;
    case Op::LOAD_CONST:
      R[in.a] = K[in.b];
      return true;
    case Op::MOVE:
      R[in.a] = R[in.b];
      return true;
    case Op::LOAD_SIGNAL_SLOT:
      R[in.a] = slot(ctx.signal, in.b);
      return true;
    case Op::LOAD_SIGNAL_PROP: {
      std::string_view name = K[in.b].str();
      Value v;
      for (size_t i = 0; i < ctx.signal_names.size(); ++i) {
        if (ctx.signal_names[i] == name) {
          v = slot(ctx.signal, static_cast<uint32_t>(i));
          break;
        }
      }
      R[in.a] = v;
      return true;
    }
    case Op::LOAD_ACCOUNT_SLOT:
      R[in.a] = slot(ctx.account, in.b);
      return true;
    case Op::LOAD_CONTACT_SLOT:
      R[in.a] = slot(ctx.contact, in.b);
      return true;
    case Op::RECORD_KNOWN:
      R[in.a] = Value::boolean(in.x == 0 ? ctx.account_known : ctx.contact_known);
      return true;
    case Op::LOAD_ENVELOPE:
      R[in.a] = from_host(ctx.envelope[in.x]);
      return true;
    case Op::LOAD_LET:
      R[in.a] = slot(ctx.lets, in.b);
      return true;
    case Op::LOAD_NOW:
      R[in.a] = Value::timestamp(ctx.now_ms);
      return true;
    case Op::LOAD_ICP:
      if (!ctx.host.icp) {
        err = "icp used, but the host provides no icp callback";
        return false;
      }
      R[in.a] = from_host(ctx.host.icp(ctx.host.self, in.b));
      return true;
    case Op::ROUND_ROBIN:
      if (!ctx.host.round_robin) {
        err = "round_robin() used, but the host provides no pools";
        return false;
      }
      R[in.a] = from_host(ctx.host.round_robin(ctx.host.self, in.b));
      return true;

    // Typed arithmetic: the fast path when the proven kinds hold.
    case Op::ADD_INT: {
      const Value &x = R[in.b], &y = R[in.c];
      int64_t r;
      if (x.kind == Kind::Int && y.kind == Kind::Int && !__builtin_add_overflow(x.i, y.i, &r)) {
        R[in.a] = Value::integer(r);
        return true;
      }
      return ops::add(x, y, R[in.a], arena, err);
    }
    case Op::SUB_INT: {
      const Value &x = R[in.b], &y = R[in.c];
      int64_t r;
      if (x.kind == Kind::Int && y.kind == Kind::Int && !__builtin_sub_overflow(x.i, y.i, &r)) {
        R[in.a] = Value::integer(r);
        return true;
      }
      return ops::sub(x, y, R[in.a], err);
    }
    case Op::MUL_INT: {
      const Value &x = R[in.b], &y = R[in.c];
      int64_t r;
      if (x.kind == Kind::Int && y.kind == Kind::Int && !__builtin_mul_overflow(x.i, y.i, &r)) {
        R[in.a] = Value::integer(r);
        return true;
      }
      return ops::mul(x, y, R[in.a], err);
    }
    case Op::DIV_INT:
      return ops::div(R[in.b], R[in.c], R[in.a], err);
    case Op::MOD_INT:
      return ops::mod(R[in.b], R[in.c], R[in.a], err);
    case Op::ADD_FLOAT: {
      const Value &x = R[in.b], &y = R[in.c];
      if (x.kind == Kind::Float && y.kind == Kind::Float) {
        R[in.a] = Value::floating(x.f + y.f);
        return true;
      }
      return ops::add(x, y, R[in.a], arena, err);
    }
    case Op::SUB_FLOAT: {
      const Value &x = R[in.b], &y = R[in.c];
      if (x.kind == Kind::Float && y.kind == Kind::Float) {
        R[in.a] = Value::floating(x.f - y.f);
        return true;
      }
      return ops::sub(x, y, R[in.a], err);
    }
    case Op::MUL_FLOAT: {
      const Value &x = R[in.b], &y = R[in.c];
      if (x.kind == Kind::Float && y.kind == Kind::Float) {
        R[in.a] = Value::floating(x.f * y.f);
        return true;
      }
      return ops::mul(x, y, R[in.a], err);
    }
    case Op::DIV_FLOAT: {
      const Value &x = R[in.b], &y = R[in.c];
      if (x.kind == Kind::Float && y.kind == Kind::Float) {
        R[in.a] = Value::floating(x.f / y.f);
        return true;
      }
      return ops::div(x, y, R[in.a], err);
    }
    case Op::ADD:
      return ops::add(R[in.b], R[in.c], R[in.a], arena, err);
    case Op::SUB:
      return ops::sub(R[in.b], R[in.c], R[in.a], err);
    case Op::MUL:
      return ops::mul(R[in.b], R[in.c], R[in.a], err);
    case Op::DIV:
      return ops::div(R[in.b], R[in.c], R[in.a], err);
    case Op::MOD:
      return ops::mod(R[in.b], R[in.c], R[in.a], err);
    case Op::NEG:
      return ops::neg(R[in.b], R[in.a], err);
    case Op::NOT:
      return ops::logic_not(R[in.b], R[in.a], err);
    case Op::AND:
      return ops::logic_and(R[in.b], R[in.c], R[in.a], err);
    case Op::OR:
      return ops::logic_or(R[in.b], R[in.c], R[in.a], err);

    case Op::CMP_INT: {
      const Value &x = R[in.b], &y = R[in.c];
      if (x.kind == Kind::Int && y.kind == Kind::Int) {
        int64_t l = x.i, r = y.i;
        R[in.a] = Value::boolean(compare_as(static_cast<CmpCond>(in.x), l, r));
        return true;
      }
      return ops::compare(x, y, static_cast<CmpCond>(in.x), R[in.a], err);
    }
    case Op::CMP_FLOAT: {
      const Value &x = R[in.b], &y = R[in.c];
      if (x.kind == Kind::Float && y.kind == Kind::Float) {
        double l = x.f, r = y.f;
        R[in.a] = Value::boolean(compare_as(static_cast<CmpCond>(in.x), l, r));
        return true;
      }
      return ops::compare(x, y, static_cast<CmpCond>(in.x), R[in.a], err);
    }
    case Op::CMP_STR: {
      const Value &x = R[in.b], &y = R[in.c];
      CmpCond cc = static_cast<CmpCond>(in.x);
      if (x.kind == Kind::String && y.kind == Kind::String && (cc == CmpCond::EQ || cc == CmpCond::NE)) {
        bool eq = x.n == y.n && (x.n == 0 || std::memcmp(x.s, y.s, x.n) == 0);
        R[in.a] = Value::boolean(eq == (cc == CmpCond::EQ));
        return true;
      }
      return ops::compare(x, y, cc, R[in.a], err);
    }
    case Op::CMP:
      return ops::compare(R[in.b], R[in.c], static_cast<CmpCond>(in.x), R[in.a], err);
    case Op::IN:
      return ops::in(R[in.b], R[in.c], false, R[in.a], err);
    case Op::NOT_IN:
      return ops::in(R[in.b], R[in.c], true, R[in.a], err);

    case Op::SIZE:
      return ops::size(R[in.b], R[in.a], err);
    case Op::STR_CONTAINS:
      return ops::str_test(R[in.b], R[in.c], ops::StrTest::Contains, R[in.a], err);
    case Op::STR_STARTS:
      return ops::str_test(R[in.b], R[in.c], ops::StrTest::Starts, R[in.a], err);
    case Op::STR_ENDS:
      return ops::str_test(R[in.b], R[in.c], ops::StrTest::Ends, R[in.a], err);
    case Op::MATCHES_CONST: {
      const RE2* re = prog.regexes[in.c].get();
      if (!re && !R[in.b].is_null()) {
        err = prog.regex_errors[in.c];
        return false;
      }
      if (!re) {
        R[in.a] = Value::boolean(false);
        return true;
      }
      return matches(R[in.b], re, R[in.a], err);
    }
    case Op::MATCHES: {
      const Value &s = R[in.b], &p = R[in.c];
      if (s.is_null() || p.is_null()) {
        R[in.a] = Value::boolean(false);
        return true;
      }
      if (p.kind != Kind::String) {
        err = std::string("matches() needs a string pattern, got ") + kind_name(p.kind);
        return false;
      }
      if (!ctx.regex_cache) {
        err = "matches() with a computed pattern needs a regex cache";
        return false;
      }
      const RE2* re = ctx.regex_cache->get(p.str(), err);
      if (!re) return false;
      return matches(s, re, R[in.a], err);
    }
    case Op::LOWER:
      return ops::change_case(R[in.b], false, R[in.a], arena, err);
    case Op::UPPER:
      return ops::change_case(R[in.b], true, R[in.a], arena, err);
    case Op::TO_INT:
      return ops::to_int(R[in.b], R[in.a], err);
    case Op::TO_FLOAT:
      return ops::to_float(R[in.b], R[in.a], err);
    case Op::TO_STRING:
      ops::to_string(R[in.b], R[in.a], arena);
      return true;
    case Op::ESCAPE_MRKDWN:
      R[in.a] = ops::escape_mrkdwn(R[in.b], arena);
      return true;
    case Op::TO_TIMESTAMP:
      return ops::to_timestamp(R[in.b], R[in.a], err);
    case Op::TO_DURATION:
      return ops::to_duration(R[in.b], R[in.a], err);
    case Op::TO_BOOL:
      return ops::to_bool(R[in.b], R[in.a], err);
    case Op::TIME_PART:
      return ops::time_part(R[in.b], R[in.c], static_cast<TimePart>(in.x), R[in.a], err);
    case Op::HAS:
      R[in.a] = Value::boolean(!R[in.b].is_null());
      return true;
    case Op::INDEX:
      return ops::index(R[in.b], R[in.c], R[in.a], err);
    case Op::MAP_GET:
      return ops::map_get(R[in.b], K[in.c].str(), R[in.a], err);

    case Op::BUILD_LIST: {
      Value* items = arena.alloc_array<Value>(in.c);
      for (uint32_t i = 0; i < in.c; ++i) items[i] = R[in.b + i];
      R[in.a] = Value::list(items, in.c);
      return true;
    }
    case Op::BUILD_MAP: {
      MapEntry* es = arena.alloc_array<MapEntry>(in.c);
      uint32_t n = 0;
      for (uint32_t i = 0; i < in.c; ++i) {
        const Value &k = R[in.b + 2 * i], &v = R[in.b + 2 * i + 1];
        if (k.kind != Kind::String) {
          err = std::string("map keys must be strings, got ") + kind_name(k.kind);
          return false;
        }
        uint32_t j = 0;
        while (j < n && es[j].key != k.str()) ++j;  // a later duplicate key wins
        if (j == n)
          new (&es[n++]) MapEntry{k.str(), v};
        else
          es[j].value = v;
      }
      R[in.a] = Value::map(es, n);
      return true;
    }
    case Op::CONCAT:
      R[in.a] = ops::concat(&R[in.b], in.c, arena);
      return true;

    case Op::ITER_INIT: {
      const Value& src = R[in.b];
      if (src.kind != Kind::List && src.kind != Kind::Map && !src.is_null()) {
        err = std::string("cannot iterate over ") + kind_name(src.kind);
        return false;
      }
      R[in.a + 1] = src.is_null() ? Value::list(nullptr, 0) : src;
      R[in.a] = Value::integer(0);
      return true;
    }
    case Op::LIST_NEW: {
      const Value& src = R[in.b];
      uint32_t cap = (src.kind == Kind::List || src.kind == Kind::Map) ? src.n : 0;
      auto* head = static_cast<ArenaList*>(
          arena.allocate(sizeof(ArenaList) + sizeof(Value) * cap, alignof(ArenaList)));
      head->capacity = cap;
      Value v = Value::list(reinterpret_cast<const Value*>(head + 1), 0);
      v.flags = Value::kGrowable;
      R[in.a] = v;
      return true;
    }
    case Op::LIST_APPEND: {
      Value& l = R[in.a];
      if (l.kind != Kind::List || !(l.flags & Value::kGrowable)) {
        err = "LIST_APPEND on a value that is not a list under construction";
        return false;
      }
      const ArenaList* head = reinterpret_cast<const ArenaList*>(l.items) - 1;
      if (l.n >= head->capacity) {
        err = "list under construction is full";
        return false;
      }
      const_cast<Value*>(l.items)[l.n++] = R[in.b];
      return true;
    }
    default:
      err = "invalid opcode";
      return false;
  }
}

bool step(const Program& prog, EvalContext& ctx, Value* R, uint32_t pc, std::string& err) {
  return exec(prog, ctx, R, prog.code[pc], err);
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
  Value* R = alloc_registers(prog, *ctx.arena);
  const Instr* code = prog.code.data();
  uint64_t budget = ctx.loop_budget;

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
      default:
        if (!exec(prog, ctx, R, in, err)) goto fail;
        break;
    }
    ++pc;
  }

fail:
  res.ok = false;
  res.value = Value();
  res.error.pc = pc;
  res.error.pos = pc < prog.positions.size() ? prog.positions[pc] : SourcePos{};
  return res;
}

}  // namespace play::vm
