#include "runtime/vm/value.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace play::vm {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Null:
      return "null";
    case Kind::Bool:
      return "bool";
    case Kind::Int:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::String:
      return "string";
    case Kind::Duration:
      return "duration";
    case Kind::Timestamp:
      return "timestamp";
    case Kind::List:
      return "list";
    case Kind::Map:
      return "map";
  }
  return "?";
}

// ------------------------------------------------------------------ arena

Arena::Arena(size_t first_chunk_bytes) {
  chunks_.push_back({std::make_unique<std::byte[]>(first_chunk_bytes), first_chunk_bytes});
}

void* Arena::allocate(size_t bytes, size_t align) {
  for (;;) {
    Chunk& c = chunks_[current_];
    auto base = reinterpret_cast<uintptr_t>(c.data.get());
    uintptr_t p = (base + offset_ + align - 1) & ~(uintptr_t(align) - 1);
    if (p + bytes <= base + c.size) {
      offset_ = p + bytes - base;
      return reinterpret_cast<void*>(p);
    }
    // Reuse the next chunk kept from before a reset, else grow. Chunks are
    // never freed before the arena dies, so a steady workload stops allocating.
    if (current_ + 1 < chunks_.size() && chunks_[current_ + 1].size >= bytes + align) {
      ++current_;
      offset_ = 0;
      continue;
    }
    size_t size = std::max(c.size * 2, bytes + align);
    chunks_.insert(chunks_.begin() + static_cast<ptrdiff_t>(current_) + 1,
                   Chunk{std::make_unique<std::byte[]>(size), size});
    ++current_;
    offset_ = 0;
  }
}

std::string_view Arena::copy_string(std::string_view s) {
  if (s.empty()) return {};
  char* p = alloc_array<char>(s.size());
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

size_t Arena::capacity() const {
  size_t n = 0;
  for (auto& c : chunks_) n += c.size;
  return n;
}

// ------------------------------------------------------------------ copy / equality

Value copy_value(const Value& v, Arena& arena) {
  switch (v.kind) {
    case Kind::String: {
      Value out = Value::string(arena.copy_string(v.str()));
      return out;
    }
    case Kind::List: {
      Value* items = arena.alloc_array<Value>(v.n);
      for (uint32_t i = 0; i < v.n; ++i) items[i] = copy_value(v.items[i], arena);
      return Value::list(items, v.n);
    }
    case Kind::Map: {
      MapEntry* es = arena.alloc_array<MapEntry>(v.n);
      for (uint32_t i = 0; i < v.n; ++i) {
        new (&es[i]) MapEntry{arena.copy_string(v.entries[i].key), copy_value(v.entries[i].value, arena)};
      }
      return Value::map(es, v.n);
    }
    default: {
      Value out = v;
      out.flags = 0;
      return out;
    }
  }
}

static bool int_equals_float(int64_t i, double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return false;  // NaN too
  if (std::trunc(f) != f) return false;
  return static_cast<int64_t>(f) == i;
}

bool values_equal(const Value& a, const Value& b) {
  if (a.kind != b.kind) {
    if (a.kind == Kind::Int && b.kind == Kind::Float) return int_equals_float(a.i, b.f);
    if (a.kind == Kind::Float && b.kind == Kind::Int) return int_equals_float(b.i, a.f);
    return false;
  }
  switch (a.kind) {
    case Kind::Null:
      return true;
    case Kind::Bool:
      return a.b == b.b;
    case Kind::Int:
    case Kind::Duration:
    case Kind::Timestamp:
      return a.i == b.i;
    case Kind::Float:
      return a.f == b.f;
    case Kind::String:
      return a.str() == b.str();
    case Kind::List:
      if (a.n != b.n) return false;
      for (uint32_t i = 0; i < a.n; ++i)
        if (!values_equal(a.items[i], b.items[i])) return false;
      return true;
    case Kind::Map:
      if (a.n != b.n) return false;
      for (uint32_t i = 0; i < a.n; ++i) {
        bool found = false;
        for (uint32_t j = 0; j < b.n; ++j) {
          if (a.entries[i].key == b.entries[j].key) {
            if (!values_equal(a.entries[i].value, b.entries[j].value)) return false;
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
  }
  return false;
}

// ------------------------------------------------------------------ durations and timestamps

std::string format_duration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  uint64_t u;
  if (ms < 0) {
    out += '-';
    u = uint64_t(0) - static_cast<uint64_t>(ms);
  } else {
    u = static_cast<uint64_t>(ms);
  }
  static const struct {
    uint64_t ms;
    const char* unit;
  } units[] = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"}};
  for (auto& un : units) {
    if (u >= un.ms) {
      out += std::to_string(u / un.ms);
      out += un.unit;
      u %= un.ms;
    }
  }
  return out;
}

bool parse_duration(std::string_view t, int64_t& ms) {
  size_t i = 0;
  bool neg = false;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) neg = t[i++] == '-';
  if (i >= t.size()) return false;
  __int128 total = 0;
  while (i < t.size()) {
    if (!(t[i] >= '0' && t[i] <= '9') && t[i] != '.') return false;
    __int128 whole = 0;
    int64_t frac = 0, frac_scale = 1;
    bool digits = false;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      whole = whole * 10 + (t[i++] - '0');
      digits = true;
      if (whole > (__int128)INT64_MAX) return false;
    }
    if (i < t.size() && t[i] == '.') {
      ++i;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
        if (frac_scale < 1000000000) {
          frac = frac * 10 + (t[i] - '0');
          frac_scale *= 10;
        }
        ++i;
        digits = true;
      }
    }
    if (!digits) return false;
    int64_t unit;
    if (t.substr(i, 2) == "ms") {
      unit = 1;
      i += 2;
    } else if (i < t.size()) {
      switch (t[i]) {
        case 's':
          unit = 1000;
          break;
        case 'm':
          unit = 60000;
          break;
        case 'h':
          unit = 3600000;
          break;
        case 'd':
          unit = 86400000;
          break;
        case 'w':
          unit = 604800000;
          break;
        default:
          return false;
      }
      ++i;
    } else {
      return false;
    }
    total += whole * unit + (__int128)frac * unit / frac_scale;
    if (total > (__int128)INT64_MAX) return false;
  }
  ms = static_cast<int64_t>(neg ? -total : total);
  return true;
}

