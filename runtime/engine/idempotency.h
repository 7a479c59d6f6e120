// Idempotency keys (CLI.md): stable for (play, signal id, action index)
// across runs, machines and versions of playc/playd, because sinks use them
// to drop repeats after a crash or a retry.
//
// Definition (fixed; changing it would re-send every in-flight action):
// the first 16 bytes of SHA-256 over
//   "play-action-v1\n" <len(play)> ":" <play> <len(id)> ":" <id> <index>
// (lengths and index in decimal), as 32 lower-case hex digits. The length
// prefixes make the encoding unambiguous whatever bytes a signal id holds.
#pragma once

#include <cstdint>
#include <string_view>

namespace play::engine {

// Writes 32 hex digits and a NUL into out[0..32].
void idempotency_key(std::string_view play, std::string_view signal_id, uint32_t action_index, char out[33]);

}  // namespace play::engine
