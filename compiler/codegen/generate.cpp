// The bundle: schemas, pools, icps, the suppress block and the plays, each
// expression compiled to its own verified Program (runtime/vm/bundle.h).
#include <functional>
#include <map>

#include "compiler/codegen/codegen.h"
#include "compiler/codegen/lower.h"
#include "compiler/codegen/schemas.h"

namespace play::codegen {

namespace {

using ast::PlayItemKind;

// Collects the named icps `e` reads (for ordering: an icp's program may
// only read icps compiled before it).
void icps_read(const ast::Expr& e, std::vector<int>& out) {
  if (e.kind == ast::ExprKind::Ident && e.ref == ast::RefKind::Icp && e.index >= 0) out.push_back(e.index);
  for (const auto& a : e.args)
    if (a) icps_read(*a, out);
  for (const auto& part : e.parts)
    if (part.is_expr && part.expr) icps_read(*part.expr, out);
}

class Generator {
 public:
  Generator(const sema::Project& p, vm::Bundle& out, Diagnostics& diags) : p_(p), out_(out), diags_(diags) {}

  bool run() {
    out_ = vm::Bundle();
    out_.files.push_back("");  // SourcePos::file 0 = no file; others are SourceSet ids
    for (size_t i = 1; i < p_.sources.size(); ++i) out_.files.push_back(p_.sources.file(i).path());
    add_schemas(p_, out_, signal_index_);
    pools_.assign(p_.values.size(), -1);
    icps_.assign(p_.values.size(), -1);
    add_pools();
    add_icps();
    add_suppressions();
    for (const auto& play : p_.plays) add_play(play);
    if (failed_) return false;
    std::string err = vm::verify_bundle(out_);
    if (!err.empty()) {
      diags_.error("P0959", Span{},
                   "internal compiler error: the generated bundle does not verify (" + err +
                       "); please report this with the play that triggers it");
      return false;
    }
    return true;
  }

 private:
  vm::SourcePos pos(Span s) const {
    if (s.file == 0 || s.file >= p_.sources.size()) return {};
    LineCol lc = p_.sources.file(s.file).line_col(s.begin);
    return {s.file, lc.line, lc.col};
  }

  // Compiles one expression; on a limit or an unsupported construct reports
  // it against `what` (e.g. "play 'x'") and returns an empty program.
  vm::Program program(const ast::Expr& e, bool in_play, const std::string& what, Span owner,
                      bool mrkdwn = false) {
    Env env;
    env.project = &p_;
    env.pools = &pools_;
    env.icps = &icps_;
    env.signal_slots = in_play;
    try {
      return mrkdwn ? compile_mrkdwn_program(env, e, &p_.sources) : compile_program(env, e, &p_.sources);
    } catch (const TooLarge& t) {
      diags_.error("P0950", owner, what + " is too large to compile: " + t.what());
    } catch (const Unsupported& u) {
      diags_.error("P0951", u.span.valid() ? u.span : owner, u.what());
    }
    failed_ = true;
    return vm::Program();
  }

  void add_pools() {
    Env env;
    env.project = &p_;
    for (size_t i = 0; i < p_.values.size(); ++i) {
      const sema::Value& v = p_.values[i];
      if (v.kind != ast::ValueKind::Pool || !v.decl || !v.decl->value) continue;
      auto folded = fold(env, *v.decl->value, 0);
      vm::Pool pool{v.name, {}};
      bool ok = folded && folded->value.kind == vm::Kind::List;
      if (ok)
        for (const auto& m : folded->value.list_items()) {
          if (m.kind != vm::Kind::String)
            ok = false;
          else
            pool.members.emplace_back(m.str());
        }
      if (!ok) {
        diags_.error("P0951", v.decl->value->span,
                     "pool '" + v.name + "' must be a constant list of strings to be compiled");
        failed_ = true;
        continue;
      }
      pools_[i] = static_cast<int>(out_.pools.size());
      out_.pools.push_back(std::move(pool));
    }
  }

  // Named icps, each compiled once, in an order where every icp comes after
  // the icps it reads (the checker rejects cycles).
  void add_icps() {
    std::vector<uint8_t> state(p_.values.size(), 0);  // 0 new, 1 in progress, 2 done
    std::function<void(int)> visit = [&](int i) {
      if (state[i] != 0) return;
      state[i] = 1;
      const sema::Value& v = p_.values[i];
      std::vector<int> deps;
      icps_read(*v.decl->value, deps);
      for (int d : deps)
        if (d != i && state[d] == 0) visit(d);
      state[i] = 2;
      vm::Icp icp{v.name, program(*v.decl->value, false, "icp '" + v.name + "'", v.decl->name_span)};
      icps_[i] = static_cast<int>(out_.icps.size());
      out_.icps.push_back(std::move(icp));
    };
    for (size_t i = 0; i < p_.values.size(); ++i)
      if (p_.values[i].kind == ast::ValueKind::Icp && p_.values[i].decl && p_.values[i].decl->value)
        visit(static_cast<int>(i));
  }

