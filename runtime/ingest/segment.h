// The Segment HTTP Tracking API mapped onto playd's signals and context, so
// that the Segment and RudderStack SDKs work unchanged:
// - track: `event` -> signal type through SegmentConfig::events (or as is
//   when the event is already a declared type name); properties -> signal
//   properties. An event with no mapping is *ignored*: acknowledged and
//   counted, never an error, because an SDK sends every event of the app
//   and rejecting them would make it retry or drop the whole batch.
// - page: -> SegmentConfig::page_type (website.page_viewed) with url, title,
//   category, referrer from properties, else the page call / context.page.
// - identify: traits -> the contact record (keyed by email); group: traits
//   -> the account record (keyed by groupId, which must be the domain).
// - screen, alias: ignored.
// Common: messageId -> id (required: it is the dedup key); userId (if an
// email) or traits.email -> contact; groupId / context.groupId -> account;
// batch-level `context` is merged under the item's own; occurred_at =
// receivedAt - (sentAt - originalTimestamp|timestamp), which corrects the
// client's clock skew as Segment does.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/store/store.h"

namespace play::ingest {

struct SegmentConfig {
  std::unordered_map<std::string, std::string> events;  // "Pricing Page Viewed" -> "website.page_viewed"
  std::string page_type = "website.page_viewed";
  std::function<bool(std::string_view)> is_signal_type;  // unset: only mapped events become signals
  size_t max_event_bytes = 32 * 1024;
  size_t max_batch_bytes = 500 * 1024;
};

enum class SegmentOutcome { Signal, Context, Ignored, Error };

struct SegmentMapped {
  SegmentOutcome outcome = SegmentOutcome::Error;
  store::IncomingSignal signal;               // Signal
  std::vector<store::ContextUpsert> context;  // Context (identify: contact; group: account)
  std::string message;                        // Error: what is wrong; Ignored: why
};

struct SegmentRequest {
  std::string_view call;    // "track", "page", ...; "" in a batch: the item's own "type"
  std::string_view source;  // authenticated source name ("segment" when "")
  int64_t received_at_ms = 0;
  std::optional<simdjson::dom::element> batch_context;  // the batch's "context", if any
  std::string_view batch_sent_at;                       // the batch's "sentAt" ("" when none)
};

SegmentMapped map_segment_call(simdjson::dom::element item, const SegmentRequest& request,
                               const SegmentConfig& config);

}  // namespace play::ingest
