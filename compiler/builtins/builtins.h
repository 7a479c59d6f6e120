// The built-in functions, methods and list macros of LANGUAGE.md section 3,
// each described once (like the primitives table of Wren's wren_core.c):
// its name and form, the kinds its argument or receiver accepts, its result
// type, its cost in the checker's worst-case estimate, and the instruction
// it lowers to. The checker (compiler/sema/builtins.cpp), the cost model
// (compiler/sema/cost.cpp), constant folding and codegen
// (compiler/codegen/calls.cpp) all read this table; adding a builtin is a
// row here plus, when it needs one, an opcode in runtime/vm/opcodes.h.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "compiler/ast/ast.h"
#include "runtime/vm/program.h"

namespace play::builtins {

enum class Form : uint8_t {
  Function,  // size(x)
  Method,    // s.contains(t)
  Macro,     // l.exists(v, p): binds a variable, runs its body per element
};

// A set of type kinds. An argument of kind dyn or error always fits (dyn is
// checked at run time; an error was already reported).
class Kinds {
 public:
  constexpr Kinds(std::initializer_list<TypeKind> kinds) {
    for (TypeKind k : kinds) bits_ |= bit(k);
  }
  static constexpr Kinds any() { return Kinds(0xFFFF); }
  constexpr bool has(TypeKind k) const { return bits_ & bit(k); }
  constexpr bool is_any() const { return bits_ == 0xFFFF; }

 private:
  constexpr explicit Kinds(uint16_t bits) : bits_(bits) {}
  static constexpr uint16_t bit(TypeKind k) { return uint16_t(1u << static_cast<unsigned>(k)); }
  uint16_t bits_ = 0;
};

// What a function's argument must be, beyond its type.
enum class ArgRule : uint8_t {
  Value,  // any expression of an accepted kind
  Pool,   // the name of a pool (round_robin)
  Field,  // a member access, whose presence is tested (has)
  // A method's argument that may be left out: t.getHours() or
  // t.getHours("America/New_York"). Absent, it is the row's default ("UTC").
  Optional,
};

// A check the checker makes when the argument is a constant string.
enum class ConstCheck : uint8_t { None, Timestamp, Duration, Regex, TimeZone };

// The result type. All but Bool, Dyn and PoolMember are nullable when the
// argument (or receiver) is: null in, null out.
enum class Result : uint8_t {
  Bool,          // never null (has, contains, ...: a null receiver gives false)
  NullableBool,  // bool(x): null when x is
  Int,
  Float,
  String,
  Timestamp,
  Duration,
  Dyn,          // dyn(x)
  PoolMember,   // round_robin: a string, never null
  LikeString,   // lower/upper: a string, or dyn when the receiver is dyn
  MacroTest,    // exists, all: bool
  MacroFilter,  // filter: a list of the receiver's elements
  MacroMap,     // map: a list of the body's values
};

// How codegen lowers a call: one instruction, or a sequence (the loop
// shapes are drawn in runtime/vm/program.h).
enum class Lowering : uint8_t {
  Instruction,  // `op`: dst = op(arg) for a function, op(receiver[, arg]) for a method
  Identity,     // dyn(x): the value is x's; only the checker's knowledge changes
  RoundRobin,   // `op` (ROUND_ROBIN) with the pool's index
  Regex,        // MATCHES_CONST when the pattern folds to a string, else `op` (MATCHES)
  Exists,       // loops bounded by the receiver's length: exists, all, filter, map, exists_one
  All,
  Filter,
  Map,
  ExistsOne,
  TimePart,  // `op` (TIME_PART) with x = the row's `part`; a left-out time zone is "UTC"
};

struct Builtin {
  std::string_view name;
  Form form;
  uint8_t arity;  // arguments (after the receiver for methods; macros: variable and body)
  // Functions: the argument's kinds; methods and macros: the receiver's.
  Kinds accepts;
  std::string_view accepts_text;  // "a string, list or map", for messages
  Kinds arg_accepts;              // a method's argument (methods of arity 1)
  std::string_view arg_text;      // "a string argument"
  ArgRule rule;
  ConstCheck const_check;
  Result result;
  std::string_view example;  // shown with an arity error: "size(signal.url)"
  // Abstract steps one call costs in the checker's worst-case estimate; a
  // macro also costs (its body + 1) per element of its receiver.
  uint8_t cost;
  // False for round_robin, which rotates a pool: never folded, never constant.
  bool pure;
  Lowering lowering;
  vm::Op op;
  vm::TimePart part;  // Lowering::TimePart: the field the accessor reads
};

// Every builtin, functions first, in the order suggestions prefer.
std::span<const Builtin> all();
const Builtin* function(std::string_view name);
const Builtin* method(std::string_view name);  // methods and macros

// The builtin a Call (function) or Method (method or macro) expression
// names, or null for any other expression or an unknown name.
const Builtin* called(const ast::Expr& e);

// A list macro's receiver whose length is unknown at compile time counts as
// this many elements in worst-case costs (the checker's and codegen's).
constexpr uint64_t kUnknownListLength = 1000;

}  // namespace play::builtins
