// The store's schema, as an ordered list of migrations. open() applies the
// ones not yet recorded in `migrations`, each in its own transaction.
// Append new migrations; never edit one that has shipped.
#pragma once

#include "runtime/store/sqlite/sql.h"

namespace play::store {

// Applies pending migrations; returns the schema version now in force.
int migrate(Sql& sql);

}  // namespace play::store
