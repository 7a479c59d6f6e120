// Decaying scores (docs/language.md section 12, "Scores"): `on score NAME
// crosses N`. Per (play, key) the state is one number, the value at the
// reference time (the stream clock: the newest occurred_at counted), plus
// the ids of the signals counted within the lateness (remember_id). The
// value at time t is
//   v(t) = sum of weight_i * 2^(-(t - t_i) / half_life)
// over the signals counted, so moving the reference time forward multiplies
// the value by 2^(-dt / half_life), and a signal older than the reference
// time (within the lateness) adds weight * 2^(-(ref - t) / half_life): both
// exact, whatever the order the signals come in.
//
// The play fires when a signal takes the value from below N to N or more.
// Whether it was below is judged on the value just before the signal (at
// the later of the signal's time and the reference time), so a score that
// fired re-arms once it has decayed below N, as seen by the next signal of
// the score: there is no timer. `playc run` and playd run this same code,
// so they decide the same for the same signals.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>

#include "runtime/engine/engine.h"

namespace play::engine {

namespace {

// A signal evaluated again (`playd replay`, which bypasses ingestion's
// dedup) must not add its weight twice. A signal older than the stream
// clock minus the lateness is late anyway, so only the ids of the signals
// counted within the lateness are kept (entries, by time), at most this
// many: when more came in that span, the oldest id is forgotten and
// fired_at_ms (unused otherwise by a score) becomes its time, and a signal
// at or before it that is not among the ids kept is treated as late (it
// cannot be told from a replay). Bounded, and never counts twice.
constexpr size_t kScoreIds = 16;

// The share of a weight left after `dt_ms` with this half life.
double decay(int64_t dt_ms, int64_t half_life_ms) {
  return std::exp2(-static_cast<double>(dt_ms) / static_cast<double>(half_life_ms));
}

// Into the ids kept (by time): those older than the lateness go (a signal
// that old is late anyway); past kScoreIds the oldest is forgotten.
void remember_id(PatternState& st, int64_t at, uint64_t id, int64_t lateness_ms) {
  auto& ids = st.entries;
  auto it = ids.end();
  while (it != ids.begin() && std::prev(it)->at_ms > at) --it;
  ids.insert(it, PatternEntry{.at_ms = at, .member = 0, .id_hash = id});
  size_t stale = 0;
  while (stale < ids.size() && ids[stale].at_ms < st.max_seen_ms - lateness_ms) ++stale;
  ids.erase(ids.begin(), ids.begin() + static_cast<ptrdiff_t>(stale));
  if (ids.size() > kScoreIds) {
    st.fired_at_ms = std::max(st.fired_at_ms, ids.front().at_ms);
    ids.erase(ids.begin());
  }
}

// "42.5", "50", "0.01": two decimals at most, as a reason shows it.
void append_value(std::string& out, double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::round(v * 100) / 100, std::chars_format::fixed, 2);
  char* end = r.ptr;
  while (end > buf && end[-1] == '0') --end;
  if (end > buf && end[-1] == '.') --end;
  out.append(buf, end);
}

}  // namespace

bool Engine::adds_to_score(const vm::Pattern& p, std::string_view what, const DecodedSignal& s, uint32_t mask,
                           PatternState& st, Outcome& o, bool& counted) {
  auto pending = [&](std::string_view why) {
    o.kind = OutcomeKind::NoMatch;
    o.clause_pos = p.pos;
    o.reason = why;
    return false;
  };
  const int64_t at = s.occurred_at_ms;
  const uint64_t id = pattern_id_hash(s.id);
  for (const PatternEntry& e : st.entries)
    if (e.id_hash == id) return pending("not counted: this signal was counted already");
  if (st.max_seen_ms != INT64_MIN && at < st.max_seen_ms - p.lateness_ms) {
    ++stats_.late_signals;
    return pending("not counted: late, older than the stream clock minus the lateness");
  }
  if (at <= st.fired_at_ms) {
    ++stats_.late_signals;
    return pending("not counted: late, older than the signal ids the score keeps");
  }
  // The weights of the rules this signal matches, summed (each rule that
  // matches adds its weight, as a points sheet does).
  double weight = 0;
  for (uint32_t m = 0; m < p.members.size(); ++m) {
    if (!(mask & (1u << m))) continue;
    vm::EvalResult r = run_program(p.members[m].weight, ctx_);
    if (!r.ok) return fail(o, r.error, p.pos, -1), false;
    double w = r.value.kind == vm::Kind::Int     ? static_cast<double>(r.value.i)
               : r.value.kind == vm::Kind::Float ? r.value.f
                                                 : NAN;
    if (!std::isfinite(w)) {
      error_text_.assign("the weight of rule ");
      error_text_ += std::to_string(m + 1);
      error_text_ += " of score ";
      error_text_ += p.score_name;
      error_text_ += " is ";
      error_text_ += r.value.kind == vm::Kind::Float ? "not a finite number" : vm::kind_name(r.value.kind);
      error_text_ += ", not a number";
      ++stats_.runtime_errors;
      o.kind = OutcomeKind::Error;
      o.error = error_text_;
      o.error_pos = p.pos;
      o.clause_pos = p.pos;
      o.clause_index = -1;
      return false;
    }
    weight += w;
  }

  // The value just before this signal, and just after, both at the new reference time.
  double before, after;
  if (st.max_seen_ms == INT64_MIN) {
    before = 0;
    after = weight;
    st.max_seen_ms = at;
  } else if (at >= st.max_seen_ms) {
    before = st.score * decay(at - st.max_seen_ms, p.half_life_ms);
    after = before + weight;
    st.max_seen_ms = at;
  } else {  // out of order, within the lateness: its weight has decayed to the reference time
    before = st.score;
    after = before + weight * decay(st.max_seen_ms - at, p.half_life_ms);
  }
  if (!std::isfinite(after)) after = before;  // a sum past double's range: keep the value
  st.score = after;
  remember_id(st, at, id, p.lateness_ms);
  counted = true;
  if (before < p.crosses && after >= p.crosses) return true;

  pattern_reason_.assign("score ");
  append_value(pattern_reason_, after);
  pattern_reason_ += before >= p.crosses && after >= p.crosses ? ", still at or above " : " of ";
  append_value(pattern_reason_, p.crosses);
  pattern_reason_ += what;
  return pending(pattern_reason_);
}

}  // namespace play::engine
