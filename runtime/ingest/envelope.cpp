#include "runtime/ingest/envelope.h"

#include "common/json/json.h"
#include "runtime/vm/value.h"

namespace play::ingest {

namespace dom = simdjson::dom;

namespace {

const char* type_name(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY:
      return "array";
    case dom::element_type::OBJECT:
      return "object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return "number";
    case dom::element_type::STRING:
      return "string";
    case dom::element_type::BOOL:
      return "bool";
    case dom::element_type::NULL_VALUE:
      return "null";
  }
  return "?";
}

// Optional string field: absent or null -> "" and true; a string -> it; else false.
bool optional_string(dom::object obj, const char* key, std::string_view& out, std::string& error) {
  out = {};
  auto field = obj[key];
  if (field.error()) return true;
  dom::element e = field.value_unsafe();
  if (e.is_null()) return true;
  if (!e.is_string()) {
    error = std::string(key) + ": must be a string, got " + type_name(e.type());
    return false;
  }
  out = e.get_string().value_unsafe();
  return true;
}

}  // namespace

std::string describe_json_error(simdjson::error_code code) {
  switch (code) {
    case simdjson::UTF8_ERROR:
      return "malformed JSON: invalid UTF-8";
    case simdjson::EMPTY:
      return "malformed JSON: empty body";
    case simdjson::DEPTH_ERROR:
      return "malformed JSON: nested too deeply";
    case simdjson::CAPACITY:
      return "malformed JSON: document too large";
    default:
      return std::string("malformed JSON: ") + simdjson::error_message(code);
  }
}

bool normalize_envelope(dom::element item, const EnvelopeDefaults& defaults, store::IncomingSignal& out,
                        std::string& error) {
  if (!item.is_object()) {
    error = std::string("an envelope must be a JSON object, got ") + type_name(item.type());
    return false;
  }
  dom::object obj = item.get_object().value_unsafe();
  // A repeated envelope key could be read differently by two readers (the
  // first wins here and in the engine; another tool may take the last).
  static constexpr std::string_view kFields[] = {"id",     "type",    "occurred_at", "received_at",
                                                 "source", "account", "contact",     "properties"};
  // The authenticated source is the signal's source, whatever the body says
  // (every `source` of the body is left out then, so repeats do not matter).
  const bool set_source = !defaults.source.empty();
  bool seen[std::size(kFields)] = {};
  for (auto field : obj)
    for (size_t i = 0; i < std::size(kFields); ++i)
      if (field.key == kFields[i]) {
        if (seen[i] && !(set_source && kFields[i] == "source")) {
          error = "duplicate key '" + std::string(kFields[i]) + "'";
          return false;
        }
        seen[i] = true;
      }
  std::string_view id, type, occurred_at, received_at, source, ignored;
  if (!optional_string(obj, "id", id, error) || !optional_string(obj, "type", type, error) ||
      !optional_string(obj, "occurred_at", occurred_at, error) ||
      !optional_string(obj, "received_at", received_at, error) ||
      !optional_string(obj, "source", source, error) || !optional_string(obj, "account", ignored, error) ||
      !optional_string(obj, "contact", ignored, error))
    return false;
  bool add_id = false;
  if (id.empty()) {
    if (defaults.fallback_id.empty()) {
      error = "id: missing (a non-empty string: the signal's dedup key)";
      return false;
    }
    id = defaults.fallback_id;
    add_id = true;
  }
  if (defaults.max_id_bytes && id.size() > defaults.max_id_bytes) {
    error = "id: longer than " + std::to_string(defaults.max_id_bytes) + " bytes";
    return false;
  }
  std::string body = simdjson::minify(item);
  if (defaults.max_signal_bytes && body.size() > defaults.max_signal_bytes) {
    error = "signal larger than " + std::to_string(defaults.max_signal_bytes) + " bytes (" +
            std::to_string(body.size()) + " bytes)";
    return false;
  }
  if (type.empty()) {
    error = "type: missing (a signal type such as \"website.page_viewed\")";
    return false;
  }
  if (occurred_at.empty()) {
    error = "occurred_at: missing (an RFC 3339 timestamp)";
    return false;
  }
  if (!vm::parse_timestamp(occurred_at, out.occurred_at_ms)) {
    error = "occurred_at: not an RFC 3339 timestamp";
    return false;
  }
  int64_t received_ms = defaults.received_at_ms;
  bool add_received = received_at.empty();
  if (!add_received && !vm::parse_timestamp(received_at, received_ms)) {
    error = "received_at: not an RFC 3339 timestamp";
    return false;
  }
  auto props = obj["properties"];
  if (!props.error() && !props.value_unsafe().is_object() && !props.value_unsafe().is_null()) {
    error = std::string("properties: must be an object, got ") + type_name(props.value_unsafe().type());
    return false;
  }

  out.id.assign(id);
  out.type.assign(type);
  out.received_at_ms = received_ms;
  // The stored envelope is the item as sent (minified), with the fields we
  // fill in put first (and the body's `source` left out when we set it).
  out.envelope.clear();
  out.envelope.reserve(body.size() + 96);
  out.envelope += '{';
  bool comma = false;
  auto add = [&](const char* key, std::string_view value) {
    if (comma) out.envelope += ',';
    json::append_string(out.envelope, key);
    out.envelope += ':';
    json::append_string(out.envelope, value);
    comma = true;
  };
  if (add_id) add("id", id);
  if (set_source) add("source", defaults.source);
  if (add_received) add("received_at", vm::format_timestamp(received_ms));
  if (set_source && seen[4]) {
    for (auto field : obj) {
      if (field.key == "source") continue;
      if (comma) out.envelope += ',';
      json::append_string(out.envelope, field.key);
      out.envelope += ':';
      out.envelope += simdjson::minify(field.value);
      comma = true;
    }
    out.envelope += '}';
    return true;
  }
  if (body.size() > 2 && comma) out.envelope += ',';
  out.envelope.append(body, 1, std::string::npos);
  return true;
}

}  // namespace play::ingest
