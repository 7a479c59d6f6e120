#include "runtime/ingest/auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <stdexcept>

#include "common/time/time.h"
#include "runtime/ingest/base64.h"
#include "runtime/ingest/webhook_signature.h"

namespace play::ingest {

namespace {
// "Bearer abc" -> "abc" when the scheme matches (case-insensitively).
bool strip_scheme(std::string_view header, std::string_view scheme, std::string_view& rest) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  for (size_t i = 0; i < scheme.size(); ++i)
    if ((header[i] | 0x20) != (scheme[i] | 0x20)) return false;
  rest = header.substr(scheme.size() + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return true;
}

constexpr const char* kMissing =
    "missing credentials: send a bearer token, Basic write key or Standard Webhooks signature";
}  // namespace

Authenticator::Authenticator(std::vector<SourceConfig> sources, int64_t tolerance_s)
    : tolerance_s_(tolerance_s) {
  for (auto& s : sources) {
    if (s.secret.empty()) throw std::invalid_argument("source '" + s.name + "' has no secret");
    Source src{std::move(s), {}};
    if (src.config.kind == SourceKind::StandardWebhooks) {
      auto key = webhook_key_from_secret(src.config.secret);
      if (!key)
        throw std::invalid_argument("source '" + src.config.name +
                                    "': a Standard Webhooks secret must be \"whsec_<base64>\"");
      src.key = std::move(*key);
    } else {
      src.key = src.config.secret;
    }
    sources_.push_back(std::move(src));
  }
}

bool Authenticator::has_kind(SourceKind kind) const {
  for (const auto& s : sources_)
    if (s.config.kind == kind) return true;
  return false;
}

bool Authenticator::any_signed_context_source() const {
  for (const auto& s : sources_)
    if (s.config.kind == SourceKind::StandardWebhooks && s.config.context) return true;
  return false;
}

AuthResult Authenticator::authenticate_write_key(std::string_view write_key) const {
  AuthResult r;
  for (const auto& s : sources_)
    if (s.config.kind == SourceKind::SegmentWriteKey && constant_time_equal(write_key, s.key)) {
      r.ok = true;
      r.source = s.config.name;
      r.config = &s.config;
      return r;
    }
  r.error = "unknown write key";
  return r;
}

HeaderAuth Authenticator::check_headers(const HttpRequest& request, int64_t now_s) const {
  HeaderAuth h;
  AuthResult& r = h.result;
  if (sources_.empty()) {
    if (request.from_loopback) {
      r.ok = true;
      h.outcome = HeaderAuth::Authenticated;
    } else {
      r.error = "no sources are configured: unauthenticated signals are accepted from loopback only";
    }
    r.webhook_id = std::string(request.header("webhook-id"));
    return h;
  }
  std::string_view authorization = request.header("authorization"), credential;
  if (strip_scheme(authorization, "Bearer", credential)) {
    for (const auto& s : sources_)
      if (s.config.kind == SourceKind::Bearer && constant_time_equal(credential, s.key)) {
        r.ok = true;
        r.source = s.config.name;
        r.config = &s.config;
        h.outcome = HeaderAuth::Authenticated;
        return h;
      }
    r.error = "unknown bearer token";
    return h;
  }
  if (strip_scheme(authorization, "Basic", credential)) {
    auto decoded = base64_decode(credential);
    if (!decoded) {
      r.error = "malformed Basic credentials";
      return h;
    }
    r = authenticate_write_key(std::string_view(*decoded).substr(0, decoded->find(':')));
    if (r.ok) h.outcome = HeaderAuth::Authenticated;
    return h;
  }
  std::string_view signature = request.header("webhook-signature"), id = request.header("webhook-id");
  if (!signature.empty() || !id.empty()) {
    if (!has_kind(SourceKind::StandardWebhooks)) {
      r.error = "no Standard Webhooks source is configured";
      return h;
    }
    std::string_view timestamp = request.header("webhook-timestamp");
    if (auto check = check_webhook_headers(id, timestamp, signature, now_s, tolerance_s_);
        check != WebhookCheck::Ok) {
      r.error = describe(check);
      return h;
    }
    std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), r.webhook_timestamp);
    r.webhook_id = std::string(id);
    h.outcome = HeaderAuth::Signed;
    return h;
  }
  r.error = kMissing;
  h.outcome = HeaderAuth::Missing;
  return h;
}

