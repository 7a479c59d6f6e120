// Plays (LANGUAGE.md section 5): metadata, the `on` clause and the signal
// scope it gives, filters in source order, lets, and `do` actions. Of the
// temporal `on` forms (section 10), count windows and `all of` are checked
// here (check_pattern), rates in pattern_rate.cpp, scores in
// pattern_score.cpp, absences in pattern_absence.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/text.h"
#include "compiler/sema/checker.h"

namespace play::sema {

namespace {

// Words a misspelt clause keyword may be meant as (a misspelt keyword parses as a metadata key).
const std::vector<std::string> kItemWords = {"title",   "owner", "oncall", "priority", "sla",
                                             "runbook", "tags",  "mode",   "on",       "where",
                                             "unless",  "let",   "do",     "alert",    "lateness"};

constexpr int64_t kMaxWindowMs = 90LL * 24 * 3600 * 1000;  // vm::kMaxPatternWindowMs
constexpr int64_t kMaxThreshold = 1000;                    // vm::kMaxCountThreshold
constexpr size_t kMaxMembers = 16;                         // vm::kMaxAllOfMembers

const char* temporal_form(ast::OnKind k) {
  switch (k) {
    case ast::OnKind::Rate:
      return "`on rate(...)` (a rate-change trigger)";
    default:
      return "this form";
  }
}

std::optional<std::string> literal_text(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::String) return e.string_value;
  if (e.kind == ast::ExprKind::Template) {
    std::string s;
    for (const auto& p : e.parts) {
      if (p.is_expr) return std::nullopt;
      s += p.text;
    }
    return s;
  }
  return std::nullopt;
}

}  // namespace

SignalScope signal_scope(const std::vector<const SignalSchema*>& types) {
  SignalScope sc;
  if (types.size() == 1) {
    sc.props = types[0]->props;
    for (size_t i = 0; i < sc.props.size(); ++i) sc.slots.push_back(static_cast<int>(i));
    sc.label = types[0]->name;
    return sc;
  }
  sc.label = "any of (";
  for (size_t i = 0; i < types.size(); ++i) sc.label += (i ? ", " : "") + types[i]->name;
  sc.label += ")";
  // Only properties every listed type declares, with one type, can be read.
  std::set<std::string> seen;
  for (const auto* t : types)
    for (const auto& f : t->props) {
      if (!seen.insert(f.name).second) continue;
      bool everywhere = true;
      int slot = t->find(f.name);
      for (const auto* u : types) {
        int s = u->find(f.name);
        if (s < 0 || !same_type(*u->props[s].type, *f.type) ||
            u->props[s].type->nullable != f.type->nullable) {
          everywhere = false;
          break;
        }
        if (s != slot) slot = -1;
      }
      if (everywhere) {
        sc.props.push_back(f);
        sc.slots.push_back(slot);
      } else {
        sc.partial.push_back(f.name);
      }
    }
  return sc;
}

void Checker::check_action_args(const ActionSig& sig, std::vector<ast::NamedArg>& args, Scope& s, Span call,
                                bool subset) {
  std::vector<std::string> names;
  for (const auto& prm : sig.params) names.push_back(prm.name);
  std::set<std::string> given, meant;  // meant: what misspelt argument names were probably meant as
  for (auto& a : args) {
    if (!a.value) continue;  // recovered from a syntax error
    TypeRef t = check(*a.value, s);
    auto it = std::find(names.begin(), names.end(), a.name);
    if (it == names.end()) {
      meant.insert(closest_name(a.name, names));
      d_.error("P0402", a.name_span,
               fmt::format("{} has no argument '{}'{}", sig.name, a.name, did_you_mean(a.name, names)));
      continue;
    }
    if (!given.insert(a.name).second) {
      d_.error("P0403", a.name_span, fmt::format("argument '{}' is given twice", a.name));
      continue;
    }
    const Param& prm = sig.params[it - names.begin()];
    if (!assignable(*t, *prm.type)) {
      bool only_null = !is_error(t) && t->nullable && assignable(*t->as_nullable(false), *prm.type);
      d_.error(
          "P0405", a.value->span,
          fmt::format("argument '{}' of {} must be {}, but this is {}{}", a.name, sig.name, a_type(prm.type),
                      a_type(t), only_null ? "; it may be null: give a fallback with ??" : ""));
    }
    // A webhook's sink is chosen when the bundle is built, so it must be fixed text.
    if (sig.sink.empty() && a.name == "sink" && !subset && !constant_string(*a.value, p_))
      d_.error(
          "P0406", a.value->span,
          fmt::format("the sink of {} must be a constant string naming a configured sink, e.g. \"hubspot\"",
                      sig.name));
  }
  if (subset) return;
  for (const auto& prm : sig.params)
    if (!prm.default_value && !given.count(prm.name) && !meant.count(prm.name))
      d_.error("P0404", call,
               fmt::format("{} needs the argument '{}' ({})", sig.name, prm.name, prm.type->str()));
}

