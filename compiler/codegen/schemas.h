// Signal and entity schemas of a bundle. Internal to compiler/codegen.
#pragma once

#include <map>
#include <string>

#include "compiler/ast/type.h"
#include "compiler/sema/project.h"
#include "runtime/vm/bundle.h"

namespace play::codegen {

// A checked type as the engine's decoder needs it (dyn -> Kind::Null).
vm::FieldType field_type(const TypeRef& t);

// Bundle::signals (every signal type of the project, by name), account and
// contact. `signal_index` maps each signal type name to its Bundle::signals index.
void add_schemas(const sema::Project& p, vm::Bundle& out, std::map<std::string, uint32_t>& signal_index);

}  // namespace play::codegen
