// The language's fixed words with what each means: one list for the checker
// (which words are valid, what to suggest) and for the editor (hover and
// completion show the docs).
#include "common/text.h"
#include "compiler/sema/project.h"

namespace play::sema {

const std::vector<Word>& meta_keys() {
  static const std::vector<Word> keys = {
      {"title", "The play's title, shown in the trigger registry and alerts: `title \"...\"`"},
      {"owner", "Who answers for the play (an email or team): `owner \"team@example.com\"`"},
      {"oncall", "Where the play's alerts page (a channel or rotation): `oncall \"#gtm-oncall\"`"},
      {"priority", "high, normal or low: the default SLA (5m, 15m, 4h) and the order of work"},
      {"sla", "How soon the actions must be delivered after the signal: `sla 15m`"},
      {"runbook", "The link whoever is paged follows: `runbook \"https://...\"`"},
      {"tags", "Labels for the registry: `tags [\"website\", \"enterprise\"]`"},
      {"mode", "live (acts) or shadow (records what it would do, acts on nothing)"},
      {"lateness",
       "How late a signal may arrive and still count in a temporal trigger's window (default 1h): "
       "`lateness 2h`"},
  };
  return keys;
}

const std::vector<Word>& outcomes() {
  static const std::vector<Word> words = {
      {"fired", "every clause passed and the actions were issued"},
      {"no_match", "a where clause did not hold"},
      {"not_icp", "a `where icp` clause did not hold"},
      {"excluded", "an unless clause held (its reason may follow)"},
      {"suppressed", "a suppress rule held (`unless suppressed`; its reason may follow)"},
      {"deduplicated", "`unless fired within` held: the play fired for this contact or account recently"},
      {"error", "the play failed at run time"},
  };
  return words;
}

std::vector<std::string> names_of(const std::vector<Word>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w.word);
  return out;
}

std::string listed(const std::vector<Word>& words) { return spoken_list(names_of(words), "and"); }

}  // namespace play::sema
