#include "compiler/sema/project.h"

namespace play::sema {

int SignalSchema::find(const std::string& prop) const {
  for (size_t i = 0; i < props.size(); ++i)
    if (props[i].name == prop) return static_cast<int>(i);
  return -1;
}

int EntitySchema::find(const std::string& field) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == field) return static_cast<int>(i);
  return -1;
}

const std::vector<Field>& envelope_fields() {
  static const std::vector<Field> fields = {
      {"id", Type::string(), {}},
      {"type", Type::string(), {}},
      {"source", Type::string(true), {}},
      {"occurred_at", Type::timestamp(), {}},
      {"received_at", Type::timestamp(true), {}},
      {"account", Type::string(true), {}},
      {"contact", Type::string(true), {}},
  };
  return fields;
}

int envelope_find(const std::string& name) {
  const auto& env = envelope_fields();
  for (size_t i = 0; i < env.size(); ++i)
    if (env[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace play::sema
