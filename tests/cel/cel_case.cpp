#include "tests/cel/cel_case.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace play::cel {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

std::string str_field(element e, const char* key) {
  std::string_view s;
  if (e[key].get(s)) return "";
  return std::string(s);
}

bool bool_field(element e, const char* key) {
  bool b = false;
  if (e[key].get(b)) return false;
  return b;
}

std::optional<element> opt_field(element e, const char* key) {
  element x;
  if (e[key].get(x) || x.is_null()) return std::nullopt;
  return x;
}

// A double as the spec writes it: a JSON number, or a string: "NaN", "Infinity",
// "-Infinity" or a number (extract_cel_tests.js writes them so).
bool read_double(element e, double& out) {
  if (e.get(out) == simdjson::SUCCESS) return true;
  std::string_view s;
  if (e.get(s)) return false;
  if (s == "NaN")
    out = std::numeric_limits<double>::quiet_NaN();
  else if (s == "Infinity")
    out = std::numeric_limits<double>::infinity();
  else if (s == "-Infinity")
    out = -std::numeric_limits<double>::infinity();
  else {
    std::string text(s);
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return !text.empty() && *end == 0;
  }
  return true;
}

// The common type of a list's elements: their type if all agree, else dyn.
TypeRef join(const TypeRef& a, const TypeRef& b) {
  if (!a) return b;
  if (same_type(*a, *b) && a->nullable == b->nullable) return a;
  return Type::dyn();
}

}  // namespace

bool read_cases(element doc, std::vector<Case>& out, std::string& error) {
  array all;
  if (doc.get(all)) {
    error = "cases file is not a JSON array";
    return false;
  }
  for (element t : all) {
    Case c;
    c.section = str_field(t, "section");
    c.suite = str_field(t, "suite");
    c.name = str_field(t, "name");
    c.expr = str_field(t, "expr");
    c.container = str_field(t, "container");
    c.expect_error = bool_field(t, "evalError") || bool_field(t, "anyEvalErrors");
    c.disable_check = bool_field(t, "disableCheck");
    c.value = opt_field(t, "value");
    c.bindings = opt_field(t, "bindings");
    c.type_env = opt_field(t, "typeEnv");
    out.push_back(std::move(c));
  }
  return true;
}

std::optional<Converted> convert_value(element v, vm::Arena& arena, std::string& why) {
  object o;
  if (v.get(o) || o.size() != 1) {
    why = "unreadable value";
    return std::nullopt;
  }
  auto [key, x] = *o.begin();
  if (key == "nullValue") return Converted{vm::Value::null(), Type::null()};
  if (key == "boolValue") return Converted{vm::Value::boolean(bool(x)), Type::boolean()};
  if (key == "int64Value") {
    // int64 travels as a JSON string (it does not fit a double).
    std::string_view s;
    if (x.get(s)) return Converted{vm::Value::integer(int64_t(x)), Type::integer()};
    return Converted{vm::Value::integer(std::stoll(std::string(s))), Type::integer()};
  }
  if (key == "doubleValue") {
    double d = 0;
    if (!read_double(x, d)) {
      why = "unreadable double";
      return std::nullopt;
    }
    return Converted{vm::Value::floating(d), Type::floating()};
  }
  if (key == "stringValue")
    return Converted{vm::Value::string(arena.copy_string(std::string_view(x))), Type::string()};
  if (key == "listValue") {
    array items;
    if (x["values"].get(items)) return Converted{vm::Value::list(nullptr, 0), Type::list(Type::dyn())};
    auto* out = arena.alloc_array<vm::Value>(items.size());
    TypeRef elem;
    size_t n = 0;
    for (element i : items) {
      auto c = convert_value(i, arena, why);
      if (!c) return std::nullopt;
      out[n++] = c->value;
      elem = join(elem, c->type);
    }
    return Converted{vm::Value::list(out, n), Type::list(elem ? elem : Type::dyn())};
  }
  if (key == "mapValue") {
    array entries;
    if (x["entries"].get(entries)) return Converted{vm::Value::map(nullptr, 0), Type::map(Type::dyn())};
    auto* out = arena.alloc_array<vm::MapEntry>(entries.size());
    TypeRef elem;
    size_t n = 0;
    for (element e : entries) {
      std::string_view k;
      if (e["key"]["stringValue"].get(k)) {
        why = "a map key that is not a string";
        return std::nullopt;
      }
      auto c = convert_value(e["value"], arena, why);
      if (!c) return std::nullopt;
      out[n++] = vm::MapEntry{arena.copy_string(k), c->value};
      elem = join(elem, c->type);
    }
    return Converted{vm::Value::map(out, n), Type::map(elem ? elem : Type::dyn())};
  }
  if (key == "objectValue") {
    // google.protobuf.Timestamp / Duration travel as their JSON forms.
    std::string_view type, text;
    if (!x["@type"].get(type) && !x["value"].get(text)) {
      int64_t ms = 0;
      if (type.ends_with("google.protobuf.Timestamp") && vm::parse_timestamp(text, ms))
        return Converted{vm::Value::timestamp(ms), Type::timestamp()};
      if (type.ends_with("google.protobuf.Duration") && vm::parse_duration(text, ms))
        return Converted{vm::Value::duration(ms), Type::duration()};
    }
    why = "a protobuf message value";
    return std::nullopt;
  }
  why = "a " + std::string(key) + " value";
  return std::nullopt;
}

namespace {

TypeRef from_type_json(element t) {
  std::string_view prim;
  if (!t["primitive"].get(prim)) {
    if (prim == "INT64") return Type::integer();
    if (prim == "DOUBLE") return Type::floating();
    if (prim == "STRING") return Type::string();
    if (prim == "BOOL") return Type::boolean();
    return nullptr;  // UINT64, BYTES: no such type here
  }
  element x;
  if (!t["null"].get(x)) return Type::null();
  if (!t["listType"]["elemType"].get(x)) {
    TypeRef e = from_type_json(x);
    return e ? Type::list(e) : nullptr;
  }
  if (!t["mapType"].get(x)) {
    std::string_view k;
    if (x["keyType"]["primitive"].get(k) || k != "STRING") return nullptr;
    TypeRef v = from_type_json(x["valueType"]);
    return v ? Type::map(v) : nullptr;
  }
  return nullptr;
}

}  // namespace

TypeRef declared_type(const Case& c, const std::string& name) {
  if (!c.type_env) return nullptr;
  array env;
  if (c.type_env->get(env)) return nullptr;
  for (element d : env) {
    if (str_field(d, "name") != name) continue;
    element t;
    if (d["ident"]["type"].get(t)) return nullptr;
    return from_type_json(t);
  }
  return nullptr;
}

}  // namespace play::cel
