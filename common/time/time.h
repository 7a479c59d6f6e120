// Time as the language and the service write it: durations ("1h30m") and
// RFC 3339 timestamps, parsed and printed one way everywhere (the VM's
// values, signal envelopes, config values, traces), and the service's clock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace play {

// The service's clock, Unix milliseconds: the wall clock, or, once
// set_clock() was called (playd serve --simulated-clock, for tests and
// demos), the wall clock shifted to the time set -- it goes on running from
// there. received_at, retries, TTLs, history buckets and alert windows all
// read it; signatures are checked against wall_ms().
int64_t now_ms();
int64_t wall_ms();  // the real wall clock, always
// Sets the service's clock to `ms` (forward or back) and wakes every
// registered waiter, so timers computed from the old time are computed again.
void set_clock(int64_t ms);
bool clock_is_simulated();
// Waiters (threads sleeping until a time of the service's clock) register a
// wake-up; the id is for forget_clock_waiter().
int on_clock_set(std::function<void()> wake);
void forget_clock_waiter(int id);

std::string format_duration(int64_t ms);  // 5400000 -> "1h30m"; 0 -> "0s"
std::string format_timestamp(
    int64_t ms);  // RFC 3339, UTC ("2026-06-21T10:00:00Z", .mmm when not whole seconds)
// "4h", "1h30m", "1.5h", "-30m", "250ms", "2w", "3600s". False on bad text or overflow.
bool parse_duration(std::string_view text, int64_t& ms);
// RFC 3339: "2026-06-21T10:00:00Z", fractions, "+02:00" offsets. False on bad text.
bool parse_timestamp(std::string_view text, int64_t& ms);

}  // namespace play
