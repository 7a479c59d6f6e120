// The engine: for each decoded signal, decides which plays fire and why
// (LANGUAGE.md sections 5-7), and issues their actions. The same code runs
// in `playc run` (in-memory stores) and inside playd (its store behind the
// same interfaces); it never knows which.
//
// Per signal, in order:
//  1. Event-level dedup (only if a SeenSignals is given): a repeated id
//     yields one DuplicateSignal outcome and nothing else.
//  2. crm.contact_updated / crm.account_updated upsert their non-null
//     properties (those whose name and type match an entity field) into
//     the signal's contact / account record -- before any play sees this
//     signal, so plays on these types see the updated record.
//  3. Context: the contact is the signal's `contact`; the account is the
//     signal's `account`, else the contact record's `account` field, else
//     the contact's email domain. A key with no record reads as an unknown
//     record (has()/RECORD_KNOWN false, fields null) except its key fields
//     (`domain`; `email`, `email_domain`), which are filled in so rules
//     like `contact.email_domain in competitor_domains` work for new
//     contacts too.
//  4. Every play on the signal's type, in bundle order, clauses in source
//     order; the first that rejects gives the outcome. Each named icp and
//     the suppress block are evaluated at most once per signal (lazily, on
//     first use) and shared by all plays.
//  5. Enrolls of live plays set the contact's last_enrolled_at to the
//     signal's time, after all plays have run: every play on one signal
//     sees the same context.
//
// Runtime errors (decided here, LANGUAGE.md leaves the outcome open): a
// clause whose evaluation fails rejects the play with outcome Error (the
// message and the failing instruction's position) -- the clause "counts as
// false" in the sense that it never lets the play through: a failing
// `unless` does not let a play fire either (fail closed: no action is sent
// on an error). The same for a `where icp N` whose icp failed, and for
// `unless suppressed` when no rule holds but some rule failed (a rule that
// holds after a failing one still suppresses, with its reason). An error in
// a `let` or an action argument also gives Error, and then no action of
// that play is issued (all arguments are computed before any is sent).
//
// `unless fired within D`: deduplicated iff the play fired for the same key
// with |now - last fire| < D. Key: Per::Contact the contact's email,
// Per::Account the resolved account's domain, Per::Default the contact if
// the signal names one, else the account; "" if the signal names neither
// (then the window is play-wide). A fire records the key of every
// `fired within` clause of the play.
//
// Temporal triggers (`on count(...) >= N within D per X`, `on all of (...)
// within D per X`; docs/language.md section 12): before its clauses, a play
// with a pattern counts the signal into its state for the signal's account
// or contact (a PatternStore; in memory unless set_patterns() gives
// another). Until the pattern completes, the outcome is NoMatch with the
// progress as its reason ("counted 2 of 3 within 48h per account", "late:
// ...", "not counted: ..."); the signal that completes it goes on through
// the clauses, lets and actions like any other, and the counted signals are
// consumed (the next fire needs a new set, all after this one). Rates and
// absences fire on synthetic signals instead, from timers (rate.h,
// absence.cpp); a rate's buckets close on the engine's stream clock, and
// a signal first closes what that clock closes in its own key's rate
// states, firing them before its plays run (as a timer would have).
//
// Shadow plays (`mode shadow`) are evaluated, traced and recorded in the
// ledger like live ones and their actions are issued with shadow = true
// (the sink decides not to send), but they never change what live plays
// see: their round_robin() does not advance the pool and their enrolls do
// not set last_enrolled_at.
//
// Not thread-safe: one Engine per evaluating thread (the stores decide
// their own sharing).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/engine/context.h"
#include "runtime/engine/ledger.h"
#include "runtime/engine/output.h"
#include "runtime/engine/patterns.h"
#include "runtime/engine/program_runner.h"
#include "runtime/engine/signal.h"
#include "runtime/engine/signal_records.h"
#include "runtime/vm/bundle.h"
#include "runtime/vm/guard.h"
#include "runtime/vm/vm.h"

