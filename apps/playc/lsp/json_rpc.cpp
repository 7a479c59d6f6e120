#include "apps/playc/lsp/json_rpc.h"

#include "common/json/json.h"

namespace play::lsp {

namespace {

std::string head(std::string_view id) {
  std::string out = "{\"jsonrpc\":\"2.0\",\"id\":";
  out.append(id);
  return out;
}

}  // namespace

std::string response(std::string_view id, std::string_view result) {
  std::string out = head(id);
  out += ",\"result\":";
  out.append(result);
  out += "}";
  return out;
}

std::string error_response(std::string_view id, int code, std::string_view message) {
  std::string out = head(id);
  out += ",\"error\":{\"code\":" + std::to_string(code) + ",\"message\":";
  json::append_string(out, message);
  out += "}}";
  return out;
}

std::string notification(std::string_view method, std::string_view params) {
  std::string out = "{\"jsonrpc\":\"2.0\",\"method\":";
  json::append_string(out, method);
  out += ",\"params\":";
  out.append(params);
  out += "}";
  return out;
}

std::string request(std::string_view id, std::string_view method, std::string_view params) {
  std::string out = head(id);
  out += ",\"method\":";
  json::append_string(out, method);
  out += ",\"params\":";
  out.append(params);
  out += "}";
  return out;
}

Json field(Json object, const char* key, const char* what) {
  Json v;
  if (!object.is_object() || object.get_object()[key].get(v) != simdjson::SUCCESS || v.is_null())
    throw RpcError(rpc::kInvalidParams, std::string("missing ") + what);
  return v;
}

std::optional<Json> optional_field(Json object, const char* key) {
  Json v;
  if (!object.is_object() || object.get_object()[key].get(v) != simdjson::SUCCESS || v.is_null())
    return std::nullopt;
  return v;
}

std::string_view string_field(Json object, const char* key, const char* what) {
  std::string_view s;
  if (field(object, key, what).get_string().get(s) != simdjson::SUCCESS)
    throw RpcError(rpc::kInvalidParams, std::string(what) + " must be a string");
  return s;
}

uint32_t uint_field(Json object, const char* key, const char* what) {
  Json v = field(object, key, what);
  int64_t i = 0;
  uint64_t u = 0;
  if (v.get_uint64().get(u) == simdjson::SUCCESS)
    return u > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(u);
  if (v.get_int64().get(i) == simdjson::SUCCESS && i < 0)
    throw RpcError(rpc::kInvalidParams, std::string(what) + " must not be negative");
  throw RpcError(rpc::kInvalidParams, std::string(what) + " must be an integer");
}

bool bool_or(Json object, const char* key, bool fallback) {
  auto v = optional_field(object, key);
  bool b = fallback;
  if (v && v->get_bool().get(b) != simdjson::SUCCESS) return fallback;
  return b;
}

std::string minified(Json value) { return simdjson::minify(value); }

}  // namespace play::lsp
