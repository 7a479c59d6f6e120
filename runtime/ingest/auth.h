// Per-source authentication of ingestion requests. A source is configured
// with one kind of secret: a bearer token, a Segment write key (HTTP Basic,
// the key as user name, as the Segment and RudderStack SDKs send it, or
// `writeKey` in the JSON body, as @segment/analytics-node 2.x does), or a
// Standard Webhooks secret ("whsec_..."). With no source configured at all
// (a first run), unauthenticated requests are accepted from loopback only.
//
// Authentication runs in two steps: check_headers() before the body is read
// (bearer tokens and Basic write keys are decided there; a signed request's
// headers and timestamp are checked), authenticate() with the body (a
// signature covers it). What a source may send once authenticated is its
// policy (source_policy.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/ingest/http_server.h"

namespace play::ingest {

enum class SourceKind { Bearer, SegmentWriteKey, StandardWebhooks };

struct SourceConfig {
  std::string name;  // always the signal's `source` (a body's own is replaced)
  SourceKind kind = SourceKind::Bearer;
  std::string secret;
  // Signal types it may send: glob patterns ("website.*"). Unset: every type
  // except those that change context (crm.account_updated, crm.contact_updated).
  std::optional<std::vector<std::string>> signals;
  // May PUT /v1/accounts|contacts and send the context-changing types.
  bool context = false;
  // Segment identify/group traits that may change the account / contact
  // record. Unset: every field when `context`, none otherwise.
  std::optional<std::vector<std::string>> account_traits, contact_traits;
};

// A source with the default policy (tests, tools).
inline SourceConfig make_source(std::string name, SourceKind kind, std::string secret) {
  SourceConfig s;
  s.name = std::move(name);
  s.kind = kind;
  s.secret = std::move(secret);
  return s;
}

struct AuthResult {
  bool ok = false;
  std::string source;                    // the matching source's name ("" for the open loopback mode)
  const SourceConfig* config = nullptr;  // its policy (nullptr in the open loopback mode)
  std::string webhook_id;                // Standard Webhooks: the dedup id for envelopes without one
  int64_t webhook_timestamp = 0;         // Standard Webhooks: the signed timestamp (Unix seconds)
  std::string error;                     // why not (for the 401 body)
};

// The first step, on the request's head.
struct HeaderAuth {
  enum Outcome {
    Authenticated,  // bearer token, Basic write key, or the open loopback mode: `result` is final
    Signed,         // Standard Webhooks headers look right: verify the signature with the body
    Missing,        // no credentials in the headers (a Segment body may carry `writeKey`)
    Refused,        // wrong credentials: `result.error` says why
  } outcome = Refused;
  AuthResult result;
};

class Authenticator {
 public:
  // Throws std::invalid_argument on a Standard Webhooks secret that is not
  // base64, or a source without a secret.
  explicit Authenticator(std::vector<SourceConfig> sources, int64_t tolerance_s = 300);

  // `request.from_loopback` must already say whether loopback is trusted.
  HeaderAuth check_headers(const HttpRequest& request, int64_t now_s) const;

  // Both steps. `raw_body` is the body as received (signatures cover the
  // bytes sent, before any decompression). `now_s`: Unix seconds. A request
  // without credentials is refused with `missing` set.
  AuthResult authenticate(const HttpRequest& request, std::string_view raw_body, int64_t now_s,
                          bool* missing = nullptr) const;

  // A Segment write key sent in the body (`writeKey`).
  AuthResult authenticate_write_key(std::string_view write_key) const;

  bool open_mode() const { return sources_.empty(); }
  bool has_kind(SourceKind kind) const;
  // Whether some Standard Webhooks source may change context.
  bool any_signed_context_source() const;
  int64_t tolerance_s() const { return tolerance_s_; }

 private:
  struct Source {
    SourceConfig config;
    std::string key;  // bearer token, write key, or the decoded webhook key
  };
  std::vector<Source> sources_;
  int64_t tolerance_s_;
};

// Admin endpoints, /metrics and the dashboard's pages:
// - `Authorization: Bearer <admin_token>`;
// - or the dashboard's session cookie (below), which a browser sends by itself;
// - with no token configured, a trusted loopback peer (`request.from_loopback`)
//   whose `Host` names loopback (localhost, 127.0.0.0/8, [::1]): a page whose
//   domain resolves to 127.0.0.1 (DNS rebinding) does not borrow the trust.
// A browser sends the cookie and reaches loopback on its own, so with those
// two a request that changes something (not GET or HEAD) is refused when its
// `Origin` names another origin than its `Host` (cross-site request forgery).
bool admin_authorized(const HttpRequest& request, std::string_view admin_token);

// The dashboard's session cookie, set by `POST /login` with the admin token:
//   playd_session=<expiry, Unix s>.<hex HMAC-SHA256(admin token, "playd-session-v1.<expiry>")>
// HttpOnly, SameSite=Strict, Path=/, for kSessionSeconds. It proves its
// holder knew the token without being the token; changing the token ends
// every session. Times are the real clock (wall_ms), never a simulated one.
inline constexpr std::string_view kSessionCookie = "playd_session";
inline constexpr int64_t kSessionSeconds = 12 * 3600;
std::string admin_session_value(std::string_view admin_token, int64_t expires_s);
bool admin_session_valid(std::string_view value, std::string_view admin_token, int64_t now_s);
// Set-Cookie values: a new session, and one that ends it. `secure` adds
// Secure (the request came through an HTTPS proxy).
std::string admin_session_cookie(std::string_view admin_token, int64_t now_s, bool secure);
std::string admin_session_clear(bool secure);
// The value of cookie `name` in the request's Cookie header(s), or "".
std::string_view cookie_value(const HttpRequest& request, std::string_view name);
// Whether a proxy says the client used HTTPS (X-Forwarded-Proto, Forwarded: proto=).
bool forwarded_https(const HttpRequest& request);

}  // namespace play::ingest
