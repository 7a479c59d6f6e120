#include "compiler/ast/type.h"

namespace play {

TypeRef Type::make(TypeKind k, bool nullable, TypeRef elem) {
  auto t = std::make_shared<Type>();
  t->kind = k;
  t->nullable = nullable;
  t->elem = std::move(elem);
  return t;
}
TypeRef Type::error() {
  static TypeRef t = make(TypeKind::Error, true);
  return t;
}
TypeRef Type::null() {
  static TypeRef t = make(TypeKind::Null, true);
  return t;
}
TypeRef Type::boolean(bool n) { return make(TypeKind::Bool, n); }
TypeRef Type::integer(bool n) { return make(TypeKind::Int, n); }
TypeRef Type::floating(bool n) { return make(TypeKind::Float, n); }
TypeRef Type::string(bool n) { return make(TypeKind::String, n); }
TypeRef Type::duration(bool n) { return make(TypeKind::Duration, n); }
TypeRef Type::timestamp(bool n) { return make(TypeKind::Timestamp, n); }
TypeRef Type::dyn() {
  static TypeRef t = make(TypeKind::Dyn, true);
  return t;
}
TypeRef Type::list(TypeRef elem, bool n) { return make(TypeKind::List, n, std::move(elem)); }
TypeRef Type::map(TypeRef value, bool n) { return make(TypeKind::Map, n, std::move(value)); }

TypeRef Type::as_nullable(bool n) const {
  if (nullable == n || kind == TypeKind::Dyn || kind == TypeKind::Null || kind == TypeKind::Error)
    return make(kind, kind == TypeKind::Dyn || kind == TypeKind::Null || kind == TypeKind::Error ? true : n,
                elem);
  return make(kind, n, elem);
}

std::string Type::str() const {
  std::string s;
  switch (kind) {
    case TypeKind::Error:
      return "<error>";
    case TypeKind::Null:
      return "null";
    case TypeKind::Bool:
      s = "bool";
      break;
    case TypeKind::Int:
      s = "int";
      break;
    case TypeKind::Float:
      s = "float";
      break;
    case TypeKind::String:
      s = "string";
      break;
    case TypeKind::Duration:
      s = "duration";
      break;
    case TypeKind::Timestamp:
      s = "timestamp";
      break;
    case TypeKind::Dyn:
      return "dyn";
    case TypeKind::List:
      s = "list<" + (elem ? elem->str() : "dyn") + ">";
      break;
    case TypeKind::Map:
      s = "map<string, " + (elem ? elem->str() : "dyn") + ">";
      break;
  }
  return nullable ? s + "?" : s;
}

bool same_type(const Type& a, const Type& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == TypeKind::List || a.kind == TypeKind::Map) {
    if (!a.elem || !b.elem) return true;
    return same_type(*a.elem, *b.elem) || a.elem->kind == TypeKind::Dyn || b.elem->kind == TypeKind::Dyn;
  }
  return true;
}

bool assignable(const Type& from, const Type& to) {
  if (from.kind == TypeKind::Error || to.kind == TypeKind::Error) return true;
  if (to.kind == TypeKind::Dyn || from.kind == TypeKind::Dyn) return true;
  if (from.kind == TypeKind::Null) return to.nullable;
  if (from.nullable && !to.nullable) return false;
  if (from.kind == TypeKind::Int && to.kind == TypeKind::Float) return true;
  if (from.kind != to.kind) return false;
  if (from.kind == TypeKind::List || from.kind == TypeKind::Map) {
    if (!from.elem || !to.elem) return true;
    return assignable(*from.elem, *to.elem);
  }
  return true;
}

}  // namespace play
