// A thin RAII layer over the SQLite C API: a connection with a cache of
// prepared statements, and a statement with typed bind/column helpers.
// Errors throw StoreError with SQLite's message (the writer turns that into
// a failed group commit; readers into an error answer).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/store/records.h"

namespace play::store {

// The kind of failure behind a SQLite result code (extended codes too).
StoreFault fault_of(sqlite3* db, int rc);

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Resets the statement and clears its bindings: call before each use.
  Stmt& reset();
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, std::string_view v);  // copied (SQLITE_TRANSIENT)
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, double v);
  // Not copied (SQLITE_STATIC): for large values on the hot path (a signal's
  // envelope), where the copy was a malloc and a memcpy per row. The bytes
  // must stay alive and unchanged until the statement has been stepped.
  Stmt& bind_static(int i, std::string_view v);
  Stmt& bind_blob(int i, std::string_view v);  // copied
  Stmt& bind_null(int i);
  // True while there is a row; false when done. Throws on error.
  bool step();
  void run() {
    while (step()) {
    }
  }

  int64_t i64(int col) const { return sqlite3_column_int64(s_, col); }
  bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string_view text(int col) const;
  std::string_view blob(int col) const;
  double f64(int col) const { return sqlite3_column_double(s_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_;
};

class Sql {
 public:
  // Opens the database file; `readonly` connections never write.
  Sql(const std::string& path, bool readonly);
  ~Sql();
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;

  void exec(const char* sql);  // one or more statements, no results
  // A cached prepared statement for this SQL text (reset before returning).
  Stmt& prepare(const char* sql);
  int64_t changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, std::unique_ptr<Stmt>> cache_;  // keyed by the literal's address
};

}  // namespace play::store
