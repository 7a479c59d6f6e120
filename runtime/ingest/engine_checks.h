// The plays' schemas applied at the door: envelopes are checked by the
// engine's own signal decoder (so a signal playd accepts is one the engine
// can evaluate, and one it rejects gets the same message `playc run` would
// print), context fields by the bundle's entity schemas.
#pragma once

#include <memory>

#include "runtime/engine/live_plays.h"
#include "runtime/ingest/services.h"

namespace play::ingest {

// Sets validate_signal, is_signal_type and check_context from the plays
// running now (a reload takes effect for the next request).
void add_engine_checks(IngestServices& services, std::shared_ptr<const engine::LivePlays> plays);

}  // namespace play::ingest
