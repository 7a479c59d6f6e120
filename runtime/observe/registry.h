// The trigger registry (RUNTIME.md, "Registry and runbooks"): every play of
// a bundle with what an on-call engineer needs to know about it -- what it
// listens to, which ICP and suppression rules it applies, what it does and
// where, who owns it, its SLA and runbook. Built from the verified bundle
// alone, so `GET /v1/plays` (the live set, with counts) and `playc
// registry` (a play directory or bundle) describe a play the same way.
//
// JSON (version 1; `write_registry_entry` writes one entry's members):
//   {"name", "id", "title", "file", "line", "signals": [...], "icps": [...],
//    "suppression": bool, "suppression_rules": [...], "exclusions": [...],
//    "dedup": [{"within": "4h", "per": "contact"}], "actions": [{"action", "sink"}],
//    "owner", "oncall", "sla_ms": N|null, "priority", "mode", "tags": [...],
//    "runbook", "dashboard"}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json/json.h"
#include "runtime/vm/bundle.h"

namespace play::observe {

inline constexpr int kRegistryVersion = 1;

struct RegistryEntry {
  std::string name;
  std::string id;  // unique in the play set: the play's name
  std::string title;
  std::string file;  // the source file, as given to the compiler ("" from a bundle without paths)
  uint32_t line = 0;
  std::vector<std::string> signals;  // signal types it is `on`
  // A temporal trigger, as written in short: "count(website.page_viewed where ...) >= 3
  // within 2d per account", "all of (...) within 2d per account"; "" for `on T`.
  std::string trigger;
  std::vector<std::string> icps;               // named ICPs its clauses require
  bool suppression = false;                    // `unless suppressed`
  std::vector<std::string> suppression_rules;  // the suppress block's reasons, in order (when it applies)
  std::vector<std::string> exclusions;         // `unless ... as "reason"`
  struct Dedup {
    int64_t within_ms = 0;
    std::string per;  // contact | account | "contact, else account"
  };
  std::vector<Dedup> dedup;  // `unless fired within`
  struct Action {
    std::string action, sink;  // sink "" for a webhook whose sink is computed
  };
  std::vector<Action> actions;
  std::string owner, oncall;
  int64_t sla_ms = 0;  // 0: none
  std::string priority, mode;
  std::vector<std::string> tags;
  std::string runbook;
  std::string dashboard;  // the play's page on playd's dashboard: "/plays/NAME"
};

std::vector<RegistryEntry> registry(const vm::Bundle& bundle);

// The entry's members, inside an object the caller opened (so it may add its own).
void write_registry_entry(json::Writer& w, const RegistryEntry& e);
// {"version": 1, "plays": [{...}, ...]}
std::string registry_json(const std::vector<RegistryEntry>& entries);

}  // namespace play::observe
