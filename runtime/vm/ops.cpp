#include "runtime/vm/ops.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace play::vm::ops {

namespace {

bool is_num(const Value& v) { return v.kind == Kind::Int || v.kind == Kind::Float; }
double as_f(const Value& v) { return v.kind == Kind::Int ? static_cast<double>(v.i) : v.f; }

bool type_error(const char* what, const Value& a, const Value& b, std::string& err) {
  err = std::string("cannot ") + what + " " + kind_name(a.kind) + " and " + kind_name(b.kind);
  return false;
}

bool overflow(std::string& err) {
  err = "integer overflow";
  return false;
}

Value make(Kind k, int64_t v) {
  Value x;
  x.kind = k;
  x.i = v;
  return x;
}

// CEL's ranges (langdef, "Overflow"): timestamps from 0001-01-01T00:00:00Z
// to 9999-12-31T23:59:59.999Z (what RFC 3339 can write), durations within
// one int64 of nanoseconds, about 292 years either way. A result outside
// them is an error, like an int overflow.
constexpr int64_t kMinTimestampMs = -62135596800000;     // 0001-01-01T00:00:00Z
constexpr int64_t kMaxTimestampMs = 253402300799999;     // 9999-12-31T23:59:59.999Z
constexpr int64_t kMaxDurationMs = INT64_MAX / 1000000;  // 9223372036854775 ms

bool in_range(Kind k, int64_t v, std::string& err) {
  if (k == Kind::Timestamp && (v < kMinTimestampMs || v > kMaxTimestampMs)) {
    err = "timestamp out of range (years 0001 to 9999)";
    return false;
  }
  if (k == Kind::Duration && (v < -kMaxDurationMs || v > kMaxDurationMs)) {
    err = "duration out of range (at most about 292 years either way)";
    return false;
  }
  return true;
}

// A timestamp or duration result, checked against its range.
bool time_result(Kind k, int64_t v, Value& out, std::string& err) {
  if (!in_range(k, v, err)) return false;
  out = make(k, v);
  return true;
}

// A double result stored as int64 milliseconds (duration scaling).
bool float_to_ms(double d, Kind k, Value& out, std::string& err) {
  if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)) return overflow(err);
  return time_result(k, static_cast<int64_t>(d), out, err);
}

}  // namespace

bool add(const Value& a, const Value& b, Value& out, Arena& arena, std::string& err) {
  if (a.is_null() || b.is_null()) return out = Value(), true;
  int64_t r;
  if (a.kind == Kind::Int && b.kind == Kind::Int) {
    if (__builtin_add_overflow(a.i, b.i, &r)) return overflow(err);
    return out = Value::integer(r), true;
  }
  if (is_num(a) && is_num(b)) return out = Value::floating(as_f(a) + as_f(b)), true;
  if (a.kind == Kind::String && b.kind == Kind::String) {
    char* p = arena.alloc_array<char>(size_t(a.n) + b.n);
    if (a.n) std::memcpy(p, a.s, a.n);
    if (b.n) std::memcpy(p + a.n, b.s, b.n);
    return out = Value::string({p, size_t(a.n) + b.n}), true;
  }
  if (a.kind == Kind::List && b.kind == Kind::List) {
    Value* items = arena.alloc_array<Value>(size_t(a.n) + b.n);
    for (uint32_t i = 0; i < a.n; ++i) items[i] = a.items[i];
    for (uint32_t i = 0; i < b.n; ++i) items[a.n + i] = b.items[i];
    return out = Value::list(items, size_t(a.n) + b.n), true;
  }
  Kind k = Kind::Null;
  if (a.kind == Kind::Duration && b.kind == Kind::Duration) k = Kind::Duration;
  if ((a.kind == Kind::Timestamp && b.kind == Kind::Duration) ||
      (a.kind == Kind::Duration && b.kind == Kind::Timestamp))
    k = Kind::Timestamp;
  if (k != Kind::Null) {
    if (__builtin_add_overflow(a.i, b.i, &r)) return overflow(err);
    return time_result(k, r, out, err);
  }
  return type_error("add", a, b, err);
}

