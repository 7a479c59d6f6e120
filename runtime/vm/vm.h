// The interpreter: runs one verified Program against one signal's context.
//
// The host (runtime/engine) decodes a signal once into a slot array by its
// schema, looks up the account and contact records (slot arrays too), and
// fills an EvalContext. eval() never aborts: runtime errors (division by
// zero, int overflow, a bad conversion, a bad regex) come back as an
// EvalResult with the message and the failing instruction's source
// position; the engine then treats the clause as false and records it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "runtime/vm/program.h"
#include "runtime/vm/value.h"

namespace play::vm {

// Calls back into the host for things whose state the host owns. Plain
// function pointers (not virtual, not std::function): they are rare
// (round_robin only runs when an action fires) and must cost nothing when
// unused.
struct Host {
  void* self = nullptr;
  // The next member of pool `pool` (Bundle::pools index); rotates the
  // host's per-pool cursor. Return a string Value pointing at storage that
  // outlives the evaluation (e.g. the bundle's pool member strings), or
  // null for an empty pool.
  Value (*round_robin)(void* self, uint32_t pool) = nullptr;
  // The value of named icp `icp` (Bundle::icps index) for the current
  // signal; the host evaluates each icp at most once per signal and caches
  // it. If the icp's own evaluation failed, return null (counts as false)
  // and record the error on the host side.
  Value (*icp)(void* self, uint32_t icp) = nullptr;
};

// Compiled regexes for MATCHES with a pattern computed at run time, cached
// by pattern text (bounded: cleared when it reaches kMaxEntries).
class RegexCache {
 public:
  static constexpr size_t kMaxEntries = 1024;
  RegexCache();
  ~RegexCache();
  RegexCache(const RegexCache&) = delete;
  RegexCache& operator=(const RegexCache&) = delete;
  // The compiled pattern, or null with `error` set if it does not compile.
  const re2::RE2* get(std::string_view pattern, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct EvalContext {
  // The current signal's property slots, in its schema's order (an empty
  // span, or a slot index beyond it, reads as null).
  std::span<const Value> signal;
  // Property names for LOAD_SIGNAL_PROP, parallel to `signal` (may be empty).
  std::span<const std::string> signal_names;
  // Envelope fields, indexed by EnvelopeField (id, type, source: strings;
  // occurred_at, received_at: timestamps).
  Value envelope[static_cast<int>(EnvelopeField::kCount)];
  // Account / contact record slots (Bundle::account / contact order); an
  // empty span when the record is unknown: every field then reads as null.
  std::span<const Value> account;
  std::span<const Value> contact;
  bool account_known = false;  // RECORD_KNOWN; a known record may still have null fields
  bool contact_known = false;
  std::span<const Value> lets;  // the play's let values computed so far
  int64_t now_ms = 0;           // `now`: the signal's event time (ms since epoch UTC)
  Host host;
  // Required: registers and computed values live here. The host resets it
  // when it no longer needs any Value an evaluation returned.
  Arena* arena = nullptr;
  // Optional: needed only by MATCHES with a dynamic pattern (else an error).
  RegexCache* regex_cache = nullptr;
  // Total loop iterations (LOOP executions) allowed for one eval(): a
  // second guarantee of termination on top of list-bounded loops.
  uint64_t loop_budget = 10'000'000;
};

struct RuntimeError {
  std::string message;
  SourcePos pos;
  uint32_t pc = 0;  // failing instruction index
};

struct EvalResult {
  bool ok = true;
  Value value;         // when ok; points into the arena / constants / host data
  RuntimeError error;  // when !ok
  // A clause holds iff the result is ok and exactly `true` (null and errors count as false).
  bool holds() const { return ok && value.is_true(); }
};

// Runs `program` (which must have passed verify(), else an error result).
// Never throws on bad data; always terminates.
EvalResult eval(const Program& program, EvalContext& ctx);

// For compiled code (runtime/jit), which does the typed and control
// instructions itself and hands every other one to the interpreter's own
// code, so their semantics (null rules, errors, arena use) are the
// interpreter's by construction:
// - alloc_registers(): the register file, in the arena, as eval() makes it;
// - step(): runs instruction `pc` (not JUMP, JUMP_IF, ITER_NEXT, LOOP nor
//   RETURN) on register file R; false with `err` set on a runtime error.
Value* alloc_registers(const Program& program, Arena& arena);
bool step(const Program& program, EvalContext& ctx, Value* R, uint32_t pc, std::string& err);

}  // namespace play::vm
