// `test` blocks (LANGUAGE.md section 9; syntax in grammar/Play.g4): records
// must fit the context schemas, signals their catalog entry, expectations
// must name plays, actions and outcomes that exist.
#include <fmt/format.h>

#include <set>

#include "compiler/sema/checker.h"

namespace play::sema {

namespace {
const std::vector<std::string> kOutcomes = {"fired",      "no_match",     "not_icp", "excluded",
                                            "suppressed", "deduplicated", "error"};
const std::vector<std::string> kEnvelopeKeys = {"id", "account", "contact", "source"};
}  // namespace

void Checker::check_test(ast::TestDecl& decl) {
  Scope s;
  s.what = "a test";
  s.constant = true;
  std::vector<std::string> play_names;
  for (const auto& pl : p_.plays) play_names.push_back(pl.name);

  auto check_value = [&](ast::RecordField& f, const TypeRef& want, const std::string& what) {
    if (!f.value) return;  // recovered from a syntax error
    TypeRef t = check(*f.value, s);
    if (want && !assignable(*t, *want))
      d_.error("P0603", f.value->span,
               fmt::format("{} '{}' must be {}, but this is {}", what, f.name, a_type(want), a_type(t)));
  };
  auto find_play = [&](const ast::TestItem& item) -> const Play* {
    auto it = p_.play_index.find(item.play);
    if (it != p_.play_index.end()) return &p_.plays[it->second];
    d_.error("P0607", item.play_span,
             fmt::format("unknown play '{}'{}", item.play, did_you_mean(item.play, play_names)));
    return nullptr;
  };

  for (auto& item : decl.items) {
    switch (item.kind) {
      case ast::TestItemKind::Given: {
        const EntitySchema* ent = item.entity == "account"   ? &p_.account
                                  : item.entity == "contact" ? &p_.contact
                                                             : nullptr;
        if (!ent) {
          d_.error("P0601", item.span,
                   fmt::format("`given` takes account or contact, not '{}'{}", item.entity,
                               did_you_mean(item.entity, {"account", "contact"})));
          for (auto& f : item.fields) check_value(f, nullptr, "");
          break;
        }
        std::vector<std::string> names;
        for (const auto& f : ent->fields) names.push_back(f.name);
        for (auto& f : item.fields) {
          int slot = ent->find(f.name);
          if (slot < 0) {
            d_.error(
                "P0602", f.name_span,
                fmt::format("unknown field '{}' on {}{}", f.name, ent->name, did_you_mean(f.name, names)));
            check_value(f, nullptr, "");
            continue;
          }
          check_value(f, ent->fields[slot].type, fmt::format("{} field", ent->name));
        }
        break;
      }
      case ast::TestItemKind::Signal: {
        auto it = p_.signals.find(item.signal_type);
        const SignalSchema* schema = it == p_.signals.end() ? nullptr : &it->second;
        if (!schema) {
          std::vector<std::string> known;
          for (const auto& [n, sch] : p_.signals) known.push_back(n);
          d_.error("P0604", item.type_span,
                   fmt::format("unknown signal type '{}'{}", item.signal_type,
                               did_you_mean(item.signal_type, known)));
        }
        for (auto& f : item.fields) {
          if (std::find(kEnvelopeKeys.begin(), kEnvelopeKeys.end(), f.name) != kEnvelopeKeys.end()) {
            check_value(f, Type::string(), "envelope key");
            continue;
          }
          if (!schema) {
            check_value(f, nullptr, "");
            continue;
          }
          int slot = schema->find(f.name);
          if (slot < 0) {
            std::vector<std::string> names = kEnvelopeKeys;
            for (const auto& pr : schema->props) names.push_back(pr.name);
            d_.error("P0605", f.name_span,
                     fmt::format("unknown property '{}' on signal {}{}", f.name, schema->name,
                                 did_you_mean(f.name, names)));
            check_value(f, nullptr, "");
            continue;
          }
          check_value(f, schema->props[slot].type, "property");
        }
        break;
      }
      case ast::TestItemKind::ExpectAction: {
        const Play* play = find_play(item);
        auto a = p_.action_index.find(item.action);
        if (a == p_.action_index.end()) {
          std::vector<std::string> names;
          for (const auto& act : p_.actions) names.push_back(act.name);
          d_.error("P0401", item.span,
                   fmt::format("unknown action '{}'{}", item.action, did_you_mean(item.action, names)));
          for (auto& arg : item.args)
            if (arg.value) check(*arg.value, s);
          break;
        }
        if (play && !play->temporal) {
          const auto& acts = play_actions[play->name];
          if (std::find(acts.begin(), acts.end(), item.action) == acts.end()) {
            std::string list;
            for (size_t i = 0; i < acts.size(); ++i) list += (i ? ", " : "") + acts[i];
            d_.error("P0608", item.span,
                     fmt::format("play '{}' never does {}, so this expectation cannot hold{}", play->name,
                                 item.action, acts.empty() ? "" : " (it does " + list + ")"));
          }
        }
        check_action_args(p_.actions[a->second], item.args, s, item.span, true);
        break;
      }
      case ast::TestItemKind::ExpectOutcome: {
        const Play* play = find_play(item);
        if (std::find(kOutcomes.begin(), kOutcomes.end(), item.outcome) == kOutcomes.end()) {
          std::string near = did_you_mean(item.outcome, kOutcomes);
          d_.error("P0609", item.outcome_span,
                   near.empty() ? fmt::format("unknown outcome '{}': outcomes are fired, no_match, not_icp, "
                                              "excluded, suppressed, deduplicated and error",
                                              item.outcome)
                                : fmt::format("unknown outcome '{}'{}", item.outcome, near));
          break;
        }
        if (!item.has_reason) break;
        // The reason must be one the play can give, or the expectation can never hold.
        std::vector<std::string> reasons;
        if (item.outcome == "suppressed" && p_.suppress) {
          for (const auto& r : p_.suppress->rules) reasons.push_back(r.reason);
        } else if (item.outcome == "excluded" && play) {
          reasons = play_unless_reasons[play->name];
        } else {
          break;
        }
        if (std::find(reasons.begin(), reasons.end(), item.reason) == reasons.end())
          d_.error("P0610", item.span,
                   fmt::format("no {} gives the reason \"{}\"{}",
                               item.outcome == "suppressed" ? "suppress rule" : "unless clause of this play",
                               item.reason, did_you_mean(item.reason, reasons)));
        break;
      }
      case ast::TestItemKind::ExpectNothingElse:
        break;
    }
  }
}

}  // namespace play::sema
