// `test` blocks (LANGUAGE.md section 9; syntax in grammar/Play.g4): records
// must fit the context schemas, signals their catalog entry, expectations
// must name plays, actions and outcomes that exist.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compiler/sema/checker.h"

namespace play::sema {

namespace {
const std::vector<std::string> kEnvelopeKeys = {"id", "account", "contact", "source"};
}  // namespace

void Checker::check_test(ast::TestDecl& decl) {
  Scope s;
  s.what = "a test";
  s.constant = true;
  for (auto& item : decl.items) {
    switch (item.kind) {
      case ast::TestItemKind::Given:
        check_given(item, s);
        break;
      case ast::TestItemKind::Signal:
        check_test_signal(item, s);
        break;
      case ast::TestItemKind::ExpectAction:
        check_expect_action(item, s);
        break;
      case ast::TestItemKind::ExpectOutcome:
        check_expect_outcome(item);
        break;
      case ast::TestItemKind::ExpectNothingElse:
      case ast::TestItemKind::After:  // any duration: `after 0s` moves the clock nowhere
        break;
    }
  }
}

// A record field's value: checked, and of the field's type when `want` is given.
void Checker::check_test_value(ast::RecordField& f, const TypeRef& want, const std::string& what, Scope& s) {
  if (!f.value) return;  // recovered from a syntax error
  TypeRef t = check(*f.value, s);
  if (want && !assignable(*t, *want))
    d_.error("P0603", f.value->span,
             fmt::format("{} '{}' must be {}, but this is {}", what, f.name, a_type(want), a_type(t)));
}

const Play* Checker::find_test_play(const ast::TestItem& item) {
  auto it = p_.play_index.find(item.play);
  if (it != p_.play_index.end()) return &p_.plays[it->second];
  std::vector<std::string> play_names;
  for (const auto& pl : p_.plays) play_names.push_back(pl.name);
  d_.error("P0607", item.play_span,
           fmt::format("unknown play '{}'{}", item.play, did_you_mean(item.play, play_names)));
  return nullptr;
}

void Checker::check_given(ast::TestItem& item, Scope& s) {
  const EntitySchema* ent = item.entity == "account"   ? &p_.account
                            : item.entity == "contact" ? &p_.contact
                                                       : nullptr;
  if (!ent) {
    d_.error("P0601", item.span,
             fmt::format("`given` takes account or contact, not '{}'{}", item.entity,
                         did_you_mean(item.entity, {"account", "contact"})));
    for (auto& f : item.fields) check_test_value(f, nullptr, "", s);
    return;
  }
  std::vector<std::string> names;
  for (const auto& f : ent->fields) names.push_back(f.name);
  for (auto& f : item.fields) {
    int slot = ent->find(f.name);
    if (slot < 0) {
      d_.error("P0602", f.name_span,
               fmt::format("unknown field '{}' on {}{}", f.name, ent->name, did_you_mean(f.name, names)));
      check_test_value(f, nullptr, "", s);
      continue;
    }
    check_test_value(f, ent->fields[slot].type, fmt::format("{} field", ent->name), s);
  }
}

void Checker::check_test_signal(ast::TestItem& item, Scope& s) {
  auto it = p_.signals.find(item.signal_type);
  const SignalSchema* schema = it == p_.signals.end() ? nullptr : &it->second;
  if (!schema) {
    std::vector<std::string> known;
    for (const auto& [n, sch] : p_.signals) known.push_back(n);
    d_.error(
        "P0604", item.type_span,
        fmt::format("unknown signal type '{}'{}", item.signal_type, did_you_mean(item.signal_type, known)));
  }
  for (auto& f : item.fields) {
    if (std::ranges::find(kEnvelopeKeys, f.name) != kEnvelopeKeys.end()) {
      check_test_value(f, Type::string(), "envelope key", s);
      continue;
    }
    if (!schema) {
      check_test_value(f, nullptr, "", s);
      continue;
    }
    int slot = schema->find(f.name);
    if (slot < 0) {
      std::vector<std::string> names = kEnvelopeKeys;
      for (const auto& pr : schema->props) names.push_back(pr.name);
      d_.error("P0605", f.name_span,
               fmt::format("unknown property '{}' on signal {}{}", f.name, schema->name,
                           did_you_mean(f.name, names)));
      check_test_value(f, nullptr, "", s);
      continue;
    }
    check_test_value(f, schema->props[slot].type, "property", s);
  }
}

void Checker::check_expect_action(ast::TestItem& item, Scope& s) {
  const Play* play = find_test_play(item);
  auto a = p_.action_index.find(item.action);
  if (a == p_.action_index.end()) {
    std::vector<std::string> names;
    for (const auto& act : p_.actions) names.push_back(act.name);
    d_.error("P0401", item.span,
             fmt::format("unknown action '{}'{}", item.action, did_you_mean(item.action, names)));
    for (auto& arg : item.args)
      if (arg.value) check(*arg.value, s);
    return;
  }
  if (play && !play->temporal) {
    const auto& acts = play_actions[play->name];
    if (std::ranges::find(acts, item.action) == acts.end()) {
      std::string list;
      for (size_t i = 0; i < acts.size(); ++i) list += (i ? ", " : "") + acts[i];
      d_.error("P0608", item.span,
               fmt::format("play '{}' never does {}, so this expectation cannot hold{}", play->name,
                           item.action, acts.empty() ? "" : " (it does " + list + ")"));
    }
  }
  check_action_args(p_.actions[a->second], item.args, s, item.span, true);
}

void Checker::check_expect_outcome(const ast::TestItem& item) {
  const Play* play = find_test_play(item);
  static const std::vector<std::string> names = names_of(outcomes());
  if (std::ranges::find(names, item.outcome) == names.end()) {
    std::string near = did_you_mean(item.outcome, names);
    d_.error("P0609", item.outcome_span,
             near.empty()
                 ? fmt::format("unknown outcome '{}': outcomes are {}", item.outcome, listed(outcomes()))
                 : fmt::format("unknown outcome '{}'{}", item.outcome, near));
    return;
  }
  if (!item.has_reason) return;
  // The reason must be one the play can give, or the expectation can never hold.
  std::vector<std::string> reasons;
  if (item.outcome == "suppressed" && p_.suppress) {
    for (const auto& r : p_.suppress->rules) reasons.push_back(r.reason);
  } else if (item.outcome == "excluded" && play) {
    reasons = play_unless_reasons[play->name];
  } else {
    return;
  }
  if (std::ranges::find(reasons, item.reason) == reasons.end())
    d_.error("P0610", item.span,
             fmt::format("no {} gives the reason \"{}\"{}",
                         item.outcome == "suppressed" ? "suppress rule" : "unless clause of this play",
                         item.reason, did_you_mean(item.reason, reasons)));
}

}  // namespace play::sema
