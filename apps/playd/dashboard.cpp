#include "apps/playd/dashboard.h"

#include <cstdint>

#include "common/text.h"

namespace play::playd {

const std::vector<std::string_view> kDashboardApi = {"/v1/overview", "/v1/plays",  "/v1/history",
                                                     "/v1/alerts",   "/v1/review", "/v1/decisions"};

namespace {

constexpr const char* kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const EmbeddedFile* find_file(std::string_view name) {
  for (const auto& f : dashboard_files())
    if (f.name == name) return &f;
  return nullptr;
}

std::string_view content_type(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "";
}

// FNV-1a, 64 bits: an ETag only needs to change when the bytes do.
std::string etag(std::string_view body) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : body) h = (h ^ c) * 0x100000001b3ull;
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (int shift = 60; shift >= 0; shift -= 4) out += hex[(h >> shift) & 15];
  return out + "\"";
}

void replace_all(std::string& text, std::string_view marker, std::string_view value) {
  for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + value.size()))
    text.replace(at, marker.size(), value);
}

std::string query_value(std::string_view target, std::string_view name) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return "";
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1), true);
  }
  return "";
}

ingest::HttpResponse answer(const ingest::HttpRequest& request, std::string body, std::string_view type,
                            bool page) {
  ingest::HttpResponse r;
  r.content_type = std::string(type);
  std::string tag = etag(body);
  r.headers.emplace_back("Content-Security-Policy", kPolicy);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", page ? "no-cache, private" : "no-cache");
  r.headers.emplace_back("ETag", tag);
  if (request.header("if-none-match") == tag) {
    r.status = 304;
    return r;
  }
  r.body = std::move(body);
  return r;
}

ingest::HttpResponse not_found(std::string_view what) {
  ingest::HttpResponse r;
  r.status = 404;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.body = "no such dashboard file: " + std::string(what.substr(0, 200)) + "\n";
  return r;
}

ingest::HttpResponse login_page(const ingest::HttpRequest& request, const DashboardOptions& options) {
  const EmbeddedFile* file = find_file("login.html");
  if (!file) return not_found("login.html");
  // Back to a path of this playd only: not "//host" nor "/\\host" (another site), no control characters.
  std::string next = query_value(request.target, "next");
  bool local =
      next.size() >= 1 && next[0] == '/' && (next.size() == 1 || (next[1] != '/' && next[1] != '\\'));
  for (char c : next)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) local = false;
  if (!local) next = "/";
  std::string message;
  if (!options.admin_token && request.from_loopback)
    message = "No token is needed here: this playd has no admin token and you are on loopback.";
  else if (!options.admin_token)
    message =
        "This playd has no admin token, so its dashboard is open from loopback only. Set "
        "server.admin_token in playd.toml to use it from here.";
  else if (query_value(request.target, "failed") == "1")
    message = "That is not the admin token.";
  std::string body(file->data);
  replace_all(body, "{{message}}", html_escape(message));
  replace_all(body, "{{next}}", html_escape(next));
  replace_all(body, "{{form}}", options.admin_token ? "" : "hidden");
  return answer(request, std::move(body), content_type("login.html"), true);
}

}  // namespace

ingest::HttpResponse serve_dashboard(const ingest::HttpRequest& request, const DashboardOptions& options) {
  std::string_view path = request.path;
  if (path == "/login") return login_page(request, options);
  constexpr std::string_view kAssets = "/assets/";
  if (path.starts_with(kAssets)) {
    std::string_view name = path.substr(kAssets.size());
    const EmbeddedFile* file = name.ends_with(".html") ? nullptr : find_file(name);
    if (!file || content_type(name).empty()) return not_found(name);
    return answer(request, std::string(file->data), content_type(name), false);
  }
  // Every page is the same shell; the script reads the path.
  const EmbeddedFile* shell = find_file("index.html");
  if (!shell) return not_found("index.html");
  std::string body(shell->data);
  replace_all(body, "{{auth}}", options.admin_token ? "token" : "open");
  std::string api;
  for (std::string_view path : kDashboardApi)
    if (!options.routed || options.routed(path)) api += (api.empty() ? "" : " ") + std::string(path);
  replace_all(body, "{{api}}", api);
  return answer(request, std::move(body), content_type("index.html"), true);
}

}  // namespace play::playd
