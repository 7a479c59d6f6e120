// libFuzzer target: the Segment HTTP Tracking API mapping
// (runtime/ingest/segment.*). Any bytes that are a JSON object go through
// map_segment_call as each single call (/v1/track, /v1/page, /v1/identify,
// /v1/group: the endpoint decides the call) and, when the object has a
// `batch` array, as /v1/batch does (the batch's context and sentAt apply to
// every item, each item names its own type). A mapped signal is checked by
// the engine's decoder against the example plays (as playd does before it
// acknowledges); context upserts by the entity schemas (Segment traits:
// lenient). Properties: never crash, hang or trip a sanitizer; every
// envelope and context record produced is a JSON object.
#include <simdjson.h>

#include <cstdint>
#include <string>

#include "runtime/engine/signal.h"
#include "runtime/ingest/engine_checks.h"
#include "runtime/ingest/segment.h"
#include "runtime/ingest/services.h"
#include "tests/fuzz/fuzz_common.h"

using namespace play;

namespace {

bool is_json_object(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  return parser.parse(text).get(e) == simdjson::SUCCESS && e.is_object();
}

void check(const ingest::SegmentMapped& m, const ingest::IngestServices& services) {
  std::string error;
  switch (m.outcome) {
    case ingest::SegmentOutcome::Signal:
      FUZZ_ASSERT(!m.signal.id.empty());
      FUZZ_ASSERT(is_json_object(m.signal.envelope));
      services.validate_signal(m.signal.envelope, error);
      break;
    case ingest::SegmentOutcome::Context:
      for (const auto& upsert : m.context) {
        FUZZ_ASSERT(!upsert.key.empty());
        FUZZ_ASSERT(is_json_object(upsert.fields_json));
        std::string fields;
        std::vector<std::string> dropped;
        if (services.check_context(upsert.entity, upsert.fields_json, false, fields, dropped, error))
          FUZZ_ASSERT(is_json_object(fields));
      }
      break;
    case ingest::SegmentOutcome::Ignored:
    case ingest::SegmentOutcome::Error:
      FUZZ_ASSERT(!m.message.empty());
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ingest::IngestServices services = [] {
    ingest::IngestServices s;
    ingest::add_engine_checks(s, std::make_shared<engine::LivePlays>(fuzz::example_bundle(), "fuzz", 0));
    return s;
  }();
  static ingest::SegmentConfig config = [] {
    ingest::SegmentConfig c;
    c.events = {{"Pricing Page Viewed", "website.page_viewed"}, {"Demo Requested", "website.form_submitted"}};
    c.is_signal_type = services.is_signal_type;
    return c;
  }();
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(reinterpret_cast<const char*>(data), size).get(root) != simdjson::SUCCESS ||
      !root.is_object())
    return 0;  // playd answers 400 before mapping

  ingest::SegmentRequest request;
  request.source = size % 2 ? "segment" : "";
  request.received_at_ms = 1750000000000;
  for (const char* call : {"track", "page", "identify", "group"}) {
    request.call = call;
    check(ingest::map_segment_call(root, request, config), services);
  }
  simdjson::dom::element batch;
  if (root["batch"].get(batch) == simdjson::SUCCESS && batch.is_array()) {
    request.call = "";
    simdjson::dom::element e;
    if (root["context"].get(e) == simdjson::SUCCESS) request.batch_context = e;
    if (root["sentAt"].get(e) == simdjson::SUCCESS && e.is_string())
      request.batch_sent_at = e.get_string().value_unsafe();
    simdjson::dom::array items = batch.get_array().value_unsafe();
    for (simdjson::dom::element item : items)
      check(ingest::map_segment_call(item, request, config), services);
  }
  return 0;
}
