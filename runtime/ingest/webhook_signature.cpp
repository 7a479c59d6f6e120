#include "runtime/ingest/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

#include "runtime/ingest/base64.h"

namespace play::ingest {

std::optional<std::string> webhook_key_from_secret(std::string_view secret) {
  if (secret.substr(0, 6) == "whsec_") secret.remove_prefix(6);
  auto key = base64_decode(secret);
  if (!key || key->empty()) return std::nullopt;
  return key;
}

namespace {
std::string hmac_sha256(std::string_view key, std::string_view id, std::string_view ts,
                        std::string_view body) {
  std::string content;
  content.reserve(id.size() + ts.size() + body.size() + 2);
  content.append(id).append(1, '.').append(ts).append(1, '.').append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(content.data()),
       content.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}
}  // namespace

std::string sign_webhook(std::string_view key, std::string_view id, int64_t timestamp_s,
                         std::string_view body) {
  return "v1," + base64_encode(hmac_sha256(key, id, std::to_string(timestamp_s), body));
}

const char* describe(WebhookCheck check) {
  switch (check) {
    case WebhookCheck::Ok:
      return "ok";
    case WebhookCheck::MissingHeaders:
      return "missing webhook-id, webhook-timestamp or webhook-signature header";
    case WebhookCheck::BadTimestamp:
      return "webhook-timestamp is not a Unix time in seconds";
    case WebhookCheck::OutsideWindow:
      return "webhook-timestamp is outside the 5-minute tolerance (replayed or clock skew)";
    case WebhookCheck::NoMatch:
      return "no webhook-signature matches the body";
  }
  return "?";
}

WebhookCheck check_webhook_headers(std::string_view id, std::string_view timestamp,
                                   std::string_view signatures, int64_t now_s, int64_t tolerance_s) {
  if (id.empty() || timestamp.empty() || signatures.empty()) return WebhookCheck::MissingHeaders;
  int64_t ts = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size()) return WebhookCheck::BadTimestamp;
  if (ts < now_s - tolerance_s || ts > now_s + tolerance_s) return WebhookCheck::OutsideWindow;
  return WebhookCheck::Ok;
}

WebhookCheck verify_webhook(std::string_view key, std::string_view id, std::string_view timestamp,
                            std::string_view signatures, std::string_view body, int64_t now_s,
                            int64_t tolerance_s) {
  if (auto check = check_webhook_headers(id, timestamp, signatures, now_s, tolerance_s);
      check != WebhookCheck::Ok)
    return check;
  std::string expected = base64_encode(hmac_sha256(key, id, timestamp, body));
  // Check every listed signature (no early exit on the first match either,
  // so the time taken does not say which one matched).
  bool match = false;
  while (!signatures.empty()) {
    size_t sp = signatures.find(' ');
    std::string_view one = signatures.substr(0, sp);
    signatures = sp == std::string_view::npos ? std::string_view() : signatures.substr(sp + 1);
    if (one.substr(0, 3) != "v1,") continue;  // other schemes (v1a: asymmetric) are not ours
    match |= constant_time_equal(one.substr(3), expected);
  }
  return match ? WebhookCheck::Ok : WebhookCheck::NoMatch;
}

}  // namespace play::ingest
