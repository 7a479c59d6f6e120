#include "runtime/store/postgres/pg.h"

#include <cstdio>
#include <cstdlib>
#include <type_traits>

namespace play::store::pg {

const char* const* Params::values() const {
  ptrs_.resize(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) ptrs_[i] = null_[i] ? nullptr : values_[i].c_str();
  return ptrs_.data();
}

Params& Params::add(int64_t v) {
  values_.push_back(std::to_string(v));
  null_.push_back(false);
  return *this;
}

Params& Params::add(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  values_.emplace_back(buf);
  null_.push_back(false);
  return *this;
}

Params& Params::add(std::string_view v) {
  values_.emplace_back(v);
  null_.push_back(false);
  return *this;
}

Params& Params::add_bytea(std::string_view v) {
  static const char* hex = "0123456789abcdef";
  std::string s = "\\x";
  s.reserve(2 + 2 * v.size());
  for (unsigned char c : v) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  values_.push_back(std::move(s));
  null_.push_back(false);
  return *this;
}

Params& Params::add_null() {
  values_.emplace_back();
  null_.push_back(true);
  return *this;
}

Result& Result::operator=(Result&& o) noexcept {
  if (this != &o) {
    PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int64_t Result::i64(int row, int col) const {
  if (is_null(row, col)) return 0;
  return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10);
}

double Result::f64(int row, int col) const {
  if (is_null(row, col)) return 0;
  return std::strtod(PQgetvalue(r_, row, col), nullptr);
}

std::string Result::bytea(int row, int col) const {
  std::string_view t = text(row, col);
  std::string out;
  if (t.size() < 2 || t[0] != '\\' || t[1] != 'x') return out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  out.reserve((t.size() - 2) / 2);
  for (size_t i = 2; i + 1 < t.size(); i += 2) out += char(nib(t[i]) << 4 | nib(t[i + 1]));
  return out;
}

int64_t Result::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

Conn::Conn(const std::string& url) {
  c_ = PQconnectdb(url.c_str());
  if (PQstatus(c_) != CONNECTION_OK) {
    std::string msg = c_ ? PQerrorMessage(c_) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(c_);
    c_ = nullptr;
    throw StoreError("store: cannot connect to PostgreSQL: " + msg, StoreFault::Io);
  }
  // Notices (e.g. "relation already exists, skipping") are not errors.
  PQsetNoticeProcessor(
      c_, [](void*, const char*) {}, nullptr);
}

Conn::~Conn() { PQfinish(c_); }

Result Conn::check(PGresult* r, const char* sql) {
  Result res(r);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  StoreFault fault = StoreFault::Other;
  // Lost connections and the server's resource classes: the store cannot
  // write now (53: insufficient resources, 08: connection, 57P: shutdown).
  if (PQstatus(c_) != CONNECTION_OK || !state)
    fault = StoreFault::Io;
  else if (std::string_view(state) == "53100")
    fault = StoreFault::DiskFull;
  else if (std::string_view(state).substr(0, 2) == "08" || std::string_view(state).substr(0, 3) == "57P")
    fault = StoreFault::Io;
  std::string_view q(sql);
  throw StoreError("store: " + msg + " (in: " + std::string(q.substr(0, 80)) + ")", fault);
}

Result Conn::exec(const char* sql) { return check(PQexec(c_, sql), sql); }

Result Conn::exec(const char* sql, const Params& p) {
  return check(PQexecParams(c_, sql, p.size(), nullptr, p.values(), nullptr, nullptr, 0), sql);
}

}  // namespace play::store::pg
