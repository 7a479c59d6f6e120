#include "runtime/store/sqlite/sql.h"

#include <cerrno>

namespace play::store {

StoreFault fault_of(sqlite3* db, int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return StoreFault::DiskFull;
    case SQLITE_IOERR:
      // SQLite reports some ENOSPC cases (a failed fsync, a short write of
      // the -shm) as I/O errors: the errno says which.
      return db && sqlite3_system_errno(db) == ENOSPC ? StoreFault::DiskFull : StoreFault::Io;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StoreFault::Corrupt;
    default:
      return StoreFault::Other;
  }
}

static void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
    throw StoreError(std::string("store: ") + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)),
                     fault_of(db, db ? sqlite3_extended_errcode(db) : rc));
}

Stmt& Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
  return *this;
}

Stmt& Stmt::bind(int i, int64_t v) {
  check(db_, sqlite3_bind_int64(s_, i, v), "bind");
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
  check(db_, sqlite3_bind_text(s_, i, v.data(), int(v.size()), SQLITE_TRANSIENT), "bind");
  return *this;
}

Stmt& Stmt::bind_static(int i, std::string_view v) {
  check(db_, sqlite3_bind_text(s_, i, v.data(), int(v.size()), SQLITE_STATIC), "bind");
  return *this;
}

Stmt& Stmt::bind(int i, double v) {
  check(db_, sqlite3_bind_double(s_, i, v), "bind");
  return *this;
}

Stmt& Stmt::bind_blob(int i, std::string_view v) {
  check(db_, sqlite3_bind_blob(s_, i, v.data(), int(v.size()), SQLITE_TRANSIENT), "bind");
  return *this;
}

Stmt& Stmt::bind_null(int i) {
  check(db_, sqlite3_bind_null(s_, i), "bind");
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string msg = std::string("store: ") + sqlite3_errmsg(db_) + " in: " + sqlite3_sql(s_);
  StoreFault fault = fault_of(db_, sqlite3_extended_errcode(db_));
  sqlite3_reset(s_);
  throw StoreError(msg, fault);
}

std::string_view Stmt::text(int col) const {
  const unsigned char* p = sqlite3_column_text(s_, col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(s_, col))};
}

std::string_view Stmt::blob(int col) const {
  const void* p = sqlite3_column_blob(s_, col);
  if (!p) return {};
  return {static_cast<const char*>(p), size_t(sqlite3_column_bytes(s_, col))};
}

Sql::Sql(const std::string& path, bool readonly) {
  int flags = readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time (or under a mutex)
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "store: cannot open " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    StoreFault fault = fault_of(db_, db_ ? sqlite3_extended_errcode(db_) : rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(msg, fault);
  }
  // Another connection may hold the write lock briefly (checkpoints).
  sqlite3_busy_timeout(db_, 10000);
}

Sql::~Sql() {
  cache_.clear();
  sqlite3_close(db_);
}

void Sql::exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = std::string("store: ") + (err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    throw StoreError(msg, fault_of(db_, sqlite3_extended_errcode(db_)));
  }
}

Stmt& Sql::prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second->reset();
  sqlite3_stmt* s = nullptr;
  check(db_, sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr), sql);
  auto& slot = cache_[sql];
  slot = std::make_unique<Stmt>(db_, s);
  return *slot;
}

}  // namespace play::store
