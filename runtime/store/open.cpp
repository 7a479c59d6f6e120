// open_store(): the backend a data directory or a database URL names.
#include <filesystem>

#include "runtime/store/sqlite/schema.h"
#include "runtime/store/sqlite/sqlite_store.h"
#include "runtime/store/store.h"
#ifdef PLAY_POSTGRES
#include "runtime/store/lock.h"
#include "runtime/store/postgres/copy.h"
#include "runtime/store/postgres/pg_store.h"
#include "runtime/store/postgres/schema.h"
#endif

namespace play::store {

bool is_database_url(std::string_view where) {
  return where.rfind("postgres://", 0) == 0 || where.rfind("postgresql://", 0) == 0;
}

#ifndef PLAY_POSTGRES
static const char* const kNoPostgres =
    "store: this playd was built without PostgreSQL (configure with -DPLAY_POSTGRES=ON and libpq-dev)";
#endif

std::unique_ptr<Store> open_store(const std::string& where, const StoreOptions& options, std::string& error) {
  try {
    if (is_database_url(where)) {
#ifdef PLAY_POSTGRES
      return std::make_unique<PgStore>(where, options);
#else
      error = kNoPostgres;
      return nullptr;
#endif
    }
    return std::make_unique<SqliteStore>(where, options);
  } catch (const StoreError& e) {
    error = e.what();
    return nullptr;
  }
}

#ifdef PLAY_POSTGRES
// The node parameter is the store's, not libpq's (pg_store.h).
static std::string libpq_url(std::string url) {
  size_t q = url.find("playd_node=");
  if (q != std::string::npos) {
    size_t end = url.find('&', q);
    url.erase(q, end == std::string::npos ? std::string::npos : end - q + 1);
    while (!url.empty() && (url.back() == '&' || url.back() == '?')) url.pop_back();
  }
  return url;
}
#endif

int migrate_store(const std::string& where, std::string& error) {
  try {
    if (is_database_url(where)) {
#ifdef PLAY_POSTGRES
      pg::Conn conn(libpq_url(where));
      return pg::migrate(conn);
#else
      error = kNoPostgres;
      return -1;
#endif
    }
    std::error_code ec;
    std::filesystem::create_directories(where, ec);
    if (ec) throw StoreError("store: cannot create data directory " + where + ": " + ec.message());
    Sql sql((std::filesystem::path(where) / "playd.db").string(), false);
    sql.exec("PRAGMA journal_mode=WAL");
    return migrate(sql);
  } catch (const StoreError& e) {
    error = e.what();
    return -1;
  }
}

std::string copy_store(const std::string& dir, const std::string& url, std::string& error) {
#ifdef PLAY_POSTGRES
  try {
    if (!std::filesystem::exists(std::filesystem::path(dir) / "playd.db")) {
      error = "copy: " + dir + " holds no embedded store (playd.db)";
      return "";
    }
    // The embedded store must be stopped: what a running playd writes after
    // the copy would be lost.
    auto lock = DataDirLock::acquire(dir, error);
    if (!lock) return "";
    if (migrate_store(dir, error) < 0) return "";
    Sql from((std::filesystem::path(dir) / "playd.db").string(), true);
    pg::Conn to(libpq_url(url));
    pg::migrate(to);
    return pg::copy_from_sqlite(from, to);
  } catch (const StoreError& e) {
    error = e.what();
    return "";
  }
#else
  (void)dir;
  (void)url;
  error = kNoPostgres;
  return "";
#endif
}

}  // namespace play::store