namespace play::engine {

// The start of the NoMatch reason of a signal a temporal trigger did not
// count because it came later than the play's lateness allows.
inline constexpr std::string_view kLateReason = "not counted: late";

struct EngineStats {
  uint64_t signals = 0;  // process() calls, duplicates included
  uint64_t outcomes[size_t(OutcomeKind::kCount)] = {};
  uint64_t actions = 0;                  // issued (shadow included)
  uint64_t icp_evaluations = 0;          // icp programs run (<= icps per signal)
  uint64_t suppression_evaluations = 0;  // suppress blocks evaluated (<= 1 per signal)
  uint64_t runtime_errors = 0;           // failed evaluations (clauses, icps, rules, lets, args)
  uint64_t late_signals =
      0;  // signals a pattern did not count: older than its stream clock minus the lateness
  uint64_t absences_fired = 0;  // absence form: timers that ran the play on a synthetic signal
  uint64_t rates_fired = 0;     // rate form: closed buckets that ran the play on a synthetic signal
  uint64_t count(OutcomeKind k) const { return outcomes[size_t(k)]; }
};

class Engine {
 public:
  // The bundle must be verified (read_bundle or verify_bundle) and outlive
  // the engine, as must the stores. `seen` may be null when the caller
  // deduplicates signal ids itself (playd's ingestion does).
  Engine(const vm::Bundle& bundle, ContextStore& context, Ledger& ledger, SeenSignals* seen = nullptr);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Evaluates every play on the signal's type; outcomes and actions go to
  // `out` in the order issued (a fired play's actions, then its outcome).
  // `signal` must have been decoded against the same bundle.
  void process(const DecodedSignal& signal, OutputSink& out);
  // `signal` will be processed soon (a backtest reads a few signals ahead):
  // starts loading what process() will read for it (its id in the seen
  // set, its account's pattern states) so those cache misses overlap the
  // signals before it instead of stalling one after another. Call it with
  // each step in turn, a signal apart (PatternStore::Prefetch). Changes nothing.
  void prefetch(const DecodedSignal& signal, PatternStore::Prefetch step);

  // The suppress block alone, for an action decided earlier and about to be
  // sent (playd re-checks an action that waited: RUNTIME.md "Execution").
  // Resolves the context as process() does for a signal naming `account`
  // and `contact` (either may be ""), evaluates the rules in order with
  // `now` = now_ms and the signal's envelope and properties null, and
  // returns the reason of the first rule that holds; when none holds but
  // one failed, "suppression rule 'R' failed: MESSAGE" (fail closed, as
  // `unless suppressed` does); nullopt when the contact is not suppressed.
  // Uses the per-signal state: call it between process() calls, on the
  // engine's thread (a checker on another thread owns its own Engine).
  std::optional<std::string> suppression_reason(std::string_view account, std::string_view contact,
                                                int64_t now_ms);

  // Plays (Bundle::plays indexes) evaluated for a signal type, in order.
  std::span<const uint32_t> plays_for(uint32_t signal_type) const;
  // The highest priority among the plays on a signal type (Low when there
  // are none): what playd's priority lanes sort signals by.
  vm::Priority max_priority(uint32_t signal_type) const;
  const EngineStats& stats() const { return stats_; }
  // Also render each notify's text as Slack mrkdwn (Action::mrkdwn_text):
  // playd does, for Slack sinks; `playc run` has no use for it.
  void set_mrkdwn_texts(bool on) { mrkdwn_texts_ = on; }
  // Runs the bundle's programs with `runner` (the JIT's) instead of the
  // interpreter; null goes back to the interpreter. It must outlive the engine.
  void set_runner(ProgramRunner* runner) { runner_ = runner; }
  // Where temporal triggers keep their state (playd: the store); it must
  // outlive the engine. By default the engine's own MemoryPatterns.
  void set_patterns(PatternStore& patterns) { patterns_ = &patterns; }
  // The engine's own in-memory pattern state, null after set_patterns():
  // `playc run` reports its size.
  const MemoryPatterns* memory_patterns() const {
    return patterns_ == &own_patterns_ ? &own_patterns_ : nullptr;
  }
  // The vm::pattern_hash of each play's pattern (0 when it has none).
  uint64_t pattern_hash(uint32_t play_index) const;

