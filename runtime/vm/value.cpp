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
      // As people write numbers (JavaScript's rule): plain digits from 1e-7 up to 1e21 --
      // "raised 25000000", never "2.5e+07" -- the shortest form that reads back the same.
      double mag = std::fabs(v.f);
      bool plain = mag == 0 || (mag >= 1e-7 && mag < 1e21);
      char wide[64];  // 1e21 - 1 is 22 digits; 1e-7's shortest form is 9 characters past the point
      auto r = plain ? std::to_chars(wide, wide + sizeof wide, v.f, std::chars_format::fixed)
                     : std::to_chars(wide, wide + sizeof wide, v.f);
      out.append(wide, r.ptr);
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
