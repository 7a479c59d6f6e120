#include "runtime/engine/json_value.h"

namespace play::engine {

using simdjson::dom::element_type;

const char* json_type_name(element_type t) {
  switch (t) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
      return "integer";
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "bool";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "value";
}

static bool mismatch(const char* want, simdjson::dom::element e, std::string& error) {
  error = std::string("must be ") + want + ", got " + json_type_name(e.type());
  return false;
}

static vm::Value arena_string(std::string_view s, vm::Arena& arena) {
  return vm::Value::string(arena.copy_string(s));
}

// dyn: the JSON value's own kind (integers that do not fit int64 become floats).
static bool any_value(simdjson::dom::element e, vm::Arena& arena, vm::Value& out, std::string& error) {
  switch (e.type()) {
    case element_type::NULL_VALUE:
      out = vm::Value::null();
      return true;
    case element_type::BOOL:
      out = vm::Value::boolean(bool(e.get_bool().value_unsafe()));
      return true;
    case element_type::INT64:
      out = vm::Value::integer(e.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      out = vm::Value::floating(double(e.get_uint64().value_unsafe()));
      return true;
    case element_type::DOUBLE:
      out = vm::Value::floating(e.get_double().value_unsafe());
      return true;
    case element_type::STRING:
      out = arena_string(e.get_string().value_unsafe(), arena);
      return true;
    case element_type::ARRAY:
    case element_type::OBJECT:
      break;
  }
  vm::FieldType t{e.type() == element_type::ARRAY ? vm::Kind::List : vm::Kind::Map, true, vm::Kind::Null};
  return json_to_value(e, t, arena, out, error);
}

bool json_to_value(simdjson::dom::element e, const vm::FieldType& t, vm::Arena& arena, vm::Value& out,
                   std::string& error) {
  if (e.type() == element_type::NULL_VALUE) {
    out = vm::Value::null();
    return true;
  }
  switch (t.code) {
    case vm::Kind::Null:
      return any_value(e, arena, out, error);
    case vm::Kind::Bool:
      if (e.type() != element_type::BOOL) return mismatch("a bool", e, error);
      out = vm::Value::boolean(bool(e.get_bool().value_unsafe()));
      return true;
    case vm::Kind::Int:
      if (e.type() == element_type::INT64) {
        out = vm::Value::integer(e.get_int64().value_unsafe());
        return true;
      }
      if (e.type() == element_type::UINT64) {
        error = "is out of the int range";
        return false;
      }
      return mismatch("an int", e, error);
    case vm::Kind::Float:
      switch (e.type()) {
        case element_type::INT64:
          out = vm::Value::floating(double(e.get_int64().value_unsafe()));
          return true;
        case element_type::UINT64:
          out = vm::Value::floating(double(e.get_uint64().value_unsafe()));
          return true;
        case element_type::DOUBLE:
          out = vm::Value::floating(e.get_double().value_unsafe());
          return true;
        default:
          return mismatch("a number", e, error);
      }
    case vm::Kind::String:
      if (e.type() != element_type::STRING) return mismatch("a string", e, error);
      out = arena_string(e.get_string().value_unsafe(), arena);
      return true;
    case vm::Kind::Duration: {
      if (e.type() != element_type::STRING) return mismatch("a duration string such as \"4h\"", e, error);
      std::string_view s = e.get_string().value_unsafe();
      int64_t ms;
      if (!vm::parse_duration(s, ms)) {
        error = "is not a duration such as \"4h\" or \"1h30m\": \"" + std::string(s) + "\"";
        return false;
      }
      out = vm::Value::duration(ms);
      return true;
    }
    case vm::Kind::Timestamp: {
      if (e.type() != element_type::STRING) return mismatch("an RFC 3339 timestamp string", e, error);
      std::string_view s = e.get_string().value_unsafe();
      int64_t ms;
      if (!vm::parse_timestamp(s, ms)) {
        error = "is not an RFC 3339 timestamp: \"" + std::string(s) + "\"";
        return false;
      }
      out = vm::Value::timestamp(ms);
      return true;
    }
    case vm::Kind::List: {
      if (e.type() != element_type::ARRAY) return mismatch("a list", e, error);
      simdjson::dom::array a = e.get_array().value_unsafe();
      size_t n = a.size();
      vm::Value* items = arena.alloc_array<vm::Value>(n);
      vm::FieldType elem{t.elem, t.elem == vm::Kind::Null, vm::Kind::Null};
      size_t i = 0;
      for (simdjson::dom::element x : a) {
        new (&items[i]) vm::Value();
        if (!json_to_value(x, elem, arena, items[i], error)) {
          error = "[" + std::to_string(i) + "] " + error;
          return false;
        }
        if (items[i].is_null() && !elem.nullable) {
          error = "[" + std::to_string(i) + "] must not be null";
          return false;
        }
        ++i;
      }
      out = vm::Value::list(items, n);
      return true;
    }
    case vm::Kind::Map: {
      if (e.type() != element_type::OBJECT) return mismatch("an object", e, error);
      simdjson::dom::object o = e.get_object().value_unsafe();
      size_t n = o.size();
      vm::MapEntry* entries = arena.alloc_array<vm::MapEntry>(n);
      vm::FieldType elem{t.elem, true, vm::Kind::Null};
      size_t i = 0;
      for (auto field : o) {
        new (&entries[i]) vm::MapEntry{arena.copy_string(field.key), vm::Value()};
        if (!json_to_value(field.value, elem, arena, entries[i].value, error)) {
          error = "." + std::string(field.key) + " " + error;
          return false;
        }
        ++i;
      }
      out = vm::Value::map(entries, n);
      return true;
    }
  }
  error = "has an unsupported declared type";
  return false;
}

}  // namespace play::engine
