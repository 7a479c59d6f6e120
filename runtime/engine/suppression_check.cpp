// Engine::suppression_reason: the suppress block alone, for a decision that
// was taken earlier and is about to be acted on (playd re-checks an action
// that waited before it is sent). Kept out of engine.cpp because nothing on
// the per-signal path uses it.
#include "runtime/engine/engine.h"

namespace play::engine {

std::optional<std::string> Engine::suppression_reason(std::string_view account, std::string_view contact,
                                                      int64_t now_ms) {
  arena_.reset();
  DecodedSignal s;  // only the keys matter: resolve_context reads nothing else
  s.account = account;
  s.contact = contact;
  resolve_context(s);
  ctx_.signal = {};
  ctx_.signal_names = {};
  for (vm::Value& v : ctx_.envelope) v = vm::Value();  // no signal: its envelope reads as null
  ctx_.now_ms = now_ms;
  ctx_.lets = {};
  icp_ctx_ = ctx_;
  std::fill(icp_state_.begin(), icp_state_.end(), 0);
  std::fill(icp_failed_.begin(), icp_failed_.end(), 0);
  suppress_state_ = SuppressState::Unknown;
  SuppressState state = suppression();
  std::optional<std::string> out;
  if (state == SuppressState::Suppressed) {
    out = bundle_.suppressions[suppress_rule_].reason;
  } else if (state == SuppressState::Error) {
    // Fail closed, as at decision time: an action is never sent past a rule
    // that could not be evaluated.
    out = "suppression rule '" + bundle_.suppressions[suppress_rule_].reason +
          "' failed: " + suppress_error_.message;
  }
  // The keys point into `s`, which dies here.
  account_key_ = {};
  contact_key_ = {};
  return out;
}

}  // namespace play::engine