bool sub(const Value& a, const Value& b, Value& out, std::string& err) {
  if (a.is_null() || b.is_null()) return out = Value(), true;
  int64_t r;
  if (a.kind == Kind::Int && b.kind == Kind::Int) {
    if (__builtin_sub_overflow(a.i, b.i, &r)) return overflow(err);
    return out = Value::integer(r), true;
  }
  if (is_num(a) && is_num(b)) return out = Value::floating(as_f(a) - as_f(b)), true;
  Kind k = Kind::Null;
  if (a.kind == Kind::Timestamp && b.kind == Kind::Timestamp) k = Kind::Duration;
  if (a.kind == Kind::Timestamp && b.kind == Kind::Duration) k = Kind::Timestamp;
  if (a.kind == Kind::Duration && b.kind == Kind::Duration) k = Kind::Duration;
  if (k != Kind::Null) {
    if (__builtin_sub_overflow(a.i, b.i, &r)) return overflow(err);
    return time_result(k, r, out, err);
  }
  return type_error("subtract", a, b, err);
}

bool mul(const Value& a, const Value& b, Value& out, std::string& err) {
  if (a.is_null() || b.is_null()) return out = Value(), true;
  int64_t r;
  if (a.kind == Kind::Int && b.kind == Kind::Int) {
    if (__builtin_mul_overflow(a.i, b.i, &r)) return overflow(err);
    return out = Value::integer(r), true;
  }
  if (is_num(a) && is_num(b)) return out = Value::floating(as_f(a) * as_f(b)), true;
  const Value* d = a.kind == Kind::Duration ? &a : b.kind == Kind::Duration ? &b : nullptr;
  const Value* n = d == &a ? &b : &a;
  if (d && is_num(*n)) {
    if (n->kind == Kind::Int) {
      if (__builtin_mul_overflow(d->i, n->i, &r)) return overflow(err);
      return time_result(Kind::Duration, r, out, err);
    }
    return float_to_ms(static_cast<double>(d->i) * n->f, Kind::Duration, out, err);
  }
  return type_error("multiply", a, b, err);
}

bool div(const Value& a, const Value& b, Value& out, std::string& err) {
  if (a.is_null() || b.is_null()) return out = Value(), true;
  if (a.kind == Kind::Int && b.kind == Kind::Int) {
    if (b.i == 0) return err = "division by zero", false;
    if (a.i == INT64_MIN && b.i == -1) return overflow(err);
    return out = Value::integer(a.i / b.i), true;
  }
  if (is_num(a) && is_num(b)) return out = Value::floating(as_f(a) / as_f(b)), true;
  if (a.kind == Kind::Duration && b.kind == Kind::Int) {
    if (b.i == 0) return err = "division by zero", false;
    if (a.i == INT64_MIN && b.i == -1) return overflow(err);
    return out = Value::duration(a.i / b.i), true;
  }
  if (a.kind == Kind::Duration && b.kind == Kind::Float) {
    if (b.f == 0) return err = "division by zero", false;
    return float_to_ms(static_cast<double>(a.i) / b.f, Kind::Duration, out, err);
  }
  // duration / duration: how many times one fits in the other (`d / 1h` is hours), a float.
  if (a.kind == Kind::Duration && b.kind == Kind::Duration) {
    if (b.i == 0) return err = "division by zero", false;
    return out = Value::floating(static_cast<double>(a.i) / static_cast<double>(b.i)), true;
  }
  return type_error("divide", a, b, err);
}

bool mod(const Value& a, const Value& b, Value& out, std::string& err) {
  if (a.is_null() || b.is_null()) return out = Value(), true;
  if (a.kind == Kind::Int && b.kind == Kind::Int) {
    if (b.i == 0) return err = "modulus by zero", false;
    if (b.i == -1) return out = Value::integer(0), true;  // INT64_MIN % -1 is UB in C++
    return out = Value::integer(a.i % b.i), true;
  }
  return type_error("take the modulus of", a, b, err);
}