// ---- a play, in named steps: metadata, alert thresholds, the `on` clause, lets, the clauses
// in source order, then the play's lints and its cost.

void Checker::check_play(ast::PlayDecl& decl) {
  Play& play = p_.plays[p_.play_index[decl.name]];
  bool user = is_user_span(decl.name_span);
  check_play_metadata(decl, play, user);
  check_play_alerts(decl, play);
  PlayScope scope;
  scope.signal = check_on(decl, play);
  if (play.lateness_ms) {
    if (play.pattern.kind == ast::OnKind::Signal && !play.temporal) {
      auto it = std::ranges::find_if(decl.items, [](const ast::PlayItem& i) {
        return i.kind == ast::PlayItemKind::Meta && i.name == "lateness";
      });
      d_.error(
          "P0324", it->name_span,
          fmt::format(
              "`lateness` only applies to a play with a temporal trigger (`on count(...)`, `on all "
              "of (...)`, `on rate(...)`, `on score ...`, `on absence of ...`); play '{}' reacts to each "
              "signal as it comes",
              decl.name));
    } else {
      play.pattern.lateness_ms = *play.lateness_ms;
      if (play.pattern.kind == ast::OnKind::Rate) check_rate_lateness(decl, play.pattern);
    }
  }
  scope.lets = declare_lets(decl, play);
  ClauseSummary summary = check_clauses(decl, play, scope);
  lint_play(decl, summary, scope.lets, user);
  play.worst_case_cost = play_cost(play);
}

void Checker::check_play_metadata(ast::PlayDecl& decl, Play& play, bool user) {
  std::set<std::string> keys;
  bool sla_given = false;
  for (auto& item : decl.items) {
    if (item.kind != ast::PlayItemKind::Meta) continue;
    const std::string& k = item.name;
    static const std::vector<std::string> known = names_of(meta_keys());
    if (std::ranges::find(known, k) == known.end()) {
      std::string near = did_you_mean(k, kItemWords);
      // Words from other rule languages for the clauses this one has.
      struct Meant {
        const char* words[9];
        const char* clause;
      };
      static const Meant meant[] = {
          {{"if", "when", "filter", "require", "requires", "condition", "only_if", "and_where"}, "where"},
          {{"except", "skip", "ignore", "exclude"}, "unless"},
          {{"then", "action", "run", "call", "send", "perform", "execute"}, "do"},
          {{"set", "var", "val", "define"}, "let"},
          {{"trigger", "event", "listen", "when_signal"}, "on"}};
      for (const auto& m : meant)
        for (const char* w : m.words)
          if (w && k == w) near = fmt::format("; did you mean '{}'?", m.clause);
      d_.error("P0301", item.name_span,
               near.empty()
                   ? fmt::format("unknown play item '{}': metadata keys are {}", k, listed(meta_keys()))
                   : fmt::format("unknown play item '{}'{}", k, near));
      continue;
    }
    if (!keys.insert(k).second) {
      d_.error("P0303", item.name_span, fmt::format("'{}' is given twice in play '{}'", k, decl.name));
      continue;
    }
    if (!item.expr) continue;  // recovered from a syntax error
    if (check_meta_value(k, *item.expr, play) && k == "sla") sla_given = true;
    if (user) lint_literal_template(*item.expr, fmt::format("the play's {}", k));
  }
  if (!sla_given)
    play.sla_ms = play.priority == Priority::High  ? 5 * 60 * 1000
                  : play.priority == Priority::Low ? 4 * 3600 * 1000
                                                   : 15 * 60 * 1000;
  if (!keys.count("owner"))
    d_.error("P0304", decl.name_span,
             fmt::format("play '{}' has no owner: add `owner \"team@example.com\"` (who answers for it)",
                         decl.name));
  std::vector<std::string> missing;
  for (const char* k : {"title", "oncall", "runbook"})
    if (!keys.count(k)) missing.push_back(k);
  if (!missing.empty() && user) {
    d_.warning("P0305", decl.name_span,
               fmt::format("play '{}' has no {}; the trigger registry shows them to whoever is paged",
                           decl.name, spoken_list(missing, "or")));
  }
}

