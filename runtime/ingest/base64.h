// Base64 (RFC 4648, standard alphabet, padded) for Basic auth and Standard
// Webhooks secrets and signatures, and a constant-time comparison for
// secrets (a timing leak would let an attacker guess a token byte by byte).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace play::ingest {

std::string base64_encode(std::string_view bytes);
// nullopt on a character outside the alphabet or a bad length; padding optional.
std::optional<std::string> base64_decode(std::string_view text);

// Compares without an early exit; the length is not secret.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace play::ingest