bool neg(const Value& a, Value& out, std::string& err) {
  switch (a.kind) {
    case Kind::Null:
      return out = Value(), true;
    case Kind::Int:
    case Kind::Duration:
      if (a.i == INT64_MIN) return overflow(err);
      return out = make(a.kind, -a.i), true;
    case Kind::Float:
      return out = Value::floating(-a.f), true;
    default:
      err = std::string("cannot negate ") + kind_name(a.kind);
      return false;
  }
}

bool logic_not(const Value& a, Value& out, std::string& err) {
  if (a.is_null()) return out = Value(), true;
  if (a.kind == Kind::Bool) return out = Value::boolean(!a.b), true;
  err = std::string("'not' needs a bool, got ") + kind_name(a.kind);
  return false;
}

static bool bool_or_null(const Value& v, const char* op, std::string& err) {
  if (v.kind == Kind::Bool || v.kind == Kind::Null) return true;
  err = std::string("'") + op + "' needs bools, got " + kind_name(v.kind);
  return false;
}

bool logic_and(const Value& a, const Value& b, Value& out, std::string& err) {
  if (!bool_or_null(a, "and", err) || !bool_or_null(b, "and", err)) return false;
  if ((a.kind == Kind::Bool && !a.b) || (b.kind == Kind::Bool && !b.b))
    return out = Value::boolean(false), true;
  if (a.is_null() || b.is_null()) return out = Value(), true;
  return out = Value::boolean(true), true;
}

bool logic_or(const Value& a, const Value& b, Value& out, std::string& err) {
  if (!bool_or_null(a, "or", err) || !bool_or_null(b, "or", err)) return false;
  if (a.is_true() || b.is_true()) return out = Value::boolean(true), true;
  if (a.is_null() || b.is_null()) return out = Value(), true;
  return out = Value::boolean(false), true;
}

template <class T>
static bool ordered(T x, T y, CmpCond c) {
  switch (c) {
    case CmpCond::LT:
      return x < y;
    case CmpCond::LE:
      return x <= y;
    case CmpCond::GT:
      return x > y;
    case CmpCond::GE:
      return x >= y;
    case CmpCond::EQ:
      return x == y;
    case CmpCond::NE:
      return x != y;
    default:
      return false;
  }
}

bool compare(const Value& a, const Value& b, CmpCond c, Value& out, std::string& err) {
  if (c == CmpCond::EQ || c == CmpCond::NE) {
    bool eq = values_equal(a, b);
    return out = Value::boolean(c == CmpCond::EQ ? eq : !eq), true;
  }
  if (a.is_null() || b.is_null()) return out = Value::boolean(false), true;
  bool r;
  if (a.kind == Kind::Int && b.kind == Kind::Int)
    r = ordered(a.i, b.i, c);
  else if (is_num(a) && is_num(b))
    r = ordered(as_f(a), as_f(b), c);  // NaN: every ordering is false
  else if (a.kind != b.kind)
    return type_error("compare", a, b, err);
  else if (a.kind == Kind::String)
    r = ordered(a.str(), b.str(), c);
  else if (a.kind == Kind::Duration || a.kind == Kind::Timestamp)
    r = ordered(a.i, b.i, c);
  else if (a.kind == Kind::Bool)
    r = ordered(int(a.b), int(b.b), c);
  else
    return type_error("order", a, b, err);
  return out = Value::boolean(r), true;
}

bool in(const Value& e, const Value& c, bool negate, Value& out, std::string& err) {
  bool found = false;
  if (e.is_null() || c.is_null()) {
    found = false;
  } else if (c.kind == Kind::List) {
    for (uint32_t i = 0; i < c.n && !found; ++i) found = values_equal(e, c.items[i]);
  } else if (c.kind == Kind::Map) {
    if (e.kind == Kind::String)
      for (uint32_t i = 0; i < c.n && !found; ++i) found = c.entries[i].key == e.str();
  } else {
    err = std::string("'in' needs a list or a map, got ") + kind_name(c.kind);
    return false;
  }
  return out = Value::boolean(found != negate), true;
}

