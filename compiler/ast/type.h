// Types of the Play language (LANGUAGE.md section 2). Shared by the checker,
// codegen and the formatter's type printing.
#pragma once

#include <memory>
#include <string>

namespace play {

enum class TypeKind : uint8_t {
  Error,  // a type error was already reported; suppresses cascades
  Null,   // the type of the literal `null` (fits any nullable type)
  Bool,
  Int,
  Float,
  String,
  Duration,
  Timestamp,
  List,  // elem
  Map,   // map<string, elem>
  Dyn,   // any value
};

struct Type;
using TypeRef = std::shared_ptr<const Type>;

struct Type {
  TypeKind kind = TypeKind::Error;
  bool nullable = false;
  TypeRef elem;  // List: element type; Map: value type (keys are strings)

  static TypeRef make(TypeKind k, bool nullable = false, TypeRef elem = nullptr);
  static TypeRef error();
  static TypeRef null();
  static TypeRef boolean(bool nullable = false);
  static TypeRef integer(bool nullable = false);
  static TypeRef floating(bool nullable = false);
  static TypeRef string(bool nullable = false);
  static TypeRef duration(bool nullable = false);
  static TypeRef timestamp(bool nullable = false);
  static TypeRef dyn();
  static TypeRef list(TypeRef elem, bool nullable = false);
  static TypeRef map(TypeRef value, bool nullable = false);

  TypeRef as_nullable(bool n = true) const;
  bool is_numeric() const { return kind == TypeKind::Int || kind == TypeKind::Float; }
  // "string?", "list<string>", "map<string, dyn>"
  std::string str() const;
};

// Can a value of type `from` be used where `to` is expected? (int -> float
// promotes; T -> T?; null -> T?; anything <-> dyn; Error fits everything.)
bool assignable(const Type& from, const Type& to);
bool same_type(const Type& a, const Type& b);  // ignoring nullability

}  // namespace play
