#include "runtime/engine/owned_value.h"

#include <cstring>
#include <new>

namespace play::engine {

namespace {

constexpr size_t kAlign = alignof(vm::Value) > alignof(vm::MapEntry) ? alignof(vm::Value)
                                                                     : alignof(vm::MapEntry);

size_t round_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// Bytes needed to deep-copy v (every array aligned, strings padded).
size_t bytes_needed(const vm::Value& v) {
  switch (v.kind) {
    case vm::Kind::String:
      return round_up(v.n);
    case vm::Kind::List: {
      size_t n = round_up(sizeof(vm::Value) * v.n);
      for (const vm::Value& x : v.list_items()) n += bytes_needed(x);
      return n;
    }
    case vm::Kind::Map: {
      size_t n = round_up(sizeof(vm::MapEntry) * v.n);
      for (const vm::MapEntry& e : v.map_entries()) n += round_up(e.key.size()) + bytes_needed(e.value);
      return n;
    }
    default:
      return 0;
  }
}

std::string_view copy_bytes(std::string_view s, std::byte*& cursor) {
  char* dst = reinterpret_cast<char*>(cursor);
  if (!s.empty()) std::memcpy(dst, s.data(), s.size());
  cursor += round_up(s.size());
  return {dst, s.size()};
}

vm::Value copy_into(const vm::Value& v, std::byte*& cursor) {
  vm::Value out = v;
  out.flags = 0;  // a copy is never a growable arena list
  switch (v.kind) {
    case vm::Kind::String: {
      std::string_view s = copy_bytes(v.str(), cursor);
      out.s = s.data();
      return out;
    }
    case vm::Kind::List: {
      auto* items = reinterpret_cast<vm::Value*>(cursor);
      cursor += round_up(sizeof(vm::Value) * v.n);
      for (uint32_t i = 0; i < v.n; ++i) new (&items[i]) vm::Value(copy_into(v.items[i], cursor));
      out.items = items;
      return out;
    }
    case vm::Kind::Map: {
      auto* entries = reinterpret_cast<vm::MapEntry*>(cursor);
      cursor += round_up(sizeof(vm::MapEntry) * v.n);
      for (uint32_t i = 0; i < v.n; ++i) {
        std::string_view key = copy_bytes(v.entries[i].key, cursor);
        new (&entries[i]) vm::MapEntry{key, copy_into(v.entries[i].value, cursor)};
      }
      out.entries = entries;
      return out;
    }
    default:
      return out;
  }
}

}  // namespace

void OwnedValue::assign(const vm::Value& v) {
  size_t n = bytes_needed(v);
  if (n == 0) {
    block_.reset();
    value_ = v;
    value_.flags = 0;
    if (v.kind == vm::Kind::String || v.kind == vm::Kind::List || v.kind == vm::Kind::Map) value_.s = nullptr;
    return;
  }
  // new std::byte[] is aligned for any fundamental type, enough for Value / MapEntry.
  auto block = std::make_unique<std::byte[]>(n);
  std::byte* cursor = block.get();
  value_ = copy_into(v, cursor);
  block_ = std::move(block);
}

}  // namespace play::engine