// Howard Hinnant's civil-date algorithms (proleptic Gregorian, UTC).
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
static void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

std::string format_timestamp(int64_t ms) {
  int64_t days = ms / 86400000, rem = ms % 86400000;
  if (rem < 0) {
    rem += 86400000;
    --days;
  }
  int64_t y;
  unsigned mo, d;
  civil_from_days(days, y, mo, d);
  char buf[64];
  int h = static_cast<int>(rem / 3600000), mi = static_cast<int>(rem / 60000 % 60),
      s = static_cast<int>(rem / 1000 % 60), milli = static_cast<int>(rem % 1000);
  int n;
  if (milli)
    n = snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, mo, d, h, mi, s,
                 milli);
  else
    n = snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, mo, d, h, mi, s);
  return std::string(buf, static_cast<size_t>(n));
}

static bool digits(std::string_view t, size_t at, size_t n, int& out) {
  if (at + n > t.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    out = out * 10 + (t[i] - '0');
  }
  return true;
}

bool parse_timestamp(std::string_view t, int64_t& ms) {
  int y, mo, d, h, mi, s;
  if (!digits(t, 0, 4, y) || t.size() < 19 || t[4] != '-' || !digits(t, 5, 2, mo) || t[7] != '-' ||
      !digits(t, 8, 2, d) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !digits(t, 11, 2, h) ||
      t[13] != ':' || !digits(t, 14, 2, mi) || t[16] != ':' || !digits(t, 17, 2, s))
    return false;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 ||
      s > 60)
    return false;
  size_t i = 19;
  int64_t milli = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    int nd = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (nd < 3) milli = milli * 10 + (t[i] - '0');
      ++nd;
      ++i;
    }
    if (nd == 0) return false;
    for (int k = nd; k < 3; ++k) milli *= 10;
  }
  int64_t offset_min = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    int oh, om;
    if (!digits(t, i + 1, 2, oh) || i + 3 >= t.size() || t[i + 3] != ':' || !digits(t, i + 4, 2, om) ||
        oh > 23 || om > 59)
      return false;
    offset_min = (oh * 60 + om) * (t[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return false;
  }
  if (i != t.size()) return false;
  int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  ms = ((days * 24 + h) * 60 + mi - offset_min) * 60000 + int64_t(s) * 1000 + milli;
  return true;
}

// ------------------------------------------------------------------ rendering

static void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  out += '"';
}

static void append_nested(std::string& out, const Value& v) {
  if (v.kind == Kind::String)
    append_quoted(out, v.str());
  else if (v.kind == Kind::Null)
    out += "null";
  else
    render_append(out, v);
}

void render_append(std::string& out, const Value& v) {
  char buf[64];
  switch (v.kind) {
    case Kind::Null:
      return;
    case Kind::Bool:
      out += v.b ? "true" : "false";
      return;
    case Kind::Int: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.i);
      out.append(buf, r.ptr);
      return;
    }
    case Kind::Float: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.f);
      out.append(buf, r.ptr);
      return;
    }
    case Kind::String:
      out += v.str();
      return;
    case Kind::Duration:
      out += format_duration(v.i);
      return;
    case Kind::Timestamp:
      out += format_timestamp(v.i);
      return;
    case Kind::List:
      out += '[';
      for (uint32_t i = 0; i < v.n; ++i) {
        if (i) out += ", ";
        append_nested(out, v.items[i]);
      }
      out += ']';
      return;
    case Kind::Map:
      out += '{';
      for (uint32_t i = 0; i < v.n; ++i) {
        if (i) out += ", ";
        append_quoted(out, v.entries[i].key);
        out += ": ";
        append_nested(out, v.entries[i].value);
      }
      out += '}';
      return;
  }
}

std::string render(const Value& v) {
  std::string out;
  render_append(out, v);
  return out;
}

std::string debug_string(const Value& v) {
  std::string out;
  append_nested(out, v);
  if (v.kind == Kind::Duration || v.kind == Kind::Timestamp) {
    out = std::string(kind_name(v.kind)) + "(" + out + ")";
  }
  return out;
}

}  // namespace play::vm
