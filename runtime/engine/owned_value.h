// A Value that owns its strings, lists and maps in one heap block: how
// long-lived stores (context records) keep values whose source buffers
// (a decoded signal, a JSON document) are about to be reused. Replacing
// one field frees just that field's block, so repeated upserts of a record
// do not grow memory.
#pragma once

#include <cstddef>
#include <memory>

#include "runtime/vm/value.h"

namespace play::engine {

class OwnedValue {
 public:
  OwnedValue() = default;
  explicit OwnedValue(const vm::Value& v) { assign(v); }
  OwnedValue(OwnedValue&&) = default;  // the block moves; Values into it stay valid
  OwnedValue& operator=(OwnedValue&&) = default;

  void assign(const vm::Value& v);  // deep copy (scalars need no block)
  const vm::Value& get() const { return value_; }

 private:
  vm::Value value_;
  std::unique_ptr<std::byte[]> block_;
};

}  // namespace play::engine
