// Engine::PlayInfo, for the engine's own files (engine.cpp, absence.cpp, rate.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/engine.h"

namespace play::engine {

constexpr uint32_t kNoPattern = UINT32_MAX;  // PlayInfo::pattern_index of a play without one

// What the engine precomputes per play so the per-signal path only reads.
struct Engine::PlayInfo {
  std::string_view name;  // the play's name (points into the bundle)
  bool shadow = false;
  int32_t first_guard = -1;                 // guards_ index when the first clause is a `where` guard
  vm::SourcePos first_pos;                  // that clause's position (for its no_match outcome)
  std::vector<std::string> clause_reasons;  // per clause: what an outcome's `reason` says
  // Per clause: the index in Engine::guards_ when the clause is a
  // `signal.x == "c"` guard (vm/guard.h), else -1. A guard is evaluated as one
  // string comparison instead of an interpreter run, and at most once per
  // signal however many plays share it (plays on one type often filter on
  // the same property values).
  std::vector<int32_t> guards;
  std::vector<int32_t> member_guards;   // the same, per pattern member's where
  uint64_t pattern_hash = 0;            // vm::pattern_hash, 0 without a pattern
  uint32_t pattern_index = kNoPattern;  // among the bundle's patterns (PatternId::index)
  std::string pattern_window;           // " within 48h per account"
  std::vector<uint8_t> is_enroll;       // per action
  std::vector<int> sink_arg;            // per action: index of the `sink` argument (webhook), or -1
  size_t total_args = 0;
};

}  // namespace play::engine
