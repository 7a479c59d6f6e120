#include "runtime/ingest/auth.h"

#include <charconv>
#include <stdexcept>

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

bool admin_authorized(const HttpRequest& request, std::string_view admin_token) {
  if (admin_token.empty()) return request.from_loopback;
  std::string_view credential;
  return strip_scheme(request.header("authorization"), "Bearer", credential) &&
         constant_time_equal(credential, admin_token);
}

}  // namespace play::ingest