bool Checker::check_meta_value(const std::string& k, const ast::Expr& v, Play& play) {
  auto bad = [&](const std::string& want) {
    d_.error("P0302", v.span, fmt::format("'{}' must be {}", k, want));
    return false;
  };
  if (k == "title" || k == "owner" || k == "oncall" || k == "runbook") {
    auto text = literal_text(v);
    if (!text) return bad("a string, e.g. " + k + " \"...\"");
    (k == "title"    ? play.title
     : k == "owner"  ? play.owner
     : k == "oncall" ? play.oncall
                     : play.runbook) = *text;
    if (text->empty()) bad("a non-empty string");
    return true;
  }
  if (k == "priority") {
    if (v.kind != ast::ExprKind::Ident || (v.name != "high" && v.name != "normal" && v.name != "low"))
      return bad("high, normal or low" + (v.kind == ast::ExprKind::Ident
                                              ? did_you_mean(v.name, {"high", "normal", "low"})
                                              : std::string()));
    play.priority = v.name == "high" ? Priority::High : v.name == "low" ? Priority::Low : Priority::Normal;
    return true;
  }
  if (k == "mode") {
    if (v.kind != ast::ExprKind::Ident || (v.name != "live" && v.name != "shadow"))
      return bad("live or shadow" +
                 (v.kind == ast::ExprKind::Ident ? did_you_mean(v.name, {"live", "shadow"}) : std::string()));
    play.mode = v.name == "shadow" ? Mode::Shadow : Mode::Live;
    return true;
  }
  if (k == "lateness") {
    if (v.kind != ast::ExprKind::Duration || v.int_value < 0 || v.int_value > kMaxWindowMs)
      return bad("a duration from 0s to 90d, e.g. lateness 2h");
    play.lateness_ms = v.int_value;
    return true;
  }
  if (k == "sla") {
    if (v.kind != ast::ExprKind::Duration || v.int_value <= 0)
      return bad("a positive duration, e.g. sla 15m");
    play.sla_ms = v.int_value;
    return true;
  }
  // tags
  std::vector<std::string> tags;
  bool ok = v.kind == ast::ExprKind::List;
  if (ok)
    for (const auto& a : v.args) {
      auto t = literal_text(*a);
      if (!t)
        ok = false;
      else
        tags.push_back(*t);
    }
  if (!ok) return bad("a list of strings, e.g. tags [\"website\", \"enterprise\"]");
  play.tags = std::move(tags);
  return true;
}

SignalScope Checker::check_on(ast::PlayDecl& decl, Play& play) {
  SignalScope sc;
  ast::PlayItem* on = nullptr;
  for (auto& item : decl.items) {
    if (item.kind != ast::PlayItemKind::On) continue;
    if (on) {
      d_.error(
          "P0307", item.span,
          fmt::format("play '{}' has more than one `on` clause; a play reacts to one trigger (use `on any of "
                      "(A, B)` for several signal types)",
                      decl.name));
      continue;
    }
    on = &item;
  }
  if (!on) {
    d_.error("P0306", decl.name_span,
             fmt::format(
                 "play '{}' has no `on` clause: say which signal triggers it, e.g. `on website.page_viewed`",
                 decl.name));
    sc.unknown = true;
    return sc;
  }
  if (on->on.kind == ast::OnKind::Count || on->on.kind == ast::OnKind::AllOf ||
      on->on.kind == ast::OnKind::Rate)
    return check_pattern(on->on, play);
  if (on->on.kind == ast::OnKind::Score) return check_score_trigger(on->on, play);
  if (on->on.kind == ast::OnKind::Absence) return check_absence(on->on, play);
  if (on->on.kind != ast::OnKind::Signal && on->on.kind != ast::OnKind::AnyOf) {
    d_.error(
        "P0900", on->on.span,
        fmt::format("{} is not supported yet: of the temporal forms (docs/language.md section 12) only `on "
                    "count(...)`, `on all of (...)`, `on rate(...)`, `on score ... crosses ...` and `on "
                    "absence of ...` are built so far",
                    temporal_form(on->on.kind)));
    play.temporal = true;
    sc.unknown = true;
    return sc;
  }
  std::vector<const SignalSchema*> types;
  std::vector<std::string> known;
  for (const auto& [name, schema] : p_.signals) known.push_back(name);
  for (const auto& ref : on->on.signals) {
    auto it = p_.signals.find(ref.name);
    if (it == p_.signals.end()) {
      d_.error("P0105", ref.span,
               fmt::format("unknown signal type '{}'{}", ref.name, did_you_mean(ref.name, known)));
      sc.unknown = true;
      continue;
    }
    if (std::ranges::find(play.signal_types, ref.name) != play.signal_types.end()) {
      d_.warning("P0506", ref.span, fmt::format("signal type '{}' is listed twice", ref.name));
      continue;
    }
    play.signal_types.push_back(ref.name);
    types.push_back(&it->second);
  }
  if (!sc.unknown && !types.empty()) sc = signal_scope(types);
  if (types.empty()) sc.unknown = true;
  return sc;
}

