// The PostgreSQL schema, created and migrated by playd (`playd migrate
// --store URL`, and every open): versioned in the `migrations` table, each
// version applied in one transaction under an advisory lock, so N nodes
// starting together migrate once.
#pragma once

#include "runtime/store/postgres/pg.h"

namespace play::store::pg {

// Applies the versions not applied yet; returns the schema version.
// Throws StoreError (a database newer than this playd included).
int migrate(Conn& conn);
int schema_version();  // the newest version this playd knows

}  // namespace play::store::pg