  void add_suppressions() {
    if (!p_.suppress) return;
    for (const auto& rule : p_.suppress->rules)
      out_.suppressions.push_back(
          {rule.reason, program(*rule.cond, false, "suppression rule '" + rule.reason + "'", rule.span)});
  }

  void add_play(const sema::Play& play) {
    const ast::PlayDecl& decl = *play.decl;
    const std::string what = "play '" + play.name + "'";
    if (play.temporal) {
      diags_.error("P0951", decl.name_span, what + " uses a temporal trigger, which is not supported yet");
      failed_ = true;
      return;
    }
    vm::Play vp;
    vp.name = play.name;
    vp.title = play.title;
    vp.owner = play.owner;
    vp.oncall = play.oncall;
    vp.runbook = play.runbook;
    vp.tags = play.tags;
    vp.priority = static_cast<vm::Priority>(play.priority);  // Low, Normal, High in both
    vp.mode = play.mode == sema::Mode::Shadow ? vm::Mode::Shadow : vm::Mode::Live;
    vp.sla_ms = play.sla_ms;
    vp.alerts = {play.alerts.volume_drop, play.alerts.volume_spike, play.alerts.success_rate,
                 play.alerts.lag_ms,      play.alerts.latency_ms,   play.alerts.undelivered_ms,
                 play.alerts.off};
    vp.worst_case_cost = play.worst_case_cost;
    vp.pos = pos(decl.name_span.valid() ? decl.name_span : decl.span);
    for (const auto& t : play.signal_types) vp.signal_types.push_back(signal_index_.at(t));
    if (play.pattern.kind != ast::OnKind::Signal) vp.pattern = pattern(play.pattern, what, decl.name_span);
    vp.lets.resize(static_cast<size_t>(std::max(play.n_lets, 0)));

    for (const auto& item : decl.items) {
      vm::Clause c;
      c.pos = pos(item.span);
      switch (item.kind) {
        case PlayItemKind::Meta:
        case PlayItemKind::On:
        case PlayItemKind::Alert:
          continue;
        case PlayItemKind::Where:
          c.kind = vm::ClauseKind::Where;
          c.program = program(*item.expr, true, what, decl.name_span);
          break;
        case PlayItemKind::WhereIcp:
          c.kind = vm::ClauseKind::WhereIcp;
          c.icp = static_cast<uint32_t>(icps_.at(item.index));
          break;
        case PlayItemKind::Unless:
          c.kind = vm::ClauseKind::Unless;
          c.program = program(*item.expr, true, what, decl.name_span);
          c.reason = item.reason;
          break;
        case PlayItemKind::UnlessSuppressed:
          c.kind = vm::ClauseKind::UnlessSuppressed;
          break;
        case PlayItemKind::UnlessFired:
          c.kind = vm::ClauseKind::UnlessFired;
          c.within_ms = item.within_ms;
          c.per = item.per == ast::Per::Contact   ? vm::Per::Contact
                  : item.per == ast::Per::Account ? vm::Per::Account
                                                  : vm::Per::Default;
          break;
        case PlayItemKind::Let:
          vp.lets.at(item.index) = {item.name, program(*item.expr, true, what, decl.name_span)};
          continue;
        case PlayItemKind::Do:
          vp.actions.push_back(action(item, what, decl.name_span));
          continue;
      }
      vp.clauses.push_back(std::move(c));
    }
    out_.plays.push_back(std::move(vp));
  }

