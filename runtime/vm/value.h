// Values the VM computes with (LANGUAGE.md section 2).
//
// A Value is 16 bytes and never owns memory: scalars live inline, and
// strings, lists and maps point at storage owned by someone else --
// a Program's constant pool, the host's decoded signal / context records,
// or the per-evaluation Arena (for computed strings and lists). That is
// what makes evaluating a typical filter allocation-free: loads copy 16
// bytes, comparisons read in place, and anything computed goes to an arena
// that the host resets (not frees) between evaluations.
//
// Lifetime rule: a Value is valid as long as the storage it points into.
// Results that must outlive the arena's next reset are copied out with
// copy_value() into a longer-lived arena (or rendered to a std::string).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/time/time.h"

namespace play::vm {

// The run-time kinds. `timestamp` is milliseconds since the Unix epoch (UTC),
// `duration` is milliseconds. There is no separate `dyn` kind: dyn is
// whatever kind the value actually has.
enum class Kind : uint8_t { Null, Bool, Int, Float, String, Duration, Timestamp, List, Map };

const char* kind_name(Kind k);  // "null", "bool", "int", ... (for error messages)

struct MapEntry;

struct Value {
  Kind kind = Kind::Null;
  // kGrowable: a list created by LIST_NEW in an arena, with an ArenaList
  // header in front of `items` giving its capacity; only such lists may be
  // appended to (LIST_APPEND), so constants and host data are never written.
  uint8_t flags = 0;
  uint16_t reserved = 0;
  uint32_t n = 0;  // String: byte length; List/Map: element count
  union {
    bool b;
    int64_t i;  // Int, Duration (ms), Timestamp (ms since epoch UTC)
    double f;
    const char* s;  // String: UTF-8 bytes, not NUL-terminated
    const Value* items;
    const MapEntry* entries;
  };

  static constexpr uint8_t kGrowable = 1;

  Value() : i(0) {}
  static Value null() { return Value(); }
  static Value boolean(bool v) {
    Value x;
    x.kind = Kind::Bool;
    x.b = v;
    return x;
  }
  static Value integer(int64_t v) { return scalar(Kind::Int, v); }
  static Value duration(int64_t ms) { return scalar(Kind::Duration, ms); }
  static Value timestamp(int64_t ms) { return scalar(Kind::Timestamp, ms); }
  static Value floating(double v) {
    Value x;
    x.kind = Kind::Float;
    x.f = v;
    return x;
  }
  // Points at `sv`'s bytes: the caller keeps them alive (see lifetime rule).
  static Value string(std::string_view sv) {
    Value x;
    x.kind = Kind::String;
    x.n = static_cast<uint32_t>(sv.size());
    x.s = sv.data();
    return x;
  }
  static Value list(const Value* items, size_t count) {
    Value x;
    x.kind = Kind::List;
    x.n = static_cast<uint32_t>(count);
    x.items = items;
    return x;
  }
  static Value map(const MapEntry* entries, size_t count) {
    Value x;
    x.kind = Kind::Map;
    x.n = static_cast<uint32_t>(count);
    x.entries = entries;
    return x;
  }

  bool is_null() const { return kind == Kind::Null; }
  bool is_true() const { return kind == Kind::Bool && b; }  // a clause holds iff is_true()
  std::string_view str() const { return {s, n}; }           // only for Kind::String
  std::span<const Value> list_items() const { return {items, n}; }
  std::span<const MapEntry> map_entries() const;

 private:
  static Value scalar(Kind k, int64_t v) {
    Value x;
    x.kind = k;
    x.i = v;
    return x;
  }
};
static_assert(sizeof(Value) == 16, "Value must stay 16 bytes");

// map<string, V>: keys are strings; lookups are linear (maps in plays are small).
struct MapEntry {
  std::string_view key;
  Value value;
};

inline std::span<const MapEntry> Value::map_entries() const { return {entries, n}; }

// A bump allocator for one evaluation's computed values and registers.
// reset() rewinds without freeing, so after a warm-up a steady workload
// allocates nothing. Not thread-safe: one Arena per evaluating thread.
class Arena {
 public:
  explicit Arena(size_t first_chunk_bytes = 64 * 1024);
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* allocate(size_t bytes, size_t align = alignof(std::max_align_t));
  template <class T>
  T* alloc_array(size_t n) {
    return static_cast<T*>(allocate(sizeof(T) * (n ? n : 1), alignof(T)));
  }
  std::string_view copy_string(std::string_view s);

  // Everything allocated since the mark is released by release(mark).
  struct Mark {
    size_t chunk = 0, offset = 0;
  };
  Mark mark() const { return {current_, offset_}; }
  void release(Mark m) {
    current_ = m.chunk;
    offset_ = m.offset;
  }
  void reset() { release({}); }
  size_t capacity() const;  // bytes held (for metrics)

 private:
  struct Chunk {
    std::unique_ptr<std::byte[]> data;
    size_t size;
  };
  std::vector<Chunk> chunks_;
  size_t current_ = 0;  // chunk being filled
  size_t offset_ = 0;   // bytes used in it
};

// Header in front of a growable list's items (see Value::kGrowable).
struct alignas(16) ArenaList {
  uint32_t capacity;
};

// Deep-copies `v` (strings, lists, maps) into `arena`.
Value copy_value(const Value& v, Arena& arena);

// Equality as the language's `==`: null == null; int and float compare
// numerically; lists and maps compare element-wise (maps ignore order);
// different kinds are unequal (never an error).
bool values_equal(const Value& a, const Value& b);

// Rendering as in a string template (LANGUAGE.md section 1): null renders as
// nothing, numbers in their shortest form (1, 2.5, 1e+21), bools as
// true/false, durations as 1h30m, timestamps as RFC 3339 UTC
// (2026-06-21T10:00:00Z, with .mmm when not whole seconds), lists and maps
// as JSON-like text (["a", 1], {"k": "v"}).
void render_append(std::string& out, const Value& v);
std::string render(const Value& v);

// A readable form for tests, disassembly and traces: like render() but
// strings quoted and null shown as `null`.
std::string debug_string(const Value& v);

// Durations and timestamps are written and read by common/time (the VM's
// values, envelopes and config share one format): re-exported here.
using play::format_duration;
using play::format_timestamp;
using play::parse_duration;
using play::parse_timestamp;
// Whether TIME_PART knows time zone `tz` (an IANA name of the system's tz
// database, or an offset such as "+05:30"); the checker tests constant ones.
bool valid_time_zone(std::string_view tz);

}  // namespace play::vm