bool size(const Value& a, Value& out, std::string& err) {
  switch (a.kind) {
    case Kind::Null:
      return out = Value(), true;
    case Kind::String: {
      int64_t n = 0;  // code points: count the bytes that start one
      for (uint32_t i = 0; i < a.n; ++i) n += (static_cast<unsigned char>(a.s[i]) & 0xC0) != 0x80;
      return out = Value::integer(n), true;
    }
    case Kind::List:
    case Kind::Map:
      return out = Value::integer(a.n), true;
    default:
      err = std::string("size() needs a string, list or map, got ") + kind_name(a.kind);
      return false;
  }
}

bool str_test(const Value& s, const Value& t, StrTest which, Value& out, std::string& err) {
  if (s.is_null() || t.is_null()) return out = Value::boolean(false), true;
  if (s.kind != Kind::String || t.kind != Kind::String) {
    static const char* names[] = {"contains", "startsWith", "endsWith"};
    err = std::string(names[static_cast<int>(which)]) + "() needs strings, got " + kind_name(s.kind) +
          " and " + kind_name(t.kind);
    return false;
  }
  std::string_view a = s.str(), b = t.str();
  bool r = which == StrTest::Contains ? a.find(b) != std::string_view::npos
           : which == StrTest::Starts ? a.starts_with(b)
                                      : a.ends_with(b);
  return out = Value::boolean(r), true;
}

