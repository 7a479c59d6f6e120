// Decaying scores (docs/language.md section 12, "Scores"):
//
//   score intent per account half_life 7d {
//     website.page_viewed where signal.category == "pricing" => 10
//     review_site.compared => 15
//   }
//   play hot_account { on score intent crosses 50 ... }
//
// A declaration's rules each name a signal type, an optional filter (a bool
// over that type's signal, as a count's `where`) and a weight (a number over
// the same scope). A play `on score NAME crosses N` gets the rules as its
// pattern's members; its signal scope is what the rules' types share (as
// `on all of`). P0330-P0334.
#include <fmt/format.h>

#include "common/text.h"
#include "compiler/sema/checker.h"

namespace play::sema {

namespace {

constexpr int64_t kMaxHalfLifeMs = 90LL * 24 * 3600 * 1000;  // vm::kMaxPatternWindowMs
constexpr int64_t kMinHalfLifeMs = 60 * 1000;                // a minute: below, a score is a count
constexpr size_t kMaxRules = 32;                             // vm::kMaxScoreRules
constexpr double kMaxCrosses = 1e9;                          // vm::kMaxScoreThreshold

}  // namespace

void Checker::check_score(const ast::ScoreDecl& decl) {
  auto it = p_.scores.find(decl.name);
  if (it == p_.scores.end() || it->second.decl != &decl || it->second.checked) return;
  Score& score = it->second;
  score.checked = true;
  bool ok = true;
  Span head{decl.span.file, decl.span.begin, decl.name_span.end};
  if (decl.per.empty() || decl.per == "account") {
    score.per = ast::Per::Account;
  } else if (decl.per == "contact") {
    score.per = ast::Per::Contact;
  } else {
    ok = false;
    d_.error("P0331", head,
             fmt::format("`per {}`: a score is kept per account or per contact{}", decl.per,
                         did_you_mean(decl.per, {"account", "contact"})));
  }
  if (decl.half_life_ms < kMinHalfLifeMs || decl.half_life_ms > kMaxHalfLifeMs) {
    ok = false;
    d_.error("P0331", head,
             fmt::format("the half_life of score '{}' must be a duration from 1m to 90d, e.g. `half_life 7d`",
                         decl.name));
  }
  if (decl.rules.empty() || decl.rules.size() > kMaxRules) {
    ok = false;
    d_.error("P0331", head,
             fmt::format("score '{}' needs from 1 to {} rules `T [where e] => weight` (it has {})", decl.name,
                         kMaxRules, decl.rules.size()));
  }
  std::vector<std::string> known;
  for (const auto& [name, schema] : p_.signals) known.push_back(name);
  for (const auto& rule : decl.rules) {
    auto sig = p_.signals.find(rule.signal.name);
    if (sig == p_.signals.end()) {
      ok = false;
      d_.error(
          "P0105", rule.signal.span,
          fmt::format("unknown signal type '{}'{}", rule.signal.name, did_you_mean(rule.signal.name, known)));
      continue;
    }
    // A rule reads its own type's signal (and the account and contact, as
    // a count's where does); no lets: they belong to a play.
    PlayScope member;
    member.signal = signal_scope({&sig->second});
    if (rule.signal.filter) {
      Scope s = member.clause(fmt::format("the where of a rule of score '{}'", decl.name), true);
      check_bool(*rule.signal.filter, s, fmt::format("the where of a rule of score '{}'", decl.name));
    }
    if (!rule.weight) {  // recovered from a syntax error
      ok = false;
      continue;
    }
    Scope s = member.clause(fmt::format("the weight of a rule of score '{}'", decl.name), true);
    TypeRef t = check(*rule.weight, s);
    if (!is_error(t) && (t->nullable || !(t->is_numeric() || t->kind == TypeKind::Dyn))) {
      ok = false;
      bool only_null = t->nullable && (t->is_numeric() || t->kind == TypeKind::Dyn);
      d_.error(
          "P0332", rule.weight->span,
          fmt::format("a score rule's weight must be a number (an int or a float), but this is {}{}",
                      a_type(t), only_null ? "; it may be null: give a fallback with ??, e.g. `?? 0`" : ""));
    }
    score.rules.push_back({rule.signal.name, rule.signal.filter.get(), rule.weight.get()});
  }
  score.ok = ok;
}

// `on score NAME crosses N`: the score's rules become the play's pattern.
SignalScope Checker::check_score_trigger(ast::OnClause& on, Play& play) {
  Pattern& pat = play.pattern;
  pat.kind = on.kind;
  pat.span = on.span;
  pat.score_name = on.score_name;
  SignalScope sc;
  sc.unknown = true;
  const ast::Expr* n = on.value.get();
  bool number = n && (n->kind == ast::ExprKind::Int || n->kind == ast::ExprKind::Float);
  double v = !number ? 0 : n->kind == ast::ExprKind::Int ? static_cast<double>(n->int_value) : n->float_value;
  if (!number || !(v > 0) || v > kMaxCrosses)
    d_.error(
        "P0333", n ? n->span : on.span,
        "a score's threshold must be a positive number written out (at most 1000000000), e.g. `crosses 50`");
  else
    pat.crosses = v;
  auto it = p_.scores.find(on.score_name);
  if (it == p_.scores.end()) {
    std::vector<std::string> names;
    for (const auto& [name, s] : p_.scores) names.push_back(name);
    // One mistake, one diagnostic: the score meant is not also "never used".
    if (auto meant = p_.scores.find(closest_name(on.score_name, names)); meant != p_.scores.end())
      meant->second.used = true;
    d_.error("P0330", on.span,
             fmt::format("unknown score '{}'{}", on.score_name,
                         names.empty() ? "; declare it with `score NAME per account half_life 7d { T => 10 }`"
                                       : did_you_mean(on.score_name, names)));
    return sc;
  }
  Score& score = it->second;
  score.used = true;
  check_score(*score.decl);
  if (!score.ok) return sc;  // its errors were reported at the declaration
  pat.per = score.per;
  pat.half_life_ms = score.decl->half_life_ms;
  pat.members = score.rules;
  std::vector<const SignalSchema*> types;
  for (const auto& m : score.rules)
    if (std::ranges::find(play.signal_types, m.signal_type) == play.signal_types.end()) {
      play.signal_types.push_back(m.signal_type);
      types.push_back(&p_.signals.at(m.signal_type));
    }
  return signal_scope(types);
}

void Checker::lint_unused_scores() {
  for (const auto& [name, score] : p_.scores)
    if (!score.used && score.decl && is_user_span(score.decl->name_span))
      d_.warning("P0334", score.decl->name_span,
                 fmt::format("score '{}' is never used: no play has `on score {} crosses N`", name, name));
}

}  // namespace play::sema
