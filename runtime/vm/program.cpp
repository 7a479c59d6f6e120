#include "runtime/vm/program.h"

#include <cstring>
#include <iterator>
#include <stdexcept>

namespace play::vm {

namespace {

const OpInfo kOps[] = {
#define PLAY_OPCODE(name, a, b, c, x, synopsis) \
  {#name, Operand::a, Operand::b, Operand::c, Operand::x, synopsis},
#include "runtime/vm/opcodes.h"
};
static_assert(std::size(kOps) == static_cast<size_t>(Op::kCount));

const OperandInfo kOperands[] = {
#define PLAY_OPERAND(kind, meaning) {#kind, meaning},
#include "runtime/vm/opcodes.h"
};
static_assert(std::size(kOperands) == kOperandKinds);

// opcodes.h as written, groups included: a group row has op == -1.
struct Row {
  const char* title;
  const char* text;
  int op;
};
const Row kRows[] = {
#define PLAY_OPCODE_GROUP(title, text) {title, text, -1},
#define PLAY_OPCODE(name, a, b, c, x, synopsis) {nullptr, nullptr, static_cast<int>(Op::name)},
#include "runtime/vm/opcodes.h"
};

std::vector<OpGroup> groups_of(const Row* rows, size_t n) {
  std::vector<OpGroup> groups;
  for (size_t i = 0; i < n; ++i) {
    if (rows[i].op >= 0) {
      if (!groups.empty()) groups.back().end = static_cast<Op>(rows[i].op + 1);
      continue;
    }
    Op next = i + 1 < n && rows[i + 1].op >= 0 ? static_cast<Op>(rows[i + 1].op) : Op::kCount;
    groups.push_back({rows[i].title, rows[i].text, next, next});
  }
  return groups;
}

}  // namespace

const OpInfo& op_info(Op op) { return kOps[static_cast<size_t>(op)]; }
const OperandInfo& operand_info(Operand kind) { return kOperands[static_cast<size_t>(kind)]; }

const std::vector<OpGroup>& op_groups() {
  static const std::vector<OpGroup> groups = groups_of(kRows, std::size(kRows));
  return groups;
}

const char* cond_name(CmpCond c) {
  static const char* names[] = {"==", "!=", "<", "<=", ">", ">="};
  return static_cast<size_t>(c) < 6 ? names[static_cast<size_t>(c)] : "?";
}

const char* test_name(JumpTest t) {
  static const char* names[] = {"false", "true", "null", "not-null", "not-true"};
  return static_cast<size_t>(t) < 5 ? names[static_cast<size_t>(t)] : "?";
}

const char* envelope_name(EnvelopeField f) {
  static const char* names[] = {"id", "type", "source", "occurred_at", "received_at", "account", "contact"};
  return static_cast<size_t>(f) < 5 ? names[static_cast<size_t>(f)] : "?";
}

const char* time_part_name(TimePart p) {
  static const char* names[] = {"getFullYear",  "getMonth", "getDate",    "getDayOfMonth", "getDayOfWeek",
                                "getDayOfYear", "getHours", "getMinutes", "getSeconds",    "getMilliseconds"};
  return static_cast<size_t>(p) < std::size(names) ? names[static_cast<size_t>(p)] : "?";
}

// Strings, lists and maps get their own block each; the pool owns the blocks,
// and moving the pool moves only the owning pointers, so Values stay valid.
Value ConstantPool::copy_in(const Value& v) {
  switch (v.kind) {
    case Kind::String: {
      if (v.n == 0) return Value::string({});
      storage_.push_back(std::make_unique<std::byte[]>(v.n));
      std::memcpy(storage_.back().get(), v.s, v.n);
      return Value::string({reinterpret_cast<const char*>(storage_.back().get()), v.n});
    }
    case Kind::List: {
      storage_.push_back(std::make_unique<std::byte[]>(sizeof(Value) * (v.n ? v.n : 1)));
      auto* items = reinterpret_cast<Value*>(storage_.back().get());
      for (uint32_t i = 0; i < v.n; ++i) new (&items[i]) Value(copy_in(v.items[i]));
      return Value::list(items, v.n);
    }
    case Kind::Map: {
      storage_.push_back(std::make_unique<std::byte[]>(sizeof(MapEntry) * (v.n ? v.n : 1)));
      auto* es = reinterpret_cast<MapEntry*>(storage_.back().get());
      for (uint32_t i = 0; i < v.n; ++i) {
        Value key = copy_in(Value::string(v.entries[i].key));
        new (&es[i]) MapEntry{key.str(), copy_in(v.entries[i].value)};
      }
      return Value::map(es, v.n);
    }
    default: {
      Value out = v;
      out.flags = 0;
      out.reserved = 0;
      return out;
    }
  }
}

uint16_t ConstantPool::add(const Value& v) {
  if (values_.size() >= 65535) throw std::length_error("constant pool full (65535 constants)");
  values_.push_back(copy_in(v));
  return static_cast<uint16_t>(values_.size() - 1);
}

}  // namespace play::vm