AuthResult Authenticator::authenticate(const HttpRequest& request, std::string_view raw_body, int64_t now_s,
                                       bool* missing) const {
  HeaderAuth h = check_headers(request, now_s);
  if (missing) *missing = h.outcome == HeaderAuth::Missing;
  if (h.outcome != HeaderAuth::Signed) return h.result;
  AuthResult r = std::move(h.result);
  std::string_view signature = request.header("webhook-signature"), id = request.header("webhook-id");
  for (const auto& s : sources_) {
    if (s.config.kind != SourceKind::StandardWebhooks) continue;
    auto check = verify_webhook(s.key, id, request.header("webhook-timestamp"), signature, raw_body, now_s,
                                tolerance_s_);
    if (check == WebhookCheck::Ok) {
      r.ok = true;
      r.source = s.config.name;
      r.config = &s.config;
      return r;
    }
  }
  r.error = describe(WebhookCheck::NoMatch);
  return r;
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

// "127.0.0.1:8080" -> "127.0.0.1", "[::1]:8080" -> "::1", "localhost" -> "localhost".
std::string_view host_name(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t end = host.find(']');
    return end == std::string_view::npos ? host : host.substr(1, end - 1);
  }
  return host.substr(0, host.find(':'));
}

bool loopback_host(std::string_view host) {
  if (host.empty()) return true;  // HTTP/1.0 without Host: no browser
  std::string_view name = host_name(host);
  if (iequals(name, "localhost") || name == "::1") return true;
  // 127.0.0.0/8, in dotted-decimal only.
  if (!name.starts_with("127.")) return false;
  int dots = 0;
  for (char c : name) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return false;
  }
  return dots == 3;
}

// A request that changes something, sent by a browser page of another origin.
bool cross_origin_write(const HttpRequest& request) {
  if (request.method == "GET" || request.method == "HEAD") return false;
  std::string_view origin = request.header("origin");
  if (origin.empty()) return false;  // not a browser, or a same-origin request of an old one
  for (std::string_view scheme : {"http://", "https://"})
    if (origin.starts_with(scheme)) return !iequals(origin.substr(scheme.size()), request.header("host"));
  return true;  // "null" (a sandboxed or file: page) and anything else
}

std::string hex(const unsigned char* data, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

}  // namespace

std::string admin_session_value(std::string_view admin_token, int64_t expires_s) {
  std::string message = "playd-session-v1." + std::to_string(expires_s);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), admin_token.data(), int(admin_token.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return std::to_string(expires_s) + "." + hex(mac, len);
}

bool admin_session_valid(std::string_view value, std::string_view admin_token, int64_t now_s) {
  if (admin_token.empty()) return false;
  size_t dot = value.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 18) return false;
  int64_t expires = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + dot, expires);
  if (ec != std::errc() || end != value.data() + dot || expires <= now_s) return false;
  return constant_time_equal(value, admin_session_value(admin_token, expires));
}

std::string admin_session_cookie(std::string_view admin_token, int64_t now_s, bool secure) {
  return std::string(kSessionCookie) + "=" + admin_session_value(admin_token, now_s + kSessionSeconds) +
         "; Path=/; Max-Age=" + std::to_string(kSessionSeconds) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

std::string admin_session_clear(bool secure) {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

std::string_view cookie_value(const HttpRequest& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    }
  }
  return {};
}

bool forwarded_https(const HttpRequest& request) {
  if (iequals(request.header("x-forwarded-proto"), "https")) return true;
  std::string_view forwarded = request.header("forwarded");
  for (size_t at = forwarded.find("proto="); at != std::string_view::npos;
       at = forwarded.find("proto=", at + 1))
    if (iequals(forwarded.substr(at + 6, 5), "https")) return true;
  return false;
}

bool admin_authorized(const HttpRequest& request, std::string_view admin_token) {
  if (admin_token.empty())
    return request.from_loopback && loopback_host(request.header("host")) && !cross_origin_write(request);
  std::string_view credential;
  if (strip_scheme(request.header("authorization"), "Bearer", credential))
    return constant_time_equal(credential, admin_token);
  std::string_view session = cookie_value(request, kSessionCookie);
  return !session.empty() && admin_session_valid(session, admin_token, wall_ms() / 1000) &&
         !cross_origin_write(request);
}

}  // namespace play::ingest
