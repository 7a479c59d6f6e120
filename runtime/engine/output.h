// What the engine produces for each signal: an Outcome per play whose `on`
// matches (why it fired or not) and an Action per `do` of a play that
// fired. Both are handed to an OutputSink as they are issued; their string
// views and Values are valid only during the sink call (they point into
// the bundle, the decoded signal, the context and the engine's per-signal
// arena), so a sink that keeps them must copy or render them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/vm/bundle.h"
#include "runtime/vm/value.h"

namespace play::engine {

enum class OutcomeKind : uint8_t {
  Fired,
  NoMatch,
  NotIcp,
  Excluded,
  Suppressed,
  Deduplicated,
  Error,
  DuplicateSignal,
  kCount
};
const char* outcome_name(OutcomeKind k);  // "fired", "no_match", ... as CLI.md spells them

struct Outcome {
  std::string_view play;    // "" for DuplicateSignal (it concerns no play)
  std::string_view signal;  // the signal's id
  OutcomeKind kind = OutcomeKind::Fired;
  // NotIcp: the icp's name; Excluded: the clause's reason; Suppressed: the
  // first holding rule's reason; Deduplicated: "fired within 4h per contact".
  std::string_view reason;
  // The clause (or, for Error in a let or an action argument, the action)
  // that decided; clause_index is its index in Play::clauses (-1 if none).
  vm::SourcePos clause_pos;
  int32_t clause_index = -1;
  std::string_view error;   // Error: the runtime error's message
  vm::SourcePos error_pos;  // Error: the failing instruction's position (line 0 = unknown)
  bool shadow = false;      // the play runs in `mode shadow`
};

struct Action {
  std::string_view play;
  std::string_view action;          // "enroll"
  std::string_view sink;            // "sequencer"; for webhook, the value of its `sink` argument
  std::string_view signal;          // the signal's id
  std::string_view account;         // resolved domain; "" when the signal has none (renders as null)
  std::string_view contact;         // email; "" when none (renders as null)
  const vm::Action* def = nullptr;  // argument names: def->args[i].name
  std::span<const vm::Value> args;  // parallel to def->args
  // A notify's text as Slack mrkdwn (values from signals and records
  // escaped, the author's markup kept); "" unless the engine was asked for
  // it (Engine::set_mrkdwn_texts) and the action has one.
  std::string_view mrkdwn_text;
  vm::Priority priority = vm::Priority::Normal;
  uint32_t index = 0;     // the action's index among the play's `do`s
  bool shadow = false;    // `mode shadow`: record, never send
  char key_hex[33] = {};  // idempotency key (idempotency.h), NUL-terminated
  std::string_view key() const { return {key_hex, 32}; }
};

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void action(const Action& action) = 0;
  virtual void outcome(const Outcome& outcome) = 0;
  // Whether a temporal trigger's no_match should say how far its pattern
  // got ("counted 2 of 3 within 48h per account"). Formatting it for every
  // signal a pattern sees is a real part of a backtest, and `playc run`
  // without --trace never prints it; otherwise the reason is kPatternPending.
  virtual bool wants_progress() const { return true; }
  // Whether it takes NoMatch outcomes (by far the most common: every play a
  // signal reaches and does not fire). A sink that would drop them says no,
  // and the engine only counts them (EngineStats::outcomes).
  virtual bool wants_no_match() const { return true; }
};

inline constexpr std::string_view kPatternPending = "counted, the pattern is not complete yet";

}  // namespace play::engine
