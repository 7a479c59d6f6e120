// One CEL conformance case as written by extract_cel_tests.js, and the
// conversion of the spec's protobuf-JSON values (ExprValue / Value messages:
// {"int64Value":"1"}, {"listValue":{"values":[...]}}, ...) into VM values.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/type.h"
#include "runtime/vm/value.h"

namespace play::cel {

struct Case {
  std::string section, suite, name, expr, container;
  bool expect_error = false;  // evalError / anyEvalErrors
  bool disable_check = false;
  std::optional<simdjson::dom::element> value;     // expected value, when not an error
  std::optional<simdjson::dom::element> bindings;  // {name: {"value": {...}}}
  std::optional<simdjson::dom::element> type_env;  // [{name, ident: {type}}]

  // "section/suite/name": what skip-list globs match.
  std::string path() const { return section + "/" + suite + "/" + name; }
};

// Reads every case of `doc` (the array written by extract_cel_tests.js).
// The elements point into `doc`'s parser, which must outlive the cases.
bool read_cases(simdjson::dom::element doc, std::vector<Case>& out, std::string& error);

struct Converted {
  vm::Value value;
  TypeRef type;
};

// Converts an expected value or a binding value. Returns nothing (with
// `why`) for values our types cannot hold (uint, bytes, types, messages),
// which the caller reports as a skip reason, never as a failure.
std::optional<Converted> convert_value(simdjson::dom::element v, vm::Arena& arena, std::string& why);

// A binding's declared type from the case's typeEnv (primitive, listType,
// mapType, null); null when the type env does not say or we have no such type.
TypeRef declared_type(const Case& c, const std::string& name);

}  // namespace play::cel
