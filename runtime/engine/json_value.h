// JSON <-> Value by declared type: how signal properties and context
// records (JSON on the way in) become slots, and how action arguments
// (Values) become JSON on the way out. Internal to runtime/engine except
// append_value_json, which sinks use too.
#pragma once

#include <simdjson.h>

#include <string>

#include "runtime/vm/bundle.h"
#include "runtime/vm/value.h"

namespace play::engine {

// Converts `e` to a Value of declared type `t` (FieldType::code Null = dyn:
// any JSON). Strings, lists and maps are copied into `arena`, so the Value
// outlives the parser's document. JSON null gives Value::null() whatever
// `t` says (the caller decides whether null is allowed). Durations are read
// from strings ("4h"), timestamps from RFC 3339 strings. On a mismatch
// returns false with `error` = what was expected ("must be an int, got
// string"), for the caller to prefix with the property's name.
bool json_to_value(simdjson::dom::element e, const vm::FieldType& t, vm::Arena& arena, vm::Value& out,
                   std::string& error);

const char* json_type_name(simdjson::dom::element_type t);  // "string", "number", "object", ...

}  // namespace play::engine
