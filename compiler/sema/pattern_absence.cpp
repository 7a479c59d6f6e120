// `on absence of T for D per X` and `on absence of (T where e) for D per X`
// (docs/language.md section 12, "Absence"): a timer per account or contact,
// armed by each counted T, that fires when D passes with no newer one.
//
// The rest of the play runs on a synthetic signal (docs/signals.md,
// "Synthetic signals"): its envelope is set, its properties are not, so the
// play's clauses see `signal` with no properties (reading one is an unknown
// property, caught here rather than a null at run time).
#include <fmt/format.h>

#include "compiler/sema/checker.h"

namespace play::sema {

namespace {
constexpr int64_t kMaxWindowMs = 90LL * 24 * 3600 * 1000;  // vm::kMaxPatternWindowMs
}

SignalScope Checker::check_absence(ast::OnClause& on, Play& play) {
  Pattern& pat = play.pattern;
  pat.kind = on.kind;
  pat.span = on.span;
  pat.within_ms = on.window_ms;
  std::string form =
      fmt::format("`absence of {}`", on.signals.empty() ? std::string("...") : on.signals[0].name);
  if (on.window_ms <= 0 || on.window_ms > kMaxWindowMs)
    d_.error("P0321", on.span,
             fmt::format("the time of {} must be a positive duration of at most 90d, e.g. `for 7d`", form));
  if (on.per == "account" || on.per == "contact") {
    pat.per = on.per == "account" ? ast::Per::Account : ast::Per::Contact;
  } else {
    d_.error("P0322", on.span,
             on.per.empty()
                 ? fmt::format("say whose {} the play waits for: end it with `per account` or `per contact`",
                               on.signals.empty() ? std::string("signals") : on.signals[0].name)
                 : fmt::format("`per {}`: an absence is timed per account or per contact{}", on.per,
                               did_you_mean(on.per, {"account", "contact"})));
  }
  SignalScope sc;
  sc.unknown = true;
  if (on.signals.size() != 1) return sc;  // recovered from a syntax error
  ast::SignalRef& ref = on.signals[0];
  auto it = p_.signals.find(ref.name);
  if (it == p_.signals.end()) {
    std::vector<std::string> known;
    for (const auto& [name, schema] : p_.signals) known.push_back(name);
    d_.error("P0105", ref.span,
             fmt::format("unknown signal type '{}'{}", ref.name, did_you_mean(ref.name, known)));
    return sc;
  }
  if (ref.filter) {
    PlayScope member;
    member.signal = signal_scope({&it->second});
    Scope s = member.clause(fmt::format("the where of {}", form), true);
    check_bool(*ref.filter, s, fmt::format("the where of {}", form));
  }
  pat.members.push_back({ref.name, ref.filter.get()});
  play.signal_types.push_back(ref.name);
  // The fire's signal: the envelope only.
  sc.unknown = false;
  sc.label = fmt::format("absence of {} (a synthetic signal: no properties)", ref.name);
  return sc;
}

}  // namespace play::sema
