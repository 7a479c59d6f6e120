#include <simdjson.h>

#include <unordered_map>

#include "common/text.h"
#include "runtime/engine/json_value.h"
#include "runtime/engine/signal.h"

namespace play::engine {

struct SignalDecoder::Impl {
  const vm::Bundle& bundle;
  simdjson::dom::parser parser;
  std::unordered_map<std::string_view, uint32_t> types;  // keys point into the bundle
  explicit Impl(const vm::Bundle& b) : bundle(b) {
    for (uint32_t i = 0; i < b.signals.size(); ++i) types.emplace(b.signals[i].name, i);
  }
};

SignalDecoder::SignalDecoder(const vm::Bundle& bundle) : impl_(std::make_unique<Impl>(bundle)) {}
SignalDecoder::~SignalDecoder() = default;

int SignalDecoder::find_type(std::string_view name) const {
  auto it = impl_->types.find(name);
  return it == impl_->types.end() ? -1 : int(it->second);
}

namespace {

// An optional string envelope field: absent or null gives "".
bool optional_string(simdjson::dom::object env, const char* key, vm::Arena& arena, bool lower,
                     std::string_view& out, std::string& error) {
  out = {};
  simdjson::dom::element e;
  if (env[key].get(e) != simdjson::SUCCESS || e.is_null()) return true;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    error = std::string("'") + key + "' must be a string, got " + json_type_name(e.type());
    return false;
  }
  out = arena.copy_string(s);
  if (lower) ascii_lower_in_place(const_cast<char*>(out.data()), out.size());
  return true;
}

bool timestamp_field(simdjson::dom::element e, const char* key, int64_t& ms, std::string& error) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    error =
        std::string("'") + key + "' must be an RFC 3339 timestamp string, got " + json_type_name(e.type());
    return false;
  }
  if (!vm::parse_timestamp(s, ms)) {
    error = std::string("'") + key + "' is not an RFC 3339 timestamp: \"" + std::string(s) + "\"";
    return false;
  }
  return true;
}

int find_prop(const vm::SignalSchema& schema, std::string_view name) {
  for (size_t i = 0; i < schema.props.size(); ++i)
    if (schema.props[i].name == name) return int(i);
  return -1;
}

}  // namespace

bool SignalDecoder::decode(std::string_view json, DecodedSignal& out, std::string& error) {
  vm::Arena& arena = *out.storage;
  arena.reset();
  simdjson::dom::element root;
  if (auto err = impl_->parser.parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS) {
    error = std::string("invalid JSON: ") + simdjson::error_message(err);
    return false;
  }
  simdjson::dom::object env;
  if (root.get_object().get(env) != simdjson::SUCCESS) {
    error = std::string("a signal must be a JSON object, got ") + json_type_name(root.type());
    return false;
  }

  // type first: the schema decides how to read the rest.
  simdjson::dom::element e;
  std::string_view type;
  if (env["type"].get(e) != simdjson::SUCCESS || e.is_null()) {
    error = "missing 'type'";
    return false;
  }
  if (e.get_string().get(type) != simdjson::SUCCESS) {
    error = std::string("'type' must be a string, got ") + json_type_name(e.type());
    return false;
  }
  int t = find_type(type);
  if (t < 0) {
    error = "unknown signal type '" + std::string(type) + "'";
    return false;
  }
  const vm::SignalSchema& schema = impl_->bundle.signals[t];
  out.type = uint32_t(t);
  out.type_name = schema.name;

  if (!optional_string(env, "id", arena, false, out.id, error)) return false;
  if (out.id.empty()) {
    error = "missing 'id'";
    return false;
  }
  if (env["occurred_at"].get(e) != simdjson::SUCCESS || e.is_null()) {
    error = "missing 'occurred_at'";
    return false;
  }
  if (!timestamp_field(e, "occurred_at", out.occurred_at_ms, error)) return false;
  out.received_at_ms.reset();
  if (env["received_at"].get(e) == simdjson::SUCCESS && !e.is_null()) {
    int64_t ms;
    if (!timestamp_field(e, "received_at", ms, error)) return false;
    out.received_at_ms = ms;
  }
  if (!optional_string(env, "source", arena, false, out.source, error)) return false;
  if (!optional_string(env, "account", arena, true, out.account, error)) return false;
  if (!optional_string(env, "contact", arena, true, out.contact, error)) return false;

  out.props.assign(schema.props.size(), vm::Value());
  if (env["properties"].get(e) == simdjson::SUCCESS && !e.is_null()) {
    simdjson::dom::object props;
    if (e.get_object().get(props) != simdjson::SUCCESS) {
      error = std::string("'properties' must be an object, got ") + json_type_name(e.type());
      return false;
    }
    for (auto field : props) {
      int slot = find_prop(schema, field.key);
      if (slot < 0) continue;  // extra properties are ignored
      const vm::Field& f = schema.props[slot];
      if (!json_to_value(field.value, f.type, arena, out.props[slot], error)) {
        error = "property '" + f.name + "' " + error;
        return false;
      }
    }
  }
  // A non-`?` property that is still null was absent or an explicit null.
  for (size_t i = 0; i < schema.props.size(); ++i) {
    if (out.props[i].is_null() && !schema.props[i].type.nullable) {
      error = "missing property '" + schema.props[i].name + "' (required by signal " + schema.name + ")";
      return false;
    }
  }
  return true;
}

bool decode_signal(std::string_view json, const vm::Bundle& bundle, DecodedSignal& out, std::string& error) {
  SignalDecoder decoder(bundle);
  return decoder.decode(json, out, error);
}

}  // namespace play::engine
