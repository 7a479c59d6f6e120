#include "runtime/ingest/auth.h"

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

AuthResult Authenticator::authenticate(const HttpRequest& request, std::string_view raw_body,
                                       int64_t now_s) const {
  AuthResult r;
  if (sources_.empty()) {
    if (request.from_loopback) {
      r.ok = true;
    } else {
      r.error = "no sources are configured: unauthenticated signals are accepted from loopback only";
    }
    r.webhook_id = std::string(request.header("webhook-id"));
    return r;
  }
  std::string_view authorization = request.header("authorization"), credential;
  if (strip_scheme(authorization, "Bearer", credential)) {
    for (const auto& s : sources_)
      if (s.config.kind == SourceKind::Bearer && constant_time_equal(credential, s.key)) {
        r.ok = true;
        r.source = s.config.name;
        return r;
      }
    r.error = "unknown bearer token";
    return r;
  }
  if (strip_scheme(authorization, "Basic", credential)) {
    auto decoded = base64_decode(credential);
    if (!decoded) {
      r.error = "malformed Basic credentials";
      return r;
    }
    std::string_view write_key = std::string_view(*decoded).substr(0, decoded->find(':'));
    for (const auto& s : sources_)
      if (s.config.kind == SourceKind::SegmentWriteKey && constant_time_equal(write_key, s.key)) {
        r.ok = true;
        r.source = s.config.name;
        return r;
      }
    r.error = "unknown write key";
    return r;
  }
  std::string_view signature = request.header("webhook-signature");
  if (!signature.empty() || !request.header("webhook-id").empty()) {
    WebhookCheck worst = WebhookCheck::NoMatch;
    bool any = false;
    for (const auto& s : sources_) {
      if (s.config.kind != SourceKind::StandardWebhooks) continue;
      any = true;
      auto check = verify_webhook(s.key, request.header("webhook-id"), request.header("webhook-timestamp"),
                                  signature, raw_body, now_s, tolerance_s_);
      if (check == WebhookCheck::Ok) {
        r.ok = true;
        r.source = s.config.name;
        r.webhook_id = std::string(request.header("webhook-id"));
        return r;
      }
      worst = check;  // header problems are the same for every source
    }
    r.error = any ? describe(worst) : "no Standard Webhooks source is configured";
    return r;
  }
  r.error = "missing credentials: send a bearer token, Basic write key or Standard Webhooks signature";
  return r;
}

bool admin_authorized(const HttpRequest& request, std::string_view admin_token) {
  if (admin_token.empty()) return request.from_loopback;
  std::string_view credential;
  return strip_scheme(request.header("authorization"), "Bearer", credential) &&
         constant_time_equal(credential, admin_token);
}

}  // namespace play::ingest
