// The suppression re-check before a delayed send (RUNTIME.md, "Execution"):
// an action that waited (a retry, a backlog, a DLQ replay) is sent only if
// its contact is still not suppressed.
//
// Which actions: those of plays that have `unless suppressed` -- a play
// without it never asked, so a waited action of it is not cancelled either.
//
// Against what: the context as committed in the store now (every PUT
// /v1/contacts, Segment identify/group and crm.* upsert that was
// acknowledged or evaluated), evaluated by the engine's own suppress rules
// (Engine::suppression_reason) at now = max(wall clock, the signal's
// occurred_at). One exception: the action's own signal may have enrolled
// the contact (last_enrolled_at = the signal's occurred_at); that enroll is
// the decision being carried out, not a new fact, so it is masked (read as
// null) -- otherwise a rule such as "recently enrolled" would cancel every
// retried action of an enroll play.
//
// Threads: called from the executor's sink workers. It owns its Engine (the
// qualifier's is not thread-safe and holds the qualifier's in-memory
// context) and reads the records from the store's read connection; one
// mutex serializes checks (they are rare: only actions that waited).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "runtime/engine/live_plays.h"
#include "runtime/store/store.h"

namespace play::qualify {

class SuppressionChecker {
 public:
  // Checks with the suppress rules of the plays running now.
  SuppressionChecker(std::shared_ptr<const engine::LivePlays> plays, store::Store& store);
  ~SuppressionChecker();

  // "" when the action may be sent, else the reason (the suppression rule's).
  std::string check(const store::OpenAction& action);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace play::qualify