// `on count(T [where e]) >= N within D per X` and `on all of (T [where e],
// ...) within D per X`: each member's `where` sees `signal` as its own type;
// the rest of the play sees the signal that completed the pattern, typed as
// `on any of` the types named. `on rate(...)`: the rest of the play sees
// the synthetic signal of the closed bucket (no properties).
SignalScope Checker::check_pattern(ast::OnClause& on, Play& play) {
  Pattern& pat = play.pattern;
  pat.kind = on.kind;
  pat.span = on.span;
  pat.within_ms = on.window_ms;
  bool count = on.kind == ast::OnKind::Count, rate = on.kind == ast::OnKind::Rate;
  const char* form = count ? "count(...)" : rate ? "rate(...)" : "all of (...)";
  if (rate) {
    check_rate(on, pat);  // pattern_rate.cpp
  } else if (count) {
    if (on.cmp_op != ">=")
      d_.error(
          "P0323", on.span,
          fmt::format("a count trigger fires when the count reaches a number: write `>= N`, not `{} N` (use "
                      "`>= N + 1` for more than N)",
                      on.cmp_op));
    const ast::Expr* n = on.value.get();
    if (!n || n->kind != ast::ExprKind::Int || n->int_value < 1 || n->int_value > kMaxThreshold)
      d_.error(
          "P0320", n ? n->span : on.span,
          fmt::format("the count to reach must be a whole number from 1 to {}, e.g. `>= 3`", kMaxThreshold));
    else
      pat.threshold = static_cast<uint32_t>(n->int_value);
  } else if (on.signals.size() < 2 || on.signals.size() > kMaxMembers) {
    d_.error(
        "P0325", on.span,
        fmt::format("`all of (...)` needs from 2 to {} signals (it has {}); for one, use `on count(T) >= 1 "
                    "within D per ...` or `on T`",
                    kMaxMembers, on.signals.size()));
  }
  if (!rate && (on.window_ms <= 0 || on.window_ms > kMaxWindowMs))
    d_.error(
        "P0321", on.span,
        fmt::format("the window of {} must be a positive duration of at most 90d, e.g. `within 48h`", form));
  if (on.per == "account" || on.per == "contact") {
    pat.per = on.per == "account" ? ast::Per::Account : ast::Per::Contact;
  } else {
    d_.error(
        "P0322", on.span,
        on.per.empty()
            ? fmt::format("say whose signals {} counts together: end it with `per account` or `per contact`",
                          form)
            : fmt::format("`per {}`: a window is kept per account or per contact{}", on.per,
                          did_you_mean(on.per, {"account", "contact"})));
  }
  std::vector<const SignalSchema*> types;
  std::vector<std::string> known;
  for (const auto& [name, schema] : p_.signals) known.push_back(name);
  bool unknown = false;
  for (auto& ref : on.signals) {
    auto it = p_.signals.find(ref.name);
    if (it == p_.signals.end()) {
      d_.error("P0105", ref.span,
               fmt::format("unknown signal type '{}'{}", ref.name, did_you_mean(ref.name, known)));
      unknown = true;
      continue;
    }
    if (ref.filter) {
      PlayScope member;
      member.signal = signal_scope({&it->second});
      Scope s = member.clause(fmt::format("the where of {}", form), true);
      check_bool(*ref.filter, s, fmt::format("the where of {}", form));
    }
    pat.members.push_back({ref.name, ref.filter.get()});
    if (std::ranges::find(play.signal_types, ref.name) == play.signal_types.end()) {
      play.signal_types.push_back(ref.name);
      types.push_back(&it->second);
    }
  }
  SignalScope sc;
  if (!unknown && !types.empty()) sc = signal_scope(types);
  if (unknown || types.empty()) sc.unknown = true;
  // A rate fires on a synthetic signal (a closed bucket, runtime/engine/rate.h):
  // the rest of the play sees its envelope only, as an absence's.
  if (rate && !sc.unknown) {
    sc = SignalScope();
    sc.label = fmt::format("rate of {} (a synthetic signal: no properties)", on.signals[0].name);
  }
  return sc;
}

