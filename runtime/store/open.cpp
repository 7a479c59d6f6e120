// open_store(): the backend a data directory or a database URL names.
#include <filesystem>

#include "runtime/store/sqlite/schema.h"
#include "runtime/store/sqlite/sqlite_store.h"
#include "runtime/store/store.h"
#ifdef PLAY_POSTGRES
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

int migrate_store(const std::string& where, std::string& error) {
  try {
    if (is_database_url(where)) {
#ifdef PLAY_POSTGRES
      std::string url = where;
      // The node parameter is the store's, not libpq's (pg_store.h).
      size_t q = url.find("playd_node=");
      if (q != std::string::npos) {
        size_t end = url.find('&', q);
        url.erase(q, end == std::string::npos ? std::string::npos : end - q + 1);
        while (!url.empty() && (url.back() == '&' || url.back() == '?')) url.pop_back();
      }
      pg::Conn conn(url);
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

}  // namespace play::store