bool change_case(const Value& s, bool upper, Value& out, Arena& arena, std::string& err) {
  if (s.is_null()) return out = Value(), true;
  if (s.kind != Kind::String) {
    err = std::string(upper ? "upper" : "lower") + "() needs a string, got " + kind_name(s.kind);
    return false;
  }
  char* p = arena.alloc_array<char>(s.n);
  for (uint32_t i = 0; i < s.n; ++i) {
    char ch = s.s[i];
    if (upper && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
    if (!upper && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    p[i] = ch;
  }
  return out = Value::string({p, s.n}), true;
}

static bool bad_conversion(const Value& a, const char* to, std::string& err) {
  err = std::string("cannot convert ") + kind_name(a.kind);
  if (a.kind == Kind::String) err += " '" + std::string(a.str().substr(0, 64)) + "'";
  err += std::string(" to ") + to;
  return false;
}

bool to_int(const Value& a, Value& out, std::string& err) {
  switch (a.kind) {
    case Kind::Null:
      return out = Value(), true;
    case Kind::Int:
      return out = a, true;
    case Kind::Float:
      if (!(a.f > -9.2233720368547758e18 && a.f < 9.2233720368547758e18))
        return bad_conversion(a, "int (out of range)", err);
      return out = Value::integer(static_cast<int64_t>(a.f)), true;
    case Kind::String: {
      int64_t v;
      auto sv = a.str();
      auto r = std::from_chars(sv.data(), sv.data() + sv.size(), v);
      if (sv.empty() || r.ec != std::errc() || r.ptr != sv.data() + sv.size())
        return bad_conversion(a, "int", err);
      return out = Value::integer(v), true;
    }
    case Kind::Timestamp: {  // CEL: seconds since the epoch
      int64_t s = a.i / 1000 - (a.i % 1000 < 0);
      return out = Value::integer(s), true;
    }
    default:
      return bad_conversion(a, "int", err);
  }
}

bool to_float(const Value& a, Value& out, std::string& err) {
  switch (a.kind) {
    case Kind::Null:
      return out = Value(), true;
    case Kind::Float:
      return out = a, true;
    case Kind::Int:
      return out = Value::floating(static_cast<double>(a.i)), true;
    case Kind::String: {
      double v;
      auto sv = a.str();
      auto r = std::from_chars(sv.data(), sv.data() + sv.size(), v);
      if (sv.empty() || r.ec != std::errc() || r.ptr != sv.data() + sv.size())
        return bad_conversion(a, "float", err);
      return out = Value::floating(v), true;
    }
    default:
      return bad_conversion(a, "float", err);
  }
}

// A reused buffer for rendering: after warm-up its capacity suffices.
static thread_local std::string render_buf;

bool to_string(const Value& a, Value& out, Arena& arena) {
  if (a.is_null() || a.kind == Kind::String) return out = a, true;
  out = concat(&a, 1, arena);
  return true;
}

Value concat(const Value* parts, uint32_t n, Arena& arena) {
  render_buf.clear();
  for (uint32_t i = 0; i < n; ++i) render_append(render_buf, parts[i]);
  return Value::string(arena.copy_string(render_buf));
}

Value escape_mrkdwn(const Value& a, Arena& arena) {
  render_buf.clear();
  render_append(render_buf, a);
  if (render_buf.find_first_of("&<>") == std::string::npos)
    return Value::string(arena.copy_string(render_buf));
  std::string escaped;
  escaped.reserve(render_buf.size() + 16);
  for (char c : render_buf) {
    if (c == '&')
      escaped += "&amp;";
    else if (c == '<')
      escaped += "&lt;";
    else if (c == '>')
      escaped += "&gt;";
    else
      escaped += c;
  }
  return Value::string(arena.copy_string(escaped));
}

bool to_timestamp(const Value& a, Value& out, std::string& err) {
  switch (a.kind) {
    case Kind::Null:
      return out = Value(), true;
    case Kind::Timestamp:
      return out = a, true;
    case Kind::Int: {
      int64_t ms;
      if (__builtin_mul_overflow(a.i, int64_t(1000), &ms)) return overflow(err);
      return time_result(Kind::Timestamp, ms, out, err);
    }
    case Kind::String: {
      int64_t ms;
      if (!parse_timestamp(a.str(), ms)) return bad_conversion(a, "timestamp (want RFC 3339)", err);
      return time_result(Kind::Timestamp, ms, out, err);
    }
    default:
      return bad_conversion(a, "timestamp", err);
  }
}

bool to_duration(const Value& a, Value& out, std::string& err) {
  switch (a.kind) {
    case Kind::Null:
      return out = Value(), true;
    case Kind::Duration:
      return out = a, true;
    case Kind::String: {
      int64_t ms;
      if (!parse_duration(a.str(), ms))
        return bad_conversion(a, "duration (want e.g. \"4h\", \"1h30m\")", err);
      return time_result(Kind::Duration, ms, out, err);
    }
    default:
      return bad_conversion(a, "duration", err);
  }
}

bool index(const Value& c, const Value& k, Value& out, std::string& err) {
  if (c.is_null() || k.is_null()) return out = Value(), true;
  if (c.kind == Kind::List) {
    // As in CEL, a float with an integral value is a valid index (l[dyn(1.0)]).
    bool integral = k.kind == Kind::Float && std::trunc(k.f) == k.f && std::fabs(k.f) < 9.2e18;
    if (k.kind != Kind::Int && !integral) {
      err = std::string("list index must be an int, got ") +
            (k.kind == Kind::Float ? "a fractional float" : kind_name(k.kind));
      return false;
    }
    int64_t i = k.kind == Kind::Int ? k.i : static_cast<int64_t>(k.f);
    if (i < 0 || i >= c.n) {
      err = "index " + std::to_string(i) + " out of range (list of " + std::to_string(c.n) + ")";
      return false;
    }
    return out = c.items[i], true;
  }
  if (c.kind == Kind::Map) {
    if (k.kind != Kind::String) return out = Value(), true;
    return map_get(c, k.str(), out, err);
  }
  err = std::string("cannot index ") + kind_name(c.kind);
  return false;
}

bool map_get(const Value& m, std::string_view key, Value& out, std::string& err) {
  if (m.is_null()) return out = Value(), true;
  if (m.kind != Kind::Map) {
    err = "no field '" + std::string(key) + "' on " + kind_name(m.kind);
    return false;
  }
  for (uint32_t i = 0; i < m.n; ++i)
    if (m.entries[i].key == key) return out = m.entries[i].value, true;
  return out = Value(), true;
}

}  // namespace play::vm::ops