// Lets are known up front, so a filter naming one gets a precise message.
std::vector<LetInfo> Checker::declare_lets(ast::PlayDecl& decl, Play& play) {
  std::vector<LetInfo> lets;
  for (auto& item : decl.items) {
    if (item.kind != ast::PlayItemKind::Let) continue;
    if (std::ranges::find(lets, item.name, &LetInfo::name) != lets.end()) {
      d_.error("P0313", item.name_span,
               fmt::format("let '{}' is defined twice in play '{}'", item.name, decl.name));
      continue;
    }
    if (item.name == "account" || item.name == "contact" || item.name == "now") {
      d_.error("P0109", item.name_span,
               fmt::format("'{}' is a built-in name and cannot be a let", item.name));
      continue;
    }
    auto v = p_.value_index.find(item.name);
    if (v != p_.value_index.end()) {
      d_.error("P0314", item.name_span,
               fmt::format("let '{}' would hide the project-level {} '{}'; rename the let", item.name,
                           name_kinds_[item.name], item.name));
      continue;
    }
    item.index = static_cast<int32_t>(lets.size());
    lets.push_back({item.name, item.name_span, nullptr, false});
    play.let_names.push_back(item.name);
  }
  play.n_lets = static_cast<int>(lets.size());
  return lets;
}

Scope PlayScope::clause(const std::string& what, bool filter) {
  Scope s;
  s.what = what;
  s.signal_props = signal.unknown ? nullptr : &signal.props;
  s.prop_slots = &signal.slots;
  s.partial_props = &signal.partial;
  s.signal_label = signal.label;
  s.signal_unknown = signal.unknown;
  s.context = true;
  s.lets = &lets;
  s.in_filter = filter;
  s.lets_visible = filter ? 0 : static_cast<int>(lets.size());
  return s;
}

ClauseSummary Checker::check_clauses(ast::PlayDecl& decl, Play& play, PlayScope& scope) {
  ClauseSummary summary;
  bool user = is_user_span(decl.name_span);
  for (auto& item : decl.items) {
    bool needs_expr = item.kind == ast::PlayItemKind::Where || item.kind == ast::PlayItemKind::Unless ||
                      item.kind == ast::PlayItemKind::Let;
    if (needs_expr && !item.expr) continue;  // recovered from a syntax error
    switch (item.kind) {
      case ast::PlayItemKind::Meta:
      case ast::PlayItemKind::On:
      case ast::PlayItemKind::Alert:
        break;
      case ast::PlayItemKind::Where: {
        Scope s = scope.clause("a where clause", true);
        TypeRef t = check_bool(*item.expr, s, "a where clause");
        if (user && is_boolish(t) && !is_error(t) && is_constant_expr(*item.expr, p_))
          d_.warning(
              "P0504", item.expr->span,
              "this where clause is constant: it reads nothing from the signal, account or contact, so it "
              "always passes or never does");
        if (user) lint_not_of_nullable(*item.expr);
        break;
      }
      case ast::PlayItemKind::WhereIcp:
        check_where_icp(item, play);
        break;
      case ast::PlayItemKind::Unless: {
        Scope s = scope.clause("an unless clause", true);
        check_bool(*item.expr, s, "an unless clause");
        play_unless_reasons[decl.name].push_back(item.reason);
        break;
      }
      case ast::PlayItemKind::UnlessSuppressed:
        summary.has_suppressed = true;
        play.uses_suppression = true;
        if (!p_.suppress)
          d_.error("P0308", item.span,
                   "`unless suppressed` needs the project's suppress block, and there is none: declare "
                   "`suppress { <condition> as \"reason\" ... }` once in the project");
        break;
      case ast::PlayItemKind::UnlessFired:
        summary.has_fired = true;
        if (item.within_ms <= 0)
          d_.error("P0312", item.span, "`unless fired within` needs a positive duration, e.g. 4h");
        break;
      case ast::PlayItemKind::Let: {
        Scope s = scope.clause("a let", false);
        if (item.index < 0) {  // a rejected let: still check its expression
          check(*item.expr, s);
          break;
        }
        s.lets_visible = item.index;  // earlier lets only
        scope.lets[item.index].type = check(*item.expr, s);
        if (user) lint_literal_template(*item.expr, fmt::format("let '{}'", item.name));
        break;
      }
      case ast::PlayItemKind::Do: {
        Scope s = scope.clause("an action argument", false);
        if (check_do(item, play, decl.name, s) && item.name == "enroll" && !summary.enroll)
          summary.enroll = &item;
        break;
      }
    }
  }
  return summary;
}

