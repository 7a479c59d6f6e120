// Engine::PlayInfo, for the engine's own files (engine.cpp, absence.cpp, rate.cpp).
#pragma once

#include <absl/container/inlined_vector.h>

#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/engine.h"

namespace play::engine {

constexpr uint32_t kNoPattern = UINT32_MAX;  // PlayInfo::pattern_index of a play without one

// What the engine precomputes per play so the per-signal path only reads.
struct Engine::PlayInfo {
  // ---- What every signal the play is on reads, first and side by side: a
  // signal reaching 25 plays reads 25 of these (two cache lines each), not
  // 25 vm::Plays and their patterns spread over the heap.
  std::string_view name;                // the play's name (points into the bundle)
  uint32_t ledger_pos = UINT32_MAX;     // its first position in Ledger::expect_plays' order
  uint64_t pattern_hash = 0;            // vm::pattern_hash, 0 without a pattern
  uint32_t pattern_index = kNoPattern;  // among the bundle's patterns (PatternId::index)
  int32_t first_guard = -1;             // guards_ index when the first clause is a `where` guard
  vm::PatternKind pattern_kind = vm::PatternKind::None;
  vm::Per per = vm::Per::Account;  // the pattern's
  bool shadow = false;
  uint32_t threshold = 0;  // the pattern's (count)
  int64_t within_ms = 0;   // the pattern's window
  int64_t lateness_ms = 0;
  vm::SourcePos first_pos;    // the first clause's position (for its no_match outcome)
  vm::SourcePos pattern_pos;  // the pattern's (for its outcomes)
  // Per pattern member: what a signal is matched against.
  struct Member {
    uint32_t signal_type = 0;
    int32_t guard = -1;     // its where as a shared guard; -1 none
    bool filtered = false;  // it has a where (a guard, or a program to run)
  };
  absl::InlinedVector<Member, 2> members;
  // Where the programs of the clauses that are not guards live (evaluate_play
  // prefetches them once the play's first guard let a signal through).
  struct ProgramLines {
    const vm::Program* program;
    const void* code;
    const void* constants;
  };
  absl::InlinedVector<ProgramLines, 2> programs;

  // ---- The rest: read once a play's trigger let a signal through.
  std::vector<std::string> clause_reasons;  // per clause: what an outcome's `reason` says
  // Per clause, what deciding it reads first (a vm::Clause is 232 bytes in
  // a block of its own per play: with 1,000 plays, one cache miss per
  // clause read): its kind, position and guard, the index in
  // Engine::guards_ when it is a `signal.x == "c"` guard (vm/guard.h), else
  // -1. A guard is evaluated as one string comparison instead of an
  // interpreter run, and at most once per signal however many plays share
  // it (plays on one type often filter on the same property values).
  struct Clause {
    vm::ClauseKind kind = vm::ClauseKind::Where;
    vm::Per per = vm::Per::Default;  // UnlessFired
    int32_t guard = -1;
    uint32_t icp = 0;       // WhereIcp
    int64_t within_ms = 0;  // UnlessFired
    vm::SourcePos pos;
  };
  // Six inline: a play with an icp, a filter, suppression and `fired within`
  // has five, and on the heap they were a cache miss per play let through.
  absl::InlinedVector<Clause, 6> clauses;
  std::string pattern_window;      // " within 48h per account"
  std::vector<uint8_t> is_enroll;  // per action
  std::vector<int> sink_arg;       // per action: index of the `sink` argument (webhook), or -1
  size_t total_args = 0;
};

}  // namespace play::engine
