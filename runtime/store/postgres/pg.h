// A thin RAII layer over libpq: a connection, a result, and parameters
// passed as text (every value the store binds is an integer, a double or a
// string; bytea goes as hex). Errors throw StoreError: a lost or refused
// connection is StoreFault::Io (the store goes degraded and recovers when a
// write commits again), a failed statement is StoreFault::Other.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "runtime/store/records.h"

namespace play::store::pg {

// Statement parameters ($1, $2, ...), kept as text.
class Params {
 public:
  Params& add(int64_t v);
  Params& add(int v) { return add(int64_t(v)); }
  Params& add(uint64_t v) { return add(int64_t(v)); }
  Params& add(bool v) { return add(int64_t(v ? 1 : 0)); }
  Params& add(double v);
  Params& add(std::string_view v);
  Params& add(const char* v) { return add(std::string_view(v)); }
  Params& add(const std::string& v) { return add(std::string_view(v)); }
  Params& add_bytea(std::string_view v);  // as '\x...' hex
  Params& add_null();
  int size() const { return int(values_.size()); }
  // Pointers into this object's values: valid until it changes (built on
  // each call, so a copied Params points into its own copy).
  const char* const* values() const;

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
  mutable std::vector<const char*> ptrs_;
};

class Result {
 public:
  explicit Result(PGresult* r = nullptr) : r_(r) {}
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&& o) noexcept;
  ~Result() { PQclear(r_); }
  int rows() const { return r_ ? PQntuples(r_) : 0; }
  bool is_null(int row, int col) const { return PQgetisnull(r_, row, col); }
  std::string_view text(int row, int col) const {
    return {PQgetvalue(r_, row, col), size_t(PQgetlength(r_, row, col))};
  }
  std::string str(int row, int col) const { return std::string(text(row, col)); }
  int64_t i64(int row, int col) const;  // 0 when NULL
  double f64(int row, int col) const;
  bool boolean(int row, int col) const { return text(row, col) == "t"; }
  std::string bytea(int row, int col) const;  // decoded from the text form
  int64_t affected() const;                   // rows an INSERT/UPDATE/DELETE touched

 private:
  PGresult* r_;
};

class Conn {
 public:
  explicit Conn(const std::string& url);  // throws StoreError (Io)
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  Result exec(const char* sql);  // one or more statements, no parameters
  Result exec(const char* sql, const Params& p);
  Result exec(const std::string& sql, const Params& p) { return exec(sql.c_str(), p); }
  bool ok() const { return PQstatus(c_) == CONNECTION_OK; }
  // Whether an error left the session in an aborted transaction or broken.
  bool in_transaction() const { return PQtransactionStatus(c_) != PQTRANS_IDLE; }
  PGconn* handle() { return c_; }

 private:
  Result check(PGresult* r, const char* sql);
  PGconn* c_ = nullptr;
};

// After BEGIN: runs `f(conn)` and COMMIT; rolls back and rethrows on error.
template <class F>
auto in_transaction(Conn& c, F&& f) -> decltype(f(c)) {
  try {
    if constexpr (std::is_void_v<decltype(f(c))>) {
      f(c);
      c.exec("COMMIT");
    } else {
      auto r = f(c);
      c.exec("COMMIT");
      return r;
    }
  } catch (...) {
    if (c.ok()) {
      try {
        c.exec("ROLLBACK");
      } catch (...) {
      }
    }
    throw;
  }
}

// Runs `f(conn)` inside BEGIN ... COMMIT; rolls back and rethrows on error.
template <class F>
auto transaction(Conn& c, F&& f) -> decltype(f(c)) {
  c.exec("BEGIN");
  return in_transaction(c, f);
}

}  // namespace play::store::pg