void Checker::check_where_icp(ast::PlayItem& item, Play& play) {
  auto it = p_.value_index.find(item.name);
  if (it != p_.value_index.end()) p_.values[it->second].used = true;
  if (it == p_.value_index.end() || p_.values[it->second].kind != ast::ValueKind::Icp) {
    std::vector<std::string> icps;
    for (const auto& v : p_.values)
      if (v.kind == ast::ValueKind::Icp) icps.push_back(v.name);
    std::string near = closest_name(item.name, icps);
    // One mistake, one diagnostic: the icp meant is not also "never used".
    if (auto meant = p_.value_index.find(near); meant != p_.value_index.end())
      p_.values[meant->second].used = true;
    std::string what = it == p_.value_index.end()
                           ? fmt::format("unknown icp '{}'{}", item.name,
                                         near.empty() ? "" : "; did you mean '" + near + "'?")
                           : fmt::format(
                                 "'{}' is a {}, not an icp; `where icp` needs a name declared with "
                                 "`icp NAME = ...`",
                                 item.name, name_kinds_[item.name]);
    d_.error("P0106", item.name_span, what);
    return;
  }
  item.index = it->second;
  play.icps_used.push_back(item.name);
}

bool Checker::check_do(ast::PlayItem& item, Play& play, const std::string& play_name, Scope& s) {
  auto it = p_.action_index.find(item.name);
  if (it == p_.action_index.end()) {
    std::vector<std::string> names;
    for (const auto& a : p_.actions) names.push_back(a.name);
    d_.error("P0401", item.name_span,
             fmt::format("unknown action '{}'{}", item.name, did_you_mean(item.name, names)));
    for (auto& a : item.args)
      if (a.value) check(*a.value, s);
    return false;
  }
  item.index = it->second;
  check_action_args(p_.actions[it->second], item.args, s, item.span, false);
  play.actions.push_back(item.name);
  play_actions[play_name].push_back(item.name);
  return true;
}

// The lints of LANGUAGE.md section 5 that look at one play.
void Checker::lint_play(const ast::PlayDecl& decl, const ClauseSummary& summary,
                        const std::vector<LetInfo>& lets, bool user) {
  if (summary.enroll && !summary.has_suppressed)
    d_.error(
        "P0500", summary.enroll->span,
        fmt::format("play '{}' enrolls contacts but has no `unless suppressed`: every enroll must pass the "
                    "project's suppression rules (do-not-contact, customers, ...)",
                    decl.name));
  if (summary.enroll && !summary.has_fired && user)
    d_.warning(
        "P0501", summary.enroll->span,
        fmt::format("play '{}' enrolls without `unless fired within D`: a burst of signals would enroll the "
                    "same contact again and again",
                    decl.name));
  if (!user) return;
  for (const auto& l : lets)
    if (!l.used) d_.warning("P0502", l.name_span, fmt::format("let '{}' is never used", l.name));
  if (std::ranges::find(decl.items, ast::PlayItemKind::Do, &ast::PlayItem::kind) == decl.items.end())
    d_.warning("P0309", decl.name_span,
               fmt::format("play '{}' has no `do` clause, so it never acts", decl.name));
}

}  // namespace play::sema