  // ---- timers: the absence and rate forms (absence.cpp, rate.cpp;
  // docs/language.md section 12)
  // Runs the timer of play `play_index`'s pattern for `key` (an account's
  // domain or a contact's email) if it is due at `clock_ms`. Absence: the
  // due time plus the lateness at or before it; the rest of the play runs
  // on a synthetic signal (docs/signals.md) and the timer is cleared until a
  // newer signal arms it again. Rate: closes the buckets whose end plus the
  // lateness is at or before `clock_ms` (the stream clock), each fire on a
  // synthetic signal. True when the play fired; false when nothing fired
  // (a timer pushed later, buckets closed without a fire, or none). playd
  // calls it for the timers its store finds due, a rate's with the stream
  // clock, an absence's with the service clock.
  bool run_timer(uint32_t play_index, std::string_view key, int64_t clock_ms, OutputSink& out);
  // With the engine's own MemoryPatterns (`playc run`, `playc test`): moves
  // the stream clock to `clock_ms` (never back) and runs every timer of
  // either form due at it, earliest first. Returns how many fired.
  size_t advance_clock(int64_t clock_ms, OutputSink& out);
  // The stream clock: the highest clock_time() of the signals evaluated (of
  // every key), or what advance_clock()/restore_stream_clock() moved it to;
  // INT64_MIN before any. Rate buckets close on it (rate.h).
  int64_t stream_clock_ms() const { return stream_clock_ms_; }
  // playd, at a start or a reload: the clock its store kept (never back).
  void restore_stream_clock(int64_t clock_ms) { stream_clock_ms_ = std::max(stream_clock_ms_, clock_ms); }
  // playd, when a batch's commit failed: back to the clock before it, so
  // that evaluating the batch again decides as the first time.
  void rewind_stream_clock(int64_t clock_ms) { stream_clock_ms_ = clock_ms; }
  // What a signal moves the stream clock to: its occurred_at, but no later
  // than its received_at when it has one (a future-dated signal must not
  // close other accounts' buckets ahead of time).
  static int64_t clock_time(const DecodedSignal& s) {
    return s.received_at_ms ? std::min(s.occurred_at_ms, *s.received_at_ms) : s.occurred_at_ms;
  }
  // The ids of the synthetic signals the timers fire on (stable:
  // idempotency keys derive from them): "<form>:<play>:<key>:<at_ms>",
  // form "absence" (at: the due time) or "rate" (at: the closed bucket's end).
  static std::string synthetic_signal_id(std::string_view form, std::string_view play, std::string_view key,
                                         int64_t at_ms);
  static void synthetic_signal_id(std::string_view form, std::string_view play, std::string_view key,
                                  int64_t at_ms, std::string& into);
  static std::string absence_signal_id(std::string_view play, std::string_view key, int64_t due_ms) {
    return synthetic_signal_id("absence", play, key, due_ms);
  }
  static std::string rate_signal_id(std::string_view play, std::string_view key, int64_t bucket_end_ms) {
    return synthetic_signal_id("rate", play, key, bucket_end_ms);
  }
  const vm::Bundle& bundle() const { return bundle_; }

 private:
  struct PlayInfo;
  enum class SuppressState : uint8_t { Unknown, Pass, Suppressed, Error };

  void apply_crm_updates(const DecodedSignal& s);
  void resolve_context(const DecodedSignal& s);
  void evaluate_play(uint32_t play_index, const DecodedSignal& s, OutputSink& out);
  bool passes_clauses(uint32_t play_index, Outcome& o);
  bool completes_pattern(uint32_t play_index, const DecodedSignal& s, Outcome& o);
  void arm_absence(uint32_t play_index, const DecodedSignal& s, Outcome& o);
  // The rest of an absence or rate play on its synthetic signal at at_ms.
  void fire_synthetic(uint32_t play_index, std::string_view key, int64_t at_ms, OutputSink& out);
  void run_clauses_and_actions(uint32_t play_index, const DecodedSignal& s, OutputSink& out, Outcome& o);
  void begin_signal(const DecodedSignal& s);
  void count_member_signal(const PlayInfo& info, PatternState& st, uint32_t mask, int64_t at, uint64_t id);
  // rate.cpp: a rate's buckets (`window`: " (1d buckets per account)", for the reason)
  // Before a signal's plays: closes what the stream clock (and the signal's
  // own time) closes in its key's rate states, firing each as a timer would.
  void close_rates(const DecodedSignal& s, OutputSink& out);
  // Closes play `play_index`'s buckets for `key` (a stable copy: firing
  // changes the engine's keys) up to `until_ms`, firing each; true if any fired.
  bool close_rate(uint32_t play_index, std::string_view key, int64_t until_ms, OutputSink& out);
  bool counts_rate(const vm::Pattern& p, const PatternId& id, std::string_view key, PatternState& st,
                   const DecodedSignal& s, std::string_view window, Outcome& o);
  // score.cpp: adds the signal's weight to a score's state (`counted`: the
  // state changed); true when the value crossed.
  // `what`: " (score intent, half_life 7d per account)", for reasons.
  bool adds_to_score(const vm::Pattern& p, std::string_view what, const DecodedSignal& s, uint32_t mask,
                     PatternState& st, Outcome& o, bool& counted);
  bool compute_actions(const vm::Play& play, Outcome& o);
  void issue_actions(uint32_t play_index, const DecodedSignal& s, OutputSink& out, Outcome& o);
  void reject(Outcome& o, OutcomeKind kind, vm::SourcePos pos, int32_t ci, std::string_view reason);
  void fail(Outcome& o, const vm::RuntimeError& e, vm::SourcePos at, int32_t ci);
  std::string_view ledger_key(vm::Per per) const;
  vm::Value icp_value(uint32_t icp);
  SuppressState suppression();
  vm::Value round_robin(uint32_t pool);
  void commit_rotations(bool fired);
  static vm::Value icp_callback(void* self, uint32_t icp);
  static vm::Value round_robin_callback(void* self, uint32_t pool);

