// JSON-RPC 2.0 as LSP 3.17 uses it: the error codes, the messages the server
// writes (responses, errors, notifications, its own requests), and reading
// request parameters out of a simdjson DOM with errors a client can act on
// (a missing or mistyped field is InvalidParams, naming the field).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace play::lsp {

namespace rpc {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;
inline constexpr int kRequestFailed = -32803;
}  // namespace rpc

// Thrown by a handler; the dispatcher answers the request with it.
struct RpcError : std::runtime_error {
  int code;
  RpcError(int c, const std::string& message) : std::runtime_error(message), code(c) {}
};

// `id` and results are JSON text as it goes on the wire ("3", "\"a\"", "null").
std::string response(std::string_view id, std::string_view result);
std::string error_response(std::string_view id, int code, std::string_view message);
std::string notification(std::string_view method, std::string_view params);
std::string request(std::string_view id, std::string_view method, std::string_view params);

// Parameter access. `what` names the field in errors ("textDocument.uri").
using Json = simdjson::dom::element;
Json field(Json object, const char* key, const char* what);        // required object member
std::optional<Json> optional_field(Json object, const char* key);  // absent or null -> nullopt
std::string_view string_field(Json object, const char* key, const char* what);
uint32_t uint_field(Json object, const char* key, const char* what);
bool bool_or(Json object, const char* key, bool fallback);
std::string minified(Json value);  // the value as JSON text

}  // namespace play::lsp
