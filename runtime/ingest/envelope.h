// Structural checks of a signal envelope (CLI.md) received on
// POST /v1/signals, and its normalization into what the store keeps: the
// envelope JSON with `received_at` (and, when missing, `id` from the
// Standard Webhooks `webhook-id`), and `source` always the authenticated
// source's name (a `source` in the body is dropped) when there is one.
// Schema checks (declared type, property types) are the engine's
// (IngestServices::validate_signal), run after these.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/store/store.h"

namespace play::ingest {

struct EnvelopeDefaults {
  std::string_view source;       // authenticated source name; "" for none (the body's is kept)
  std::string_view fallback_id;  // used when the envelope has no id ("" for none)
  int64_t received_at_ms = 0;
  size_t max_signal_bytes = 0;  // the envelope, minified; 0: no limit
  size_t max_id_bytes = 0;      // 0: no limit
};

// False with `error` naming the field ("occurred_at: not an RFC 3339
// timestamp") when `item` is not a valid envelope.
bool normalize_envelope(simdjson::dom::element item, const EnvelopeDefaults& defaults,
                        store::IncomingSignal& out, std::string& error);

// simdjson's error for a body or line that is not JSON, in words.
std::string describe_json_error(simdjson::error_code code);

}  // namespace play::ingest
