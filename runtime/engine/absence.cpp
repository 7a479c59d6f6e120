// The absence form (`on absence of T for D per X`; docs/language.md section
// 12, "Absence"): per play and account (or contact), a timer armed by the
// newest counted T, due at its occurred_at + D. It runs when the clock (the
// stream's in `playc run`, the service's in playd) reaches the due time
// plus the play's lateness; then the rest of the play runs once, on a
// synthetic signal (docs/signals.md), and the timer waits for a newer T.
//
// Also the timers of both forms: run_timer() (a rate's goes to rate.cpp's
// close_rate), advance_clock() over MemoryPatterns' one timer heap, and
// fire_synthetic(), the one way an absence or a rate runs its play on a
// synthetic signal (synthetic_signal_id()).
//
// The state (PatternState): max_seen_ms is the newest counted T (the
// arming), fired_at_ms the due time of the last fire, timer_ms when the
// timer runs (INT64_MIN: not armed). Armed exactly when max_seen_ms + D >
// fired_at_ms. A T decides, in this order:
//   - not newer than max_seen_ms: nothing (a duplicate, or out of order:
//     the newest T wins, an older one never shortens the wait);
//   - older than the last fire's due time: late (that absence fired);
//   - at or after the due time of an armed timer that has not run: the
//     absence happened (D passed with no T, the boundary is inclusive like
//     `within`'s is exclusive): it fires now, after this signal's plays,
//     and the T arms the next;
//   - otherwise it pushes the timer to its occurred_at + D.
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "runtime/engine/engine.h"
#include "runtime/engine/play_info.h"

