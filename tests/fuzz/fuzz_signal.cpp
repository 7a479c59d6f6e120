// libFuzzer target: signal envelopes, as POST /v1/signals and `playc run`
// take them. Any bytes go through
//   1. the engine's SignalDecoder against the example plays' bundle (what
//      `playc run` does with a line), and the engine on what it decoded;
//   2. ingestion's normalize_envelope on the JSON (each item of an array),
//      then the decoder on the normalized envelope (what playd does before
//      acknowledging).
// Properties: never crash, hang or trip a sanitizer; a normalized envelope
// is JSON, and when the decoder takes it, it reads the same id, type and
// occurred_at that ingestion stored.
#include <simdjson.h>

#include <cstdint>
#include <string>

#include "runtime/engine/context.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/engine/render.h"
#include "runtime/engine/signal.h"
#include "runtime/ingest/envelope.h"
#include "tests/fuzz/fuzz_common.h"

using namespace play;

namespace {

void evaluate(const vm::Bundle& bundle, const engine::DecodedSignal& signal) {
  // Fresh state per input: what one input does must not depend on others.
  engine::MemoryContext context(bundle);
  std::string error;
  engine::load_context_json(fuzz::example_context_json(), bundle, context, error);
  engine::MemoryLedger ledger;
  engine::MemorySeenSignals seen;
  engine::Engine eng(bundle, context, ledger, &seen);
  std::string out;
  engine::NdjsonSink sink(bundle, out, true);
  eng.process(signal, sink);
  eng.process(signal, sink);  // the same id again: a duplicate
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::shared_ptr<const vm::Bundle> bundle = fuzz::example_bundle();
  static engine::SignalDecoder decoder(*bundle);
  static engine::DecodedSignal decoded;
  static simdjson::dom::parser parser;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;

  if (decoder.decode(text, decoded, error)) evaluate(*bundle, decoded);

  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) return 0;
  size_t index = 0;
  auto take = [&](simdjson::dom::element item) {
    // Vary the defaults ingestion passes: authenticated source, webhook-id.
    ingest::EnvelopeDefaults defaults{index % 2 ? "website" : "", index % 3 ? "" : "msg_fallback",
                                      1750000000000 + int64_t(index)};
    ++index;
    store::IncomingSignal signal;
    if (!ingest::normalize_envelope(item, defaults, signal, error)) return;
    FUZZ_ASSERT(!signal.id.empty() && !signal.type.empty());
    simdjson::dom::parser check;
    FUZZ_ASSERT(check.parse(signal.envelope).error() == simdjson::SUCCESS);
    engine::DecodedSignal d;
    if (decoder.decode(signal.envelope, d, error)) {
      FUZZ_ASSERT(d.id == signal.id);
      FUZZ_ASSERT(d.type_name == signal.type);
      FUZZ_ASSERT(d.occurred_at_ms == signal.occurred_at_ms);
      FUZZ_ASSERT(d.received_at_ms && *d.received_at_ms == signal.received_at_ms);
    }
  };
  if (root.is_array()) {
    simdjson::dom::array items = root.get_array().value_unsafe();
    for (simdjson::dom::element item : items) take(item);
  } else {
    take(root);
  }
  return 0;
}
