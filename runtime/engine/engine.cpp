#include "runtime/engine/engine.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <optional>

#include "common/context_signals.h"
#include "common/text.h"
#include "runtime/engine/idempotency.h"
#include "runtime/engine/play_info.h"
#include "runtime/vm/guard.h"

namespace play::engine {

namespace {

const char* per_name(vm::Per p) {
  switch (p) {
    case vm::Per::Contact:
      return " per contact";
    case vm::Per::Account:
      return " per account";
    default:
      return "";
  }
}

// A crm.*_updated property may be upserted into an entity field of the same
// name when the kinds agree (the field's dyn accepts anything).
bool assignable(const vm::FieldType& from, const vm::FieldType& to) {
  if (to.code == vm::Kind::Null) return true;
  if (from.code != to.code) return false;
  if (to.code == vm::Kind::List || to.code == vm::Kind::Map)
    return to.elem == vm::Kind::Null || from.elem == to.elem;
  return true;
}

void map_updates(const vm::SignalSchema& sig, const std::vector<vm::Field>& entity,
                 std::initializer_list<int> keep_out, std::vector<std::pair<uint32_t, uint32_t>>& out) {
  for (uint32_t i = 0; i < sig.props.size(); ++i) {
    int slot = field_slot(entity, sig.props[i].name);
    if (slot < 0 || !assignable(sig.props[i].type, entity[slot].type)) continue;
    bool reserved = false;
    for (int k : keep_out) reserved |= (k == slot);
    if (!reserved) out.emplace_back(i, uint32_t(slot));
  }
}

}  // namespace

Engine::Engine(const vm::Bundle& bundle, ContextStore& context, Ledger& ledger, SeenSignals* seen)
    : bundle_(bundle), context_(context), ledger_(ledger), seen_(seen), records_(bundle) {
  plays_by_type_.resize(bundle.signals.size());
  max_priority_.assign(bundle.signals.size(), vm::Priority::Low);
  prop_names_.resize(bundle.signals.size());
  for (size_t t = 0; t < bundle.signals.size(); ++t)
    for (const vm::Field& f : bundle.signals[t].props) prop_names_[t].push_back(f.name);

  size_t max_lets = 0, max_args = 0;
  plays_.resize(bundle.plays.size());
  for (uint32_t p = 0; p < bundle.plays.size(); ++p) {
    const vm::Play& play = bundle.plays[p];
    for (uint32_t t : play.signal_types) {
      if (t >= plays_by_type_.size()) continue;
      plays_by_type_[t].push_back(p);
      max_priority_[t] = std::max(max_priority_[t], play.priority);
    }
    PlayInfo& info = plays_[p];
    info.name = play.name;
    info.shadow = play.mode == vm::Mode::Shadow;
    info.pattern_kind = play.pattern.kind;
    info.per = play.pattern.per;
    info.threshold = play.pattern.threshold;
    info.within_ms = play.pattern.within_ms;
    info.lateness_ms = play.pattern.lateness_ms;
    info.pattern_pos = play.pattern.pos;
    if (play.pattern.kind != vm::PatternKind::None) {
      info.pattern_hash = vm::pattern_hash(bundle, play.pattern);
      info.pattern_window =
          play.pattern.kind == vm::PatternKind::Rate ? " (" + vm::format_duration(play.pattern.within_ms) +
                                                           " buckets" + per_name(play.pattern.per) + ")"
          : play.pattern.kind == vm::PatternKind::Score
              ? " (score " + play.pattern.score_name + ", half_life " +
                    vm::format_duration(play.pattern.half_life_ms) + per_name(play.pattern.per) + ")"
          : play.pattern.kind == vm::PatternKind::Absence
              ? " for " + vm::format_duration(play.pattern.within_ms) + per_name(play.pattern.per)
              : " within " + vm::format_duration(play.pattern.within_ms) + per_name(play.pattern.per);
    }
    for (const vm::Clause& c : play.clauses) {
      std::string reason;
      switch (c.kind) {
        case vm::ClauseKind::WhereIcp:
          reason = c.icp < bundle.icps.size() ? bundle.icps[c.icp].name : "?";
          break;
        case vm::ClauseKind::Unless:
          reason = c.reason;
          break;
        case vm::ClauseKind::UnlessFired:
          reason = "fired within " + vm::format_duration(c.within_ms) + per_name(c.per);
          break;
        default:
          break;
      }
      info.clause_reasons.push_back(std::move(reason));
      int32_t gi =
          c.kind == vm::ClauseKind::Where || c.kind == vm::ClauseKind::Unless ? intern_guard(c.program) : -1;
      info.clauses.push_back({c.kind, c.per, gi, c.icp, c.within_ms, c.pos});
      if ((c.kind == vm::ClauseKind::Where || c.kind == vm::ClauseKind::Unless) && gi < 0)
        info.programs.push_back({&c.program, c.program.code.data(), c.program.constants.values().data()});
      if (info.clauses.size() == 1 && c.kind == vm::ClauseKind::Where)
        info.first_guard = gi, info.first_pos = c.pos;
    }
    for (const vm::PatternMember& m : play.pattern.members)
      info.members.push_back(
          {m.signal_type, m.filter.code.empty() ? -1 : intern_guard(m.filter), !m.filter.code.empty()});
    for (const vm::Action& a : play.actions) {
      info.is_enroll.push_back(a.name == "enroll");
      int sink_arg = -1;
      if (a.sink.empty())
        for (size_t i = 0; i < a.args.size(); ++i)
          if (a.args[i].name == "sink") sink_arg = int(i);
      info.sink_arg.push_back(sink_arg);
      info.total_args += a.args.size();
    }
    max_lets = std::max(max_lets, play.lets.size());
    max_args = std::max(max_args, info.total_args);
  }
  lets_.resize(max_lets);
  args_.resize(max_args);
  // Patterns are numbered by signal type (a play on several types, by the
  // first): the patterns one signal reaches get neighbouring numbers, so an
  // account's lookup table (MemoryPatterns) is read in one or two cache
  // lines rather than across all of it.
  for (const std::vector<uint32_t>& plays : plays_by_type_)
    for (uint32_t p : plays)
      if (plays_[p].pattern_hash && plays_[p].pattern_index == kNoPattern) {
        plays_[p].pattern_index = pattern_count_++;
        pattern_plays_.push_back(p);
      }
  // The same order for the ledger: the `fired within` questions of one
  // signal then fall on neighbouring entries (MemoryLedger).
  // Engine::prefetch tells it, per signal type, the positions in that order
  // of the plays that ask it about a contact and about an account.
  {
    std::vector<std::string_view> order;
    ledger_prefetch_.resize(plays_by_type_.size());
    for (size_t t = 0; t < plays_by_type_.size(); ++t)
      for (uint32_t p : plays_by_type_[t]) {
        for (const PlayInfo::Clause& c : plays_[p].clauses)
          if (c.kind == vm::ClauseKind::UnlessFired) {
            auto pos = static_cast<uint32_t>(order.size());
            if (c.per != vm::Per::Account) ledger_prefetch_[t].contact.push_back(pos);
            if (c.per != vm::Per::Contact) ledger_prefetch_[t].account.push_back(pos);
          }
        if (plays_[p].ledger_pos == UINT32_MAX) plays_[p].ledger_pos = static_cast<uint32_t>(order.size());
        order.push_back(plays_[p].name);
      }
    ledger_.expect_plays(order);
  }
  prefetch_by_type_.resize(plays_by_type_.size());
  for (size_t t = 0; t < plays_by_type_.size(); ++t)
    for (uint32_t p : plays_by_type_[t])
      if (plays_[p].pattern_index != kNoPattern && bundle.plays[p].pattern.per == vm::Per::Account)
        prefetch_by_type_[t].push_back(plays_[p].pattern_index);
  rate_plays_by_type_.resize(plays_by_type_.size());
  for (uint32_t t = 0; t < plays_by_type_.size(); ++t)
    for (uint32_t p : plays_by_type_[t])
      if (plays_[p].pattern_hash && bundle.plays[p].pattern.kind == vm::PatternKind::Rate)
        rate_plays_by_type_[t].push_back(p);

  account_domain_slot_ = field_slot(bundle.account, "domain");
  contact_email_slot_ = field_slot(bundle.contact, "email");
  contact_email_domain_slot_ = field_slot(bundle.contact, "email_domain");
  contact_last_enrolled_slot_ = field_slot(bundle.contact, "last_enrolled_at");
  for (uint32_t t = 0; t < bundle.signals.size(); ++t) {
    if (bundle.signals[t].name == kAccountUpdatedType) {
      account_updated_type_ = int(t);
      map_updates(bundle.signals[t], bundle.account, {account_domain_slot_}, account_updates_);
    } else if (bundle.signals[t].name == kContactUpdatedType) {
      contact_updated_type_ = int(t);
      map_updates(bundle.signals[t], bundle.contact, {contact_email_slot_, contact_email_domain_slot_},
                  contact_updates_);
    }
  }

  icp_state_.resize(bundle.icps.size());
  pool_pending_.assign(bundle.pools.size(), 0);
  pools_touched_.reserve(bundle.pools.size());
  guard_state_.resize(guards_.size());
  icp_values_.resize(bundle.icps.size());
  icp_errors_.resize(bundle.icps.size());
  icp_failed_.resize(bundle.icps.size());

  ctx_.host.self = this;
  ctx_.host.icp = &Engine::icp_callback;
  ctx_.host.round_robin = &Engine::round_robin_callback;
  ctx_.arena = &arena_;
  ctx_.regex_cache = &regex_cache_;
}

Engine::~Engine() = default;

// The index of `program` among guards_ when it is a `signal.x == "c"` guard
// (the same guard once, however many plays share it), else -1.
int32_t Engine::intern_guard(const vm::Program& program) {
  vm::StringGuard g;
  if (!vm::match_string_guard(program, g)) return -1;
  for (size_t k = 0; k < guards_.size(); ++k)
    if (guards_[k].slot == g.slot && guards_[k].value == g.value && guards_[k].negated == g.negated)
      return int32_t(k);
  guards_.push_back(g);
  return int32_t(guards_.size() - 1);
}

bool Engine::guard_holds(int32_t gi) {
  uint8_t& st = guard_state_[gi];
  if (st == 0) st = vm::guard_holds(guards_[gi], ctx_.signal) ? 2 : 1;
  return st == 2;
}

vm::Priority Engine::max_priority(uint32_t signal_type) const {
  return signal_type < max_priority_.size() ? max_priority_[signal_type] : vm::Priority::Low;
}

uint64_t Engine::pattern_hash(uint32_t play_index) const {
  return play_index < plays_.size() ? plays_[play_index].pattern_hash : 0;
}

std::span<const uint32_t> Engine::plays_for(uint32_t signal_type) const {
  if (signal_type >= plays_by_type_.size()) return {};
  return plays_by_type_[signal_type];
}

// ------------------------------------------------------------------ per signal

void Engine::process(const DecodedSignal& s, OutputSink& out) {
  ++stats_.signals;
  arena_.reset();
  wants_progress_ = out.wants_progress();
  wants_no_match_ = out.wants_no_match();
  id_hash_ready_ = false;
  if (seen_ && !seen_->first_time(s.id, s.occurred_at_ms)) {
    Outcome o;
    o.signal = s.id;
    o.kind = OutcomeKind::DuplicateSignal;
    ++stats_.outcomes[size_t(o.kind)];
    out.outcome(o);
    return;
  }
  if (s.type >= plays_by_type_.size()) return;  // decoded against another bundle: nothing applies
  stream_clock_ms_ = std::max(stream_clock_ms_, clock_time(s));
  // What the clock closes in this key's rate states fires first, as a
  // timer would have before this signal (`playc run` runs them so): the
  // synthetic signals see the context this signal has not changed yet.
  if (!rate_plays_by_type_[s.type].empty()) close_rates(s, out);

  apply_crm_updates(s);
  resolve_context(s);
  begin_signal(s);

  // A type's plays are every few entries of plays_ (by play index), too far
  // apart for the hardware to guess: their hot lines are loaded ahead.
  const std::vector<uint32_t>& plays = plays_by_type_[s.type];
  for (size_t j = 0; j < plays.size(); ++j) {
    if (j + kPlaysAhead < plays.size()) {
      const char* next = reinterpret_cast<const char*>(&plays_[plays[j + kPlaysAhead]]);
      __builtin_prefetch(next);
      __builtin_prefetch(next + 64);
    }
    evaluate_play(plays[j], s, out);
  }

  if (enrolled_ && !contact_key_.empty() && contact_last_enrolled_slot_ >= 0) {
    FieldValue f{uint32_t(contact_last_enrolled_slot_), vm::Value::timestamp(s.occurred_at_ms)};
    context_.upsert(Entity::Contact, contact_key_, {&f, 1});
  }
  // Absences this signal ended (it came at or after their due time): they
  // fire now, each on its synthetic signal, after this signal's plays.
  for (size_t i = 0; i < ended_.size(); ++i)
    fire_synthetic(ended_[i].play, ended_[i].key, ended_[i].due_ms, out);
  ended_.clear();
}

void Engine::prefetch(const DecodedSignal& s, PatternStore::Prefetch step) {
  if (seen_ && step == PatternStore::Prefetch::Key) seen_->prefetch(s.id);
  if (!s.account.empty() && step != PatternStore::Prefetch::States)
    context_.prefetch(Entity::Account, s.account, step == PatternStore::Prefetch::Table);
  // Every account pattern on the type, whether its member's where will
  // hold or not: checking the guards here cost more than the extra loads.
  if (s.type < prefetch_by_type_.size() && !s.account.empty() && !prefetch_by_type_[s.type].empty())
    patterns_->prefetch(step, s.account, prefetch_by_type_[s.type]);
  if (s.type < ledger_prefetch_.size()) {
    const LedgerPrefetch& lp = ledger_prefetch_[s.type];
    if (!s.contact.empty() && !lp.contact.empty()) ledger_.prefetch(step, s.contact, lp.contact);
    if (!s.account.empty() && !lp.account.empty()) ledger_.prefetch(step, s.account, lp.account);
  }
}

// The per-signal evaluation state, for a signal whose context is resolved.
void Engine::begin_signal(const DecodedSignal& s) {
  ctx_.signal = s.props;
  ctx_.signal_names = prop_names_[s.type];
  fill_envelope(s, ctx_);
  ctx_.now_ms = s.occurred_at_ms;
  ctx_.lets = {};
  icp_ctx_ = ctx_;
  icp_ctx_.signal = {};  // icps and rules run for any signal type: by name only

  std::fill(icp_state_.begin(), icp_state_.end(), 0);
  std::fill(guard_state_.begin(), guard_state_.end(), 0);
  std::fill(icp_failed_.begin(), icp_failed_.end(), 0);
  suppress_state_ = SuppressState::Unknown;
  enrolled_ = false;
}

void Engine::apply_crm_updates(const DecodedSignal& s) {
  auto upsert = [&](Entity e, std::string_view key, const std::vector<std::pair<uint32_t, uint32_t>>& map) {
    if (key.empty()) return;
    // At most a few dozen fields: a fixed buffer keeps this allocation-free.
    FieldValue fields[64];
    size_t n = 0;
    for (auto [from, to] : map)
      if (n < std::size(fields) && from < s.props.size() && !s.props[from].is_null())
        fields[n++] = FieldValue{to, s.props[from]};
    context_.upsert(e, key, {fields, n});
  };
  if (int(s.type) == contact_updated_type_) upsert(Entity::Contact, s.contact, contact_updates_);
  if (int(s.type) == account_updated_type_) {
    // The account a contact-only crm.account_updated means is the contact's.
    resolve_context(s);
    upsert(Entity::Account, account_key_, account_updates_);
  }
}

void Engine::resolve_context(const DecodedSignal& s) {
  records_.find(context_, s.contact, s.account);
  records_.apply(ctx_);
  contact_key_ = records_.contact_key;
  account_key_ = records_.account_key;
}

std::string_view Engine::ledger_key(vm::Per per) const {
  switch (per) {
    case vm::Per::Contact:
      return contact_key_;
    case vm::Per::Account:
      return account_key_;
    default:
      return contact_key_.empty() ? account_key_ : contact_key_;
  }
}

// ------------------------------------------------------------------ shared per-signal results

vm::Value Engine::icp_callback(void* self, uint32_t icp) {
  return static_cast<Engine*>(self)->icp_value(icp);
}
vm::Value Engine::round_robin_callback(void* self, uint32_t pool) {
  return static_cast<Engine*>(self)->round_robin(pool);
}

vm::Value Engine::icp_value(uint32_t i) {
  if (i >= icp_state_.size()) return vm::Value();
  if (icp_state_[i] == 2) return icp_values_[i];
  if (icp_state_[i] == 1) return vm::Value();  // a cycle (the verifier forbids it): null, never a loop
  icp_state_[i] = 1;
  ++stats_.icp_evaluations;
  vm::EvalResult r = run_program(bundle_.icps[i].program, icp_ctx_);
  vm::Value v;
  if (!r.ok) {
    ++stats_.runtime_errors;
    icp_failed_[i] = 1;
    icp_errors_[i] = std::move(r.error);
  } else if (r.value.kind == vm::Kind::Bool) {
    v = r.value;  // a scalar: safe to keep past the arena marks of the play that asked
  }
  icp_values_[i] = v;
  icp_state_[i] = 2;
  return v;
}

Engine::SuppressState Engine::suppression() {
  if (suppress_state_ != SuppressState::Unknown) return suppress_state_;
  ++stats_.suppression_evaluations;
  SuppressState state = SuppressState::Pass;
  auto mark = arena_.mark();
  for (uint32_t i = 0; i < bundle_.suppressions.size(); ++i) {
    vm::EvalResult r = run_program(bundle_.suppressions[i].program, icp_ctx_);
    if (r.holds()) {
      state = SuppressState::Suppressed;
      suppress_rule_ = i;
      break;
    }
    if (!r.ok) {
      ++stats_.runtime_errors;
      if (state != SuppressState::Error) {
        state = SuppressState::Error;
        suppress_rule_ = i;
        suppress_error_ = std::move(r.error);
      }
    }
  }
  arena_.release(mark);
  return suppress_state_ = state;
}

// A play's round_robin() calls only peek: the rotation is committed when the
// play fires (commit_rotations), so a play that fails in a later `let` or
// argument does not use up a rep (LANGUAGE.md section 6: pools rotate in the
// order plays fire). Several calls in one play take successive members.
vm::Value Engine::round_robin(uint32_t pool) {
  if (pool >= bundle_.pools.size() || bundle_.pools[pool].members.empty()) return vm::Value();
  const vm::Pool& p = bundle_.pools[pool];
  uint64_t at = ledger_.pool_cursor(p.name, false);
  if (!shadow_) {  // shadow plays never rotate: every call sees the current member
    if (pool_pending_[pool]++ == 0) pools_touched_.push_back(pool);
    at += pool_pending_[pool] - 1;
  }
  return vm::Value::string(p.members[at % p.members.size()]);
}

void Engine::commit_rotations(bool fired) {
  for (uint32_t pool : pools_touched_) {
    if (fired)
      for (uint32_t k = 0; k < pool_pending_[pool]; ++k) ledger_.pool_cursor(bundle_.pools[pool].name, true);
    pool_pending_[pool] = 0;
  }
  pools_touched_.clear();
}

// ------------------------------------------------------------------ one play

void Engine::reject(Outcome& o, OutcomeKind kind, vm::SourcePos pos, int32_t ci, std::string_view reason) {
  o.kind = kind;
  o.reason = reason;
  o.clause_pos = pos;
  o.clause_index = ci;
}

void Engine::fail(Outcome& o, const vm::RuntimeError& e, vm::SourcePos at, int32_t ci) {
  ++stats_.runtime_errors;
  error_text_ = e.message;
  o.kind = OutcomeKind::Error;
  o.error = error_text_;
  o.error_pos = e.pos;
  o.clause_pos = at;
  o.clause_index = ci;
}

void Engine::evaluate_play(uint32_t pi, const DecodedSignal& s, OutputSink& out) {
  const PlayInfo& info = plays_[pi];
  Outcome o;
  o.play = info.name;
  o.signal = s.id;
  o.shadow = info.shadow;
  // An outcome decided here, before the clauses: counted, and given to the
  // sink unless it is a NoMatch the sink does not take.
  auto decided = [&] {
    ++stats_.outcomes[size_t(o.kind)];
    if (wants_no_match_ || o.kind != OutcomeKind::NoMatch) out.outcome(o);
  };
  if (info.pattern_hash && info.pattern_kind == vm::PatternKind::Absence) {
    arm_absence(pi, s, o);  // the signal only arms the timer: the play runs when it fires
    return decided();
  }
  if (info.pattern_hash) {
    auto mark = arena_.mark();
    bool completed = completes_pattern(pi, s, o);
    arena_.release(mark);
    if (!completed) {
      return decided();
    }
  }
  // Most plays a signal reaches reject it at a first `where signal.x == "c"`:
  // decide those from PlayInfo alone (contiguous), without touching the
  // play's clauses and programs, which live all over the heap.
  if (info.first_guard >= 0) {
    if (!guard_holds(info.first_guard)) {
      o.kind = OutcomeKind::NoMatch;
      o.clause_pos = info.first_pos;
      o.clause_index = 0;
      return decided();
    }
  }
  // The play goes on to its other clauses: start loading the programs the
  // interpreter will run, each three lines on the heap, all at once rather
  // than one miss after another.
  const char* clauses = reinterpret_cast<const char*>(info.clauses.data());
  __builtin_prefetch(clauses);
  __builtin_prefetch(clauses + 64);
  __builtin_prefetch(clauses + 128);
  for (const PlayInfo::ProgramLines& p : info.programs) {
    __builtin_prefetch(p.program);
    __builtin_prefetch(p.code);
    __builtin_prefetch(p.constants);
  }
  run_clauses_and_actions(pi, s, out, o);
}

// The play's clauses, lets and actions on `s` (its trigger has let it through).
void Engine::run_clauses_and_actions(uint32_t pi, const DecodedSignal& s, OutputSink& out, Outcome& o) {
  const vm::Play& play = bundle_.plays[pi];
  const PlayInfo& info = plays_[pi];
  shadow_ = info.shadow;
  auto mark = arena_.mark();
  bool fires = passes_clauses(pi, o) && compute_actions(play, o);
  if (!pools_touched_.empty()) commit_rotations(fires);
  if (fires) issue_actions(pi, s, out, o);
  ++stats_.outcomes[size_t(o.kind)];
  out.outcome(o);
  arena_.release(mark);  // after the sink calls: actions point into the arena
}

// ------------------------------------------------------------------ temporal triggers

// Counts the signal into the play's pattern state for its key (docs/language.md
// section 12) and says whether this signal completed the pattern. If not, `o`
// is the NoMatch (or Error) outcome, with what happened as its reason.
bool Engine::completes_pattern(uint32_t pi, const DecodedSignal& s, Outcome& o) {
  const vm::Pattern& p = bundle_.plays[pi].pattern;
  const PlayInfo& info = plays_[pi];
  auto pending = [&](std::string_view why) {
    o.kind = OutcomeKind::NoMatch;
    o.clause_pos = info.pattern_pos;
    o.reason = why;
    return false;
  };
  // The members this signal is: its type, and the member's where.
  uint32_t mask = 0;
  ctx_.lets = {};
  for (uint32_t m = 0; m < info.members.size(); ++m) {
    const PlayInfo::Member& member = info.members[m];
    if (member.signal_type != s.type) continue;
    if (member.guard >= 0) {
      if (!guard_holds(member.guard)) continue;
    } else if (member.filtered) {
      vm::EvalResult r = run_program(p.members[m].filter, ctx_);
      if (!r.ok) return fail(o, r.error, p.pos, -1), false;
      if (!r.holds()) continue;
    }
    mask |= 1u << m;
  }
  if (!mask) return pending("not counted: the pattern's where does not hold");
  std::string_view key = info.per == vm::Per::Contact ? contact_key_ : account_key_;
  if (key.empty())
    return pending(info.per == vm::Per::Contact ? "not counted: the signal has no contact"
                                                : "not counted: the signal has no account");
  const PatternId pattern{info.pattern_index, pattern_count_, info.name, info.pattern_hash};
  PatternState& st = patterns_->state(pattern, key);
  if (info.pattern_kind == vm::PatternKind::Rate)
    return counts_rate(p, pattern, key, st, s, info.pattern_window, o);
  if (info.pattern_kind == vm::PatternKind::Score) {
    bool counted = false;
    bool crossed = adds_to_score(p, info.pattern_window, s, mask, st, o, counted);
    if (counted) patterns_->changed(pattern, key);
    return crossed;
  }
  int64_t at = s.occurred_at_ms;
  if (!id_hash_ready_) id_hash_ = pattern_id_hash(s.id), id_hash_ready_ = true;
  const uint64_t id = id_hash_;
  for (const PatternEntry& e : st.entries)
    if (e.id_hash == id) return pending("not counted: this signal was counted already");
  if (st.max_seen_ms != INT64_MIN && at < st.max_seen_ms - info.lateness_ms) {
    ++stats_.late_signals;
    static_assert(std::string_view("not counted: late, older than the stream clock minus the lateness")
                      .starts_with(kLateReason));
    return pending("not counted: late, older than the stream clock minus the lateness");
  }
  if (at <= st.fired_at_ms) return pending("not counted: in a window that already fired");
  st.max_seen_ms = std::max(st.max_seen_ms, at);
  count_member_signal(info, st, mask, at, id);

  // Complete: the N most recent counted signals (count), or one of each
  // member (all of), lie within D of each other: newest - oldest < D.
  size_t need = info.pattern_kind == vm::PatternKind::Count ? info.threshold : info.members.size();
  bool complete =
      st.entries.size() >= need && st.entries.back().at_ms - st.entries.front().at_ms < info.within_ms;
  if (complete) {
    st.fired_at_ms = st.entries.back().at_ms;
    st.entries.erase(st.entries.begin(), st.entries.end());  // keeps its capacity (clear() would free it)
  }
  patterns_->changed(pattern, key);
  if (complete) return true;
  if (!wants_progress_) return pending(kPatternPending);
  // Progress: the counted signals within the window of the newest one.
  size_t within = 0;
  for (const PatternEntry& e : st.entries) within += st.entries.back().at_ms - e.at_ms < info.within_ms;
  pattern_reason_.assign("counted ");
  pattern_reason_ += std::to_string(within);
  pattern_reason_ += " of ";
  pattern_reason_ += std::to_string(need);
  pattern_reason_ += info.pattern_window;
  return pending(pattern_reason_);
}

// Into `st`, kept by time, oldest first. A count keeps its N most
// recent signals; `all of` the latest signal of each member.
void Engine::count_member_signal(const PlayInfo& info, PatternState& st, uint32_t mask, int64_t at,
                                 uint64_t id) {
  auto& entries = st.entries;
  auto insert = [&](uint32_t member) {
    auto it = entries.end();
    while (it != entries.begin() && std::prev(it)->at_ms > at) --it;
    entries.insert(it, PatternEntry{.at_ms = at, .member = member, .id_hash = id});
  };
  if (info.pattern_kind == vm::PatternKind::Count) {
    insert(0);
    if (entries.size() > info.threshold) entries.erase(entries.begin(), entries.end() - info.threshold);
    return;
  }
  for (uint32_t m = 0; m < info.members.size(); ++m) {
    if (!(mask & (1u << m))) continue;
    auto old =
        std::find_if(entries.begin(), entries.end(), [&](const PatternEntry& e) { return e.member == m; });
    if (old != entries.end()) {
      if (old->at_ms >= at) continue;  // the member's latest signal is newer: keep it
      entries.erase(old);
    }
    insert(m);
  }
}

// Clauses in source order; the first that rejects (or fails) fills `o` and stops.
bool Engine::passes_clauses(uint32_t pi, Outcome& o) {
  const vm::Play& play = bundle_.plays[pi];
  const PlayInfo& info = plays_[pi];
  ctx_.lets = {};
  for (int32_t ci = 0; ci < int32_t(info.clauses.size()); ++ci) {
    const PlayInfo::Clause& ic = info.clauses[ci];
    const std::string& reason = info.clause_reasons[ci];
    switch (ic.kind) {
      case vm::ClauseKind::Where:
      case vm::ClauseKind::Unless: {
        if (ic.guard >= 0) {  // same result as eval(), without the interpreter
          bool holds = guard_holds(ic.guard);
          if (ic.kind == vm::ClauseKind::Where && !holds)
            return reject(o, OutcomeKind::NoMatch, ic.pos, ci, {}), false;
          if (ic.kind == vm::ClauseKind::Unless && holds)
            return reject(o, OutcomeKind::Excluded, ic.pos, ci, reason), false;
          break;
        }
        const vm::Clause& c = play.clauses[ci];
        vm::EvalResult r = run_program(c.program, ctx_);
        if (!r.ok) return fail(o, r.error, c.pos, ci), false;
        if (c.kind == vm::ClauseKind::Where && !r.holds())
          return reject(o, OutcomeKind::NoMatch, c.pos, ci, {}), false;
        if (c.kind == vm::ClauseKind::Unless && r.holds())
          return reject(o, OutcomeKind::Excluded, c.pos, ci, reason), false;
        break;
      }
      case vm::ClauseKind::WhereIcp:
        if (icp_value(ic.icp).is_true()) break;
        if (ic.icp < icp_failed_.size() && icp_failed_[ic.icp])
          return fail(o, icp_errors_[ic.icp], ic.pos, ci), false;
        return reject(o, OutcomeKind::NotIcp, ic.pos, ci, reason), false;
      case vm::ClauseKind::UnlessSuppressed:
        switch (suppression()) {
          case SuppressState::Suppressed:
            return reject(o, OutcomeKind::Suppressed, ic.pos, ci,
                          bundle_.suppressions[suppress_rule_].reason),
                   false;
          case SuppressState::Error:
            return fail(o, suppress_error_, ic.pos, ci), false;
          default:
            break;
        }
        break;
      case vm::ClauseKind::UnlessFired: {
        std::optional<int64_t> last = ledger_.last_fired_at(info.ledger_pos, info.name, ledger_key(ic.per));
        if (last && std::llabs(ctx_.now_ms - *last) < ic.within_ms)
          return reject(o, OutcomeKind::Deduplicated, ic.pos, ci, reason), false;
        break;
      }
      case vm::ClauseKind::kCount:
        break;
    }
  }
  return true;
}

// Lets, then every action's arguments, into args_: all before any action is
// issued, so an error leaves no half-issued play.
bool Engine::compute_actions(const vm::Play& play, Outcome& o) {
  for (size_t li = 0; li < play.lets.size(); ++li) {
    ctx_.lets = {lets_.data(), li};
    vm::EvalResult r = run_program(play.lets[li].program, ctx_);
    if (!r.ok) return fail(o, r.error, r.error.pos, -1), false;
    lets_[li] = r.value;
  }
  ctx_.lets = {lets_.data(), play.lets.size()};
  size_t ai = 0;
  for (const vm::Action& a : play.actions) {
    for (const vm::ActionArg& arg : a.args) {
      vm::EvalResult r = run_program(arg.program, ctx_);
      if (!r.ok) return fail(o, r.error, a.pos, -1), false;
      args_[ai++] = r.value;
    }
  }
  return true;
}

void Engine::issue_actions(uint32_t pi, const DecodedSignal& s, OutputSink& out, Outcome& o) {
  const vm::Play& play = bundle_.plays[pi];
  const PlayInfo& info = plays_[pi];
  size_t ai = 0;
  for (uint32_t k = 0; k < play.actions.size(); ++k) {
    const vm::Action& def = play.actions[k];
    Action a;
    a.play = play.name;
    a.action = def.name;
    a.sink = def.sink;
    if (int sa = info.sink_arg[k]; sa >= 0 && args_[ai + sa].kind == vm::Kind::String)
      a.sink = args_[ai + sa].str();
    a.signal = s.id;
    a.account = account_key_;
    a.contact = contact_key_;
    a.def = &def;
    a.args = {args_.data() + ai, def.args.size()};
    if (mrkdwn_texts_ && !def.mrkdwn_text.code.empty()) {
      // The same expressions as the text argument, which evaluated: it
      // cannot fail where that did not; if it did, the sink escapes the
      // plain text whole instead.
      vm::EvalResult r = run_program(def.mrkdwn_text, ctx_);
      if (r.ok && r.value.kind == vm::Kind::String) a.mrkdwn_text = r.value.str();
    }
    a.priority = play.priority;
    a.index = k;
    a.shadow = shadow_;
    idempotency_key(play.name, s.id, k, a.key_hex);
    ai += def.args.size();
    ++stats_.actions;
    out.action(a);
    if (info.is_enroll[k] && !shadow_) enrolled_ = true;
  }
  for (const vm::Clause& c : play.clauses)
    if (c.kind == vm::ClauseKind::UnlessFired)
      ledger_.record_fire_at(info.ledger_pos, info.name, ledger_key(c.per), s.occurred_at_ms);
  o.kind = OutcomeKind::Fired;
}

}  // namespace play::engine
