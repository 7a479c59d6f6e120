// The JSON the dashboard (and anyone with the admin token) reads: the live
// registry with counts, the history, the alerts, an overview, the review
// queue. docs/operations.md ("Reading playd over HTTP") gives the shapes
// (the contract the dashboard is built on); all times are RFC 3339 UTC,
// durations in ms. A bucket with no deliveries has latency quantiles
// of null.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/observe/registry.h"
#include "runtime/store/store.h"

namespace play::observe {

// GET /v1/plays: the loaded plays' registry entries, each with
// "counts": {"24h": C, "7d": C} (C: signals, outcomes by kind, actions
// issued / delivered / failed / dlq).
struct PlaySetView {
  const std::vector<RegistryEntry>* registry = nullptr;
  std::string play_set;
  int64_t loaded_at_ms = 0;
};
std::string plays_json(store::Store& store, const PlaySetView& view, int64_t now_ms);

// GET /v1/history: every bucket of [from, to), oldest first, zeros where
// nothing happened.
struct HistoryRequest {
  std::string play, signal_type;   // one of them, or neither (every play together)
  int64_t from_ms = 0, to_ms = 0;  // aligned to the step by the caller
  bool daily = false;              // step=day (UTC days), else hours
};
std::string history_json(store::Store& store, const HistoryRequest& request);
// The request from a query string's values (empty: the default); false with
// `error` for a bad value. Defaults: hours of the last 24 h, days of the last 7.
bool history_request(const std::string& play, const std::string& signal_type, const std::string& from,
                     const std::string& to, const std::string& step, int64_t now_ms, HistoryRequest& out,
                     std::string& error);

// One alert's members (rule, play, subject, key, state, since, until, value,
// threshold, summary), inside an object the caller opened: GET /v1/alerts and
// the alert sinks' payloads describe an alert the same way.
void write_alert(json::Writer& w, const store::AlertRecord& a);
// GET /v1/alerts: {"alerts": [...]}, firing first (newest first), then resolved.
std::string alerts_json(const std::vector<store::AlertRecord>& alerts);

// GET /v1/overview.
struct OverviewView {
  std::string play_set;
  struct Outbox {
    std::string sink;
    uint64_t depth = 0;
    int64_t oldest_created_ms = 0;
  };
  std::vector<Outbox> outbox;
};
std::string overview_json(store::Store& store, const OverviewView& view, int64_t now_ms);

// GET /v1/review?queue=Q&status=open|done|all&limit=N: the review queue's
// items, newest first.
std::string review_json(store::Store& store, const store::ReviewQuery& query);
// One item (POST /v1/review/KEY/done answers it).
std::string review_item_json(const store::ReviewItem& item);

}  // namespace play::observe