  // A temporal trigger: each member's filter is compiled over its own type's slots.
  vm::Pattern pattern(const sema::Pattern& sp, const std::string& what, Span owner) {
    vm::Pattern vp;
    vp.kind = sp.kind == ast::OnKind::Count     ? vm::PatternKind::Count
              : sp.kind == ast::OnKind::Rate    ? vm::PatternKind::Rate
              : sp.kind == ast::OnKind::Score   ? vm::PatternKind::Score
              : sp.kind == ast::OnKind::Absence ? vm::PatternKind::Absence
                                                : vm::PatternKind::AllOf;
    if (sp.kind == ast::OnKind::Rate) {  // rate: its baseline and comparison
      vp.baseline_ms = sp.baseline_ms;
      vp.factor_micros = sp.factor_micros;
      vp.cmp = sp.cmp == "<="   ? vm::RateCmp::Le
               : sp.cmp == ">"  ? vm::RateCmp::Gt
               : sp.cmp == ">=" ? vm::RateCmp::Ge
                                : vm::RateCmp::Lt;
    }
    vp.threshold = sp.threshold;
    vp.within_ms = sp.within_ms;
    vp.lateness_ms = sp.lateness_ms;
    vp.per = sp.per == ast::Per::Contact ? vm::Per::Contact : vm::Per::Account;
    vp.pos = pos(sp.span);
    for (const auto& m : sp.members) {
      vm::PatternMember vm_member;
      vm_member.signal_type = signal_index_.at(m.signal_type);
      if (m.filter) vm_member.filter = program(*m.filter, true, what, owner);
      if (m.weight) vm_member.weight = program(*m.weight, true, what, owner);
      vp.members.push_back(std::move(vm_member));
    }
    // score: its name, half life and the value to cross (a score has no window)
    vp.score_name = sp.score_name;
    vp.half_life_ms = sp.half_life_ms;
    vp.crosses = sp.crosses;
    return vp;
  }

  // Every parameter of the action's signature, in signature order; the ones
  // not given take the declaration's default.
  vm::Action action(const ast::PlayItem& item, const std::string& what, Span owner) {
    const sema::ActionSig& sig = p_.actions.at(item.index);
    vm::Action a;
    a.name = sig.name;
    a.sink = sig.sink;
    a.pos = pos(item.span);
    for (const auto& prm : sig.params) {
      const ast::Expr* value = prm.default_value;
      for (const auto& arg : item.args)
        if (arg.name == prm.name && arg.value) value = arg.value.get();
      if (!value) {
        diags_.error("P0951", item.span,
                     "internal: argument '" + prm.name + "' of " + sig.name + " has no value and no default");
        failed_ = true;
        continue;
      }
      a.args.push_back({prm.name, program(*value, true, what, owner)});
      // What a Slack sink posts for a notify: values escaped, markup kept.
      if (sig.name == "notify" && prm.name == "text")
        a.mrkdwn_text = program(*value, true, what, owner, true);
    }
    return a;
  }

  const sema::Project& p_;
  vm::Bundle& out_;
  Diagnostics& diags_;
  std::map<std::string, uint32_t> signal_index_;
  std::vector<int> pools_, icps_;  // by Project::values index
  bool failed_ = false;
};

}  // namespace

bool generate(const sema::Project& project, vm::Bundle& out, Diagnostics& diags) {
  try {
    return Generator(project, out, diags).run();
  } catch (const std::exception& e) {
    // An annotation the checker should have filled is missing (a project
    // with check errors was passed in): refuse rather than crash.
    diags.error(
        "P0959", Span{},
        std::string("internal compiler error: cannot compile this project (does it have check errors?): ") +
            e.what());
    out = vm::Bundle();
    return false;
  }
}

bool compile_expression(const sema::Project& project, const ast::Expr& checked_expr, vm::Program& out,
                        std::string& error, const sema::SignalSchema* signal) {
  std::vector<int> pools(project.values.size(), -1);
  int n_pools = 0;
  for (size_t i = 0; i < project.values.size(); ++i)
    if (project.values[i].kind == ast::ValueKind::Pool) pools[i] = n_pools++;
  Env env;
  env.project = &project;
  env.pools = &pools;
  env.icps = nullptr;  // outside a play there is no signal to evaluate icps for
  env.signal_slots = signal != nullptr;
  ProgramBuilder b(&project.sources);
  try {
    ExprCompiler c(env, b);
    uint16_t r = b.alloc();
    c.compile(checked_expr, r);
    uint32_t lets = b.lets_read();
    out = b.finish(r, checked_expr.span);
    vm::ProgramLimits limits;
    limits.account_slots = static_cast<uint32_t>(project.account.fields.size());
    limits.contact_slots = static_cast<uint32_t>(project.contact.fields.size());
    limits.lets = lets;
    limits.signal_slots = signal ? static_cast<uint32_t>(signal->props.size()) : 0;
    limits.pools = static_cast<uint32_t>(n_pools);
    limits.files = static_cast<uint32_t>(std::max<size_t>(project.sources.size(), 1));
    error = vm::verify(out, limits);
    if (!error.empty()) error = "internal compiler error: the program does not verify: " + error;
  } catch (const TooLarge& t) {
    error = std::string("expression too large to compile: ") + t.what();
  } catch (const Unsupported& u) {
    error = u.what();
  }
  return error.empty();
}

}  // namespace play::codegen