namespace play::engine {

std::string Engine::synthetic_signal_id(std::string_view form, std::string_view play, std::string_view key,
                                        int64_t at_ms) {
  std::string id;
  synthetic_signal_id(form, play, key, at_ms, id);
  return id;
}

void Engine::synthetic_signal_id(std::string_view form, std::string_view play, std::string_view key,
                                 int64_t at_ms, std::string& id) {
  char at[24];
  int n = std::snprintf(at, sizeof at, "%" PRId64, at_ms);
  id.assign(form);
  id += ':';
  id += play;
  id += ':';
  id += key;
  id += ':';
  id.append(at, size_t(n));
}

void Engine::arm_absence(uint32_t pi, const DecodedSignal& s, Outcome& o) {
  const vm::Pattern& p = bundle_.plays[pi].pattern;
  const PlayInfo& info = plays_[pi];
  auto pending = [&](std::string_view why) {
    o.kind = OutcomeKind::NoMatch;
    o.clause_pos = p.pos;
    o.reason = why;
  };
  const vm::PatternMember& member = p.members[0];
  if (!member.filter.code.empty()) {
    ctx_.lets = {};
    auto mark = arena_.mark();
    vm::EvalResult r = run_program(member.filter, ctx_);
    arena_.release(mark);
    if (!r.ok) return fail(o, r.error, p.pos, -1);
    if (!r.holds()) return pending("not counted: the pattern's where does not hold");
  }
  std::string_view key = p.per == vm::Per::Contact ? contact_key_ : account_key_;
  if (key.empty())
    return pending(p.per == vm::Per::Contact ? "not counted: the signal has no contact"
                                             : "not counted: the signal has no account");
  const PatternId pattern{info.pattern_index, pattern_count_, info.name, info.pattern_hash};
  PatternState& st = patterns_->state(pattern, key);
  int64_t at = s.occurred_at_ms;
  if (st.max_seen_ms != INT64_MIN && at <= st.max_seen_ms)
    return pending("not counted: not newer than the latest counted signal");
  if (st.fired_at_ms != INT64_MIN && at < st.fired_at_ms) {
    ++stats_.late_signals;
    static_assert(
        std::string_view("not counted: late, older than the absence that fired").starts_with(kLateReason));
    return pending("not counted: late, older than the absence that fired");
  }
  bool armed = st.max_seen_ms != INT64_MIN && st.max_seen_ms + p.within_ms > st.fired_at_ms;
  if (armed && at >= st.max_seen_ms + p.within_ms) {  // the absence happened; its timer has not run
    int64_t due = st.max_seen_ms + p.within_ms;
    st.fired_at_ms = due;
    ended_.push_back({pi, std::string(key), due});
  }
  st.max_seen_ms = at;
  st.timer_ms = at + p.within_ms + p.lateness_ms;
  patterns_->changed(pattern, key);
  pattern_reason_.assign("armed");
  pattern_reason_ += info.pattern_window;
  pending(pattern_reason_);
}

bool Engine::run_timer(uint32_t pi, std::string_view key, int64_t clock_ms, OutputSink& out) {
  if (pi >= plays_.size() || !plays_[pi].pattern_hash) return false;
  const vm::Pattern& p = bundle_.plays[pi].pattern;
  if (p.kind == vm::PatternKind::Rate) {
    bool fired = close_rate(pi, key, clock_ms - p.lateness_ms, out);
    // Written whatever it did: a store that found this timer due stops
    // finding it (a state it could not decode closes nothing, and would
    // otherwise be found due again every round).
    const PatternId pattern{plays_[pi].pattern_index, pattern_count_, plays_[pi].name,
                            plays_[pi].pattern_hash};
    patterns_->state(pattern, key);
    patterns_->changed(pattern, key);
    return fired;
  }
  if (p.kind != vm::PatternKind::Absence) return false;
  const PlayInfo& info = plays_[pi];
  const PatternId pattern{info.pattern_index, pattern_count_, info.name, info.pattern_hash};
  PatternState& st = patterns_->state(pattern, key);
  bool armed = st.max_seen_ms != INT64_MIN && st.max_seen_ms + p.within_ms > st.fired_at_ms;
  int64_t timer = armed ? st.max_seen_ms + p.within_ms + p.lateness_ms : INT64_MIN;
  if (timer == INT64_MIN || timer > clock_ms) {
    // Not due (pushed later since the store read it, or not armed): the
    // timer is written again as the state says, so a store stops finding it.
    st.timer_ms = timer;
    patterns_->changed(pattern, key);
    return false;
  }
  int64_t due = st.max_seen_ms + p.within_ms;
  st.fired_at_ms = due;
  st.timer_ms = INT64_MIN;
  patterns_->changed(pattern, key);
  fire_synthetic(pi, key, due, out);
  return true;
}

size_t Engine::advance_clock(int64_t clock_ms, OutputSink& out) {
  stream_clock_ms_ = std::max(stream_clock_ms_, clock_ms);
  if (patterns_ != &own_patterns_) return 0;
  size_t fired = 0;
  uint32_t index = 0;
  std::string key;
  while (own_patterns_.next_due(clock_ms, index, key))
    if (index < pattern_plays_.size()) fired += run_timer(pattern_plays_[index], key, clock_ms, out);
  return fired;
}

// The rest of the play on the synthetic signal (absence or rate: one
// signal for both): type T, id synthetic_signal_id(), occurred_at the due
// time (absence) or the closed bucket's end (rate), the key as its account
// (or contact), no properties; the records as they are now.
void Engine::fire_synthetic(uint32_t pi, std::string_view key, int64_t due_ms, OutputSink& out) {
  const vm::Play& play = bundle_.plays[pi];
  const vm::Pattern& p = play.pattern;
  uint32_t type = p.members[0].signal_type;
  bool rate = p.kind == vm::PatternKind::Rate;
  ++(rate ? stats_.rates_fired : stats_.absences_fired);
  arena_.reset();
  synthetic_signal_id(rate ? "rate" : "absence", play.name, key, due_ms, synthetic_id_);  // reuses its buffer
  timer_key_.assign(key);
  DecodedSignal& s = synthetic_;
  s.type = type;
  s.type_name = bundle_.signals[type].name;
  s.id = synthetic_id_;
  s.source = "";
  s.account = p.per == vm::Per::Account ? std::string_view(timer_key_) : std::string_view();
  s.contact = p.per == vm::Per::Contact ? std::string_view(timer_key_) : std::string_view();
  s.occurred_at_ms = due_ms;
  s.received_at_ms.reset();
  s.props.assign(bundle_.signals[type].props.size(), vm::Value());
  resolve_context(s);
  begin_signal(s);
  Outcome o;
  o.play = plays_[pi].name;
  o.signal = s.id;
  o.shadow = plays_[pi].shadow;
  run_clauses_and_actions(pi, s, out, o);
  if (enrolled_ && !contact_key_.empty() && contact_last_enrolled_slot_ >= 0) {
    FieldValue f{uint32_t(contact_last_enrolled_slot_), vm::Value::timestamp(due_ms)};
    context_.upsert(Entity::Contact, contact_key_, {&f, 1});
  }
}

}  // namespace play::engine
