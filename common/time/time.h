// Time as the language and the service write it: durations ("1h30m") and
// RFC 3339 timestamps, parsed and printed one way everywhere (the VM's
// values, signal envelopes, config values, traces), and the service's clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace play {

int64_t now_ms();  // the service's clock: wall clock, Unix milliseconds

std::string format_duration(int64_t ms);  // 5400000 -> "1h30m"; 0 -> "0s"
std::string format_timestamp(
    int64_t ms);  // RFC 3339, UTC ("2026-06-21T10:00:00Z", .mmm when not whole seconds)
// "4h", "1h30m", "1.5h", "-30m", "250ms", "2w", "3600s". False on bad text or overflow.
bool parse_duration(std::string_view text, int64_t& ms);
// RFC 3339: "2026-06-21T10:00:00Z", fractions, "+02:00" offsets. False on bad text.
bool parse_timestamp(std::string_view text, int64_t& ms);

}  // namespace play
