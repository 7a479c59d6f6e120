// Moving an embedded deployment to PostgreSQL (`playd migrate --from DIR
// --store URL`): every table of the SQLite store copied, in one PostgreSQL
// transaction, into a database whose schema is current and that holds no
// data yet. What moves: the queue and evaluated signals (traces), dedup
// ids with their expiry, outcomes, the outbox and its attempts (open
// actions are delivered by the first node that starts: their owner is
// none), context records, the `fired within` ledger, round-robin cursors,
// temporal pattern states, the review queue, play sets, file sinks'
// sizes, history and alerts. Columns only PostgreSQL has are filled as a
// node would have (a queued signal's account_key; no claims, no owners).
#pragma once

#include <string>

#include "runtime/store/postgres/pg.h"
#include "runtime/store/sqlite/sql.h"

namespace play::store::pg {

// Throws StoreError (nothing committed). Returns "table rows, ..." copied.
std::string copy_from_sqlite(Sql& from, Conn& to);

}  // namespace play::store::pg
