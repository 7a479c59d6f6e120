// Standard Webhooks signatures (https://www.standardwebhooks.com): the
// signature of a request is HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>"
// with the secret, base64-encoded, sent as "v1,<base64>" in webhook-signature.
// Used to sign what playd sends (sinks) and to verify what it receives.
#pragma once

#include <string>
#include <string_view>

namespace play::sinks {

// The HMAC key of a secret: "whsec_<base64>" decodes the base64 part;
// any other string is used as raw bytes.
std::string webhook_key(std::string_view secret);
// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>"
std::string webhook_signature(std::string_view secret, std::string_view id, std::string_view timestamp,
                              std::string_view body);
std::string base64_encode(std::string_view bytes);
// False on malformed input.
bool base64_decode(std::string_view text, std::string& out);

}  // namespace play::sinks