  const vm::Bundle& bundle_;
  ContextStore& context_;
  Ledger& ledger_;
  SeenSignals* seen_;
  MemoryPatterns own_patterns_;
  // prefetch(): per signal type, the account patterns of its plays.
  std::vector<std::vector<uint32_t>> prefetch_by_type_;
  static constexpr size_t kPlaysAhead = 4;  // process(): PlayInfos loaded this many plays ahead
  // prefetch(): per signal type, the positions (Ledger::expect_plays) of
  // its plays' `fired within` questions about the contact and the account.
  struct LedgerPrefetch {
    std::vector<uint32_t> contact, account;
  };
  std::vector<LedgerPrefetch> ledger_prefetch_;
  PatternStore* patterns_ = &own_patterns_;
  uint32_t pattern_count_ = 0;  // plays with a pattern
  std::vector<std::vector<uint32_t>> plays_by_type_;
  std::vector<vm::Priority> max_priority_;            // per signal type
  std::vector<std::vector<std::string>> prop_names_;  // per signal type (LOAD_SIGNAL_PROP)
  std::vector<PlayInfo> plays_;
  // crm upserts: (signal slot, entity slot) pairs.
  int account_updated_type_ = -1, contact_updated_type_ = -1;
  std::vector<std::pair<uint32_t, uint32_t>> account_updates_, contact_updates_;
  int account_domain_slot_ = -1, contact_email_slot_ = -1, contact_email_domain_slot_ = -1;
  int contact_last_enrolled_slot_ = -1;

  // Per-signal state (reused: no allocation on the steady-state path).
  vm::Arena arena_;
  vm::RegexCache regex_cache_;
  vm::EvalContext ctx_;                  // clauses, lets, action arguments
  vm::EvalContext icp_ctx_;              // icps and suppression rules (no lets)
  SignalRecords records_;                // the signal's account and contact
  std::vector<vm::StringGuard> guards_;  // distinct string guards of all plays (see PlayInfo)
  std::vector<uint8_t> guard_state_;     // per signal: 0 unknown, 1 false, 2 true
  int32_t intern_guard(const vm::Program& program);
  bool guard_holds(int32_t guard);  // for this signal, computed once
  std::vector<uint8_t> icp_state_;  // 0 unknown, 1 running, 2 done
  std::vector<vm::Value> icp_values_;
  std::vector<vm::RuntimeError> icp_errors_;  // valid where icp_failed_
  std::vector<uint8_t> icp_failed_;
  SuppressState suppress_state_ = SuppressState::Unknown;
  uint32_t suppress_rule_ = 0;  // the holding rule (Suppressed) or the first failing (Error)
  vm::RuntimeError suppress_error_;
  std::string_view account_key_, contact_key_;
  bool shadow_ = false;                  // the play being evaluated runs in shadow mode
  std::vector<uint32_t> pool_pending_;   // per pool: round_robin() calls of the play being evaluated
  std::vector<uint32_t> pools_touched_;  // pools with pending calls (reset after each play)
  bool enrolled_ = false;                // a live enroll fired for this signal's contact
  std::vector<vm::Value> lets_, args_;
  std::string error_text_;      // storage for an Outcome's error message
  std::string pattern_reason_;  // storage for a pattern's NoMatch reason
  bool wants_progress_ = true;  // the sink's, for this signal
  bool wants_no_match_ = true;  // the sink's, for this signal
  // pattern_id_hash of this signal's id, computed by the first pattern that
  // needs it (a signal reaches ~25 patterns in a temporal corpus).
  uint64_t id_hash_ = 0;
  bool id_hash_ready_ = false;
  // Absence form: absences a signal ended (a newer signal came at or after
  // the due time, before the timer ran), fired after its plays ran; rate
  // form: a bucket a signal closed while its plays ran (close_rates did
  // not see it: the key changed with a crm update), fired likewise.
  struct EndedAbsence {
    uint32_t play;
    std::string key;
    int64_t due_ms;
  };
  std::vector<EndedAbsence> ended_;
  std::vector<uint32_t> pattern_plays_;                    // PatternId::index -> play index
  std::vector<std::vector<uint32_t>> rate_plays_by_type_;  // the rate plays of each signal type
  int64_t stream_clock_ms_ = INT64_MIN;
  std::string close_key_;    // close_rates: the key, kept while fires change the engine's
  DecodedSignal synthetic_;  // the signal an absence or a rate fires on
  std::string synthetic_id_, timer_key_;
  EngineStats stats_;
  bool mrkdwn_texts_ = false;
  ProgramRunner* runner_ = nullptr;
  vm::EvalResult run_program(const vm::Program& program, vm::EvalContext& ctx) {
    return runner_ ? runner_->eval(program, ctx) : vm::eval(program, ctx);
  }
};

}  // namespace play::engine
