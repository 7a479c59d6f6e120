#include "runtime/store/postgres/copy.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

namespace play::store::pg {

namespace {

// Every SQLite table with data, in an order that keeps references valid
// (play_set_bundles is PostgreSQL's own; store_probe and migrations are
// each store's).
constexpr const char* kTables[] = {
    "signals",         "seen_signals",  "outcomes",    "actions",      "attempts",       "accounts",
    "contacts",        "ledger",        "round_robin", "play_sets",    "file_sinks",     "history",
    "history_latency", "history_plays", "alerts",      "review_queue", "pattern_states", "stream_clock"};

// Tables that must be empty in the destination: a copy never merges two stores.
constexpr const char* kMustBeEmpty[] = {"signals", "actions",        "accounts",    "contacts",
                                        "ledger",  "pattern_states", "stream_clock"};

struct Column {
  std::string name;
  bool bytea = false;
};

std::vector<Column> common_columns(Sql& from, Conn& to, const std::string& table,
                                   std::vector<int>& source_index) {
  std::vector<std::pair<std::string, std::string>> pg_columns;
  Result r = to.exec(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND "
      "table_name = $1",
      Params().add(table));
  for (int i = 0; i < r.rows(); ++i) pg_columns.emplace_back(r.str(i, 0), r.str(i, 1));
  sqlite3_stmt* s = nullptr;
  std::string sql = "SELECT * FROM " + table + " LIMIT 0";
  if (sqlite3_prepare_v2(from.handle(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw StoreError("copy: cannot read table " + table +
                     " of the embedded store: " + sqlite3_errmsg(from.handle()));
  std::vector<Column> out;
  for (int c = 0; c < sqlite3_column_count(s); ++c) {
    std::string name = sqlite3_column_name(s, c);
    auto it =
        std::find_if(pg_columns.begin(), pg_columns.end(), [&](const auto& p) { return p.first == name; });
    if (it == pg_columns.end())
      throw StoreError("copy: column " + table + "." + name + " has no place in the PostgreSQL schema");
    out.push_back({name, it->second == "bytea"});
    source_index.push_back(c);
  }
  sqlite3_finalize(s);
  return out;
}

void add_value(Params& p, sqlite3_stmt* s, int c, bool bytea) {
  switch (sqlite3_column_type(s, c)) {
    case SQLITE_NULL:
      p.add_null();
      break;
    case SQLITE_INTEGER:
      p.add(int64_t(sqlite3_column_int64(s, c)));  // booleans too: PostgreSQL reads '1' and '0'
      break;
    case SQLITE_FLOAT:
      p.add(sqlite3_column_double(s, c));
      break;
    default: {
      const char* data = static_cast<const char*>(sqlite3_column_blob(s, c));
      std::string_view v(data ? data : "", size_t(sqlite3_column_bytes(s, c)));
      if (bytea)
        p.add_bytea(v);
      else
        p.add(v);
    }
  }
}

// Rows go in multi-row INSERTs (at most 65535 parameters a statement).
int64_t copy_table(Sql& from, Conn& to, const std::string& table) {
  std::vector<int> index;
  std::vector<Column> cols = common_columns(from, to, table, index);
  std::string names;
  for (size_t i = 0; i < cols.size(); ++i) names += (i ? "," : "") + cols[i].name;
  sqlite3_stmt* s = nullptr;
  // Outcomes are numbered in insertion order on PostgreSQL (their rowid here).
  std::string select = "SELECT * FROM " + table + (table == "outcomes" ? " ORDER BY rowid" : "");
  if (sqlite3_prepare_v2(from.handle(), select.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw StoreError("copy: cannot read table " + table + ": " + sqlite3_errmsg(from.handle()));
  const size_t per_statement = std::clamp<size_t>(60000 / std::max<size_t>(cols.size(), 1), 1, 500);
  int64_t copied = 0;
  Params p;
  size_t rows = 0;
  auto flush = [&] {
    if (rows == 0) return;
    std::string sql = "INSERT INTO " + table + "(" + names + ") VALUES ";
    int n = 1;
    for (size_t r = 0; r < rows; ++r) {
      sql += r ? ",(" : "(";
      for (size_t c = 0; c < cols.size(); ++c) sql += (c ? ",$" : "$") + std::to_string(n++);
      sql += ')';
    }
    to.exec(sql, p);
    copied += int64_t(rows);
    p = Params();
    rows = 0;
  };
  try {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      for (size_t c = 0; c < cols.size(); ++c) add_value(p, s, index[c], cols[c].bytea);
      if (++rows == per_statement) flush();
    }
    if (rc != SQLITE_DONE) throw StoreError("copy: reading " + table + ": " + sqlite3_errmsg(from.handle()));
    flush();
  } catch (...) {
    sqlite3_finalize(s);
    throw;
  }
  sqlite3_finalize(s);
  return copied;
}

}  // namespace

std::string copy_from_sqlite(Sql& from, Conn& to) {
  return transaction(to, [&](Conn& c) {
    for (const char* t : kMustBeEmpty)
      if (c.exec(std::string("SELECT EXISTS (SELECT 1 FROM ") + t + ")", Params()).boolean(0, 0))
        throw StoreError(std::string("copy: the PostgreSQL database already holds data (table ") + t +
                         "); a copy goes into a new, empty database");
    // A read transaction on the embedded store: one consistent snapshot.
    from.exec("BEGIN");
    std::string report;
    try {
      for (const char* t : kTables) {
        int64_t n = copy_table(from, c, t);
        report += (report.empty() ? "" : ", ") + std::string(t) + " " + std::to_string(n);
      }
      from.exec("COMMIT");
    } catch (...) {
      from.exec("ROLLBACK");
      throw;
    }
    // What a node computes at ingestion: queued signals keep their
    // per-account order (claims read account_key).
    c.exec(
        "UPDATE signals SET account_key = lower(COALESCE(playd_try_jsonb(envelope)->>'account', "
        "playd_try_jsonb(envelope)->>'contact')) WHERE evaluated_at_ms IS NULL");
    // The serial columns continue after the copied rows.
    c.exec(
        "SELECT setval(pg_get_serial_sequence('signals', 'seq'), GREATEST((SELECT MAX(seq) FROM signals), "
        "1))");
    c.exec(
        "SELECT setval(pg_get_serial_sequence('outcomes', 'n'), GREATEST((SELECT MAX(n) FROM outcomes), 1))");
    return report;
  });
}

}  // namespace play::store::pg
