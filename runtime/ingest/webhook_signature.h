// Standard Webhooks (standardwebhooks.com) signatures: HMAC-SHA256 over
// "<webhook-id>.<webhook-timestamp>.<body>" with the secret's key, sent as
// `webhook-signature: v1,<base64>` (several, space-separated, during key
// rotation). The timestamp must be within the tolerance of now in either
// direction, so a captured request cannot be replayed later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace play::ingest {

// "whsec_<base64 key>" (or bare base64) -> the raw key; nullopt if not base64.
std::optional<std::string> webhook_key_from_secret(std::string_view secret);

// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>".
std::string sign_webhook(std::string_view key, std::string_view id, int64_t timestamp_s,
                         std::string_view body);

enum class WebhookCheck { Ok, MissingHeaders, BadTimestamp, OutsideWindow, NoMatch };
const char* describe(WebhookCheck check);  // for the 401 answer and the log

// The checks that need no body: the three headers present, the timestamp a
// number within the tolerance. Ok or the first problem (never NoMatch).
WebhookCheck check_webhook_headers(std::string_view id, std::string_view timestamp,
                                   std::string_view signatures, int64_t now_s, int64_t tolerance_s = 300);

WebhookCheck verify_webhook(std::string_view key, std::string_view id, std::string_view timestamp,
                            std::string_view signatures, std::string_view body, int64_t now_s,
                            int64_t tolerance_s = 300);

}  // namespace play::ingest
