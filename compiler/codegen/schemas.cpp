// Schemas for the engine's decoder: signal types and context records,
// with field types taken from the checker (slot order = sema order).
#include "compiler/codegen/schemas.h"

namespace play::codegen {

namespace {

vm::Kind kind_of(const TypeRef& t) {
  if (!t) return vm::Kind::Null;
  switch (t->kind) {
    case TypeKind::Bool:
      return vm::Kind::Bool;
    case TypeKind::Int:
      return vm::Kind::Int;
    case TypeKind::Float:
      return vm::Kind::Float;
    case TypeKind::String:
      return vm::Kind::String;
    case TypeKind::Duration:
      return vm::Kind::Duration;
    case TypeKind::Timestamp:
      return vm::Kind::Timestamp;
    case TypeKind::List:
      return vm::Kind::List;
    case TypeKind::Map:
      return vm::Kind::Map;
    default:
      return vm::Kind::Null;  // dyn (and null, error): any kind
  }
}

std::vector<vm::Field> fields_of(const std::vector<sema::Field>& fields) {
  std::vector<vm::Field> out;
  out.reserve(fields.size());
  for (const auto& f : fields) out.push_back({f.name, field_type(f.type)});
  return out;
}

}  // namespace

vm::FieldType field_type(const TypeRef& t) {
  vm::FieldType ft;
  ft.code = kind_of(t);
  ft.nullable = !t || t->nullable;
  if (ft.code == vm::Kind::List || ft.code == vm::Kind::Map) ft.elem = kind_of(t->elem);
  return ft;
}

void add_schemas(const sema::Project& p, vm::Bundle& out, std::map<std::string, uint32_t>& signal_index) {
  for (const auto& [name, schema] : p.signals) {
    signal_index[name] = static_cast<uint32_t>(out.signals.size());
    out.signals.push_back({name, fields_of(schema.props)});
  }
  out.account = fields_of(p.account.fields);
  out.contact = fields_of(p.contact.fields);
  // Entity fields are always nullable (a record may lack any of them).
  for (auto* fields : {&out.account, &out.contact})
    for (auto& f : *fields) f.type.nullable = true;
}

}  // namespace play::codegen
