// GET /v1/signals/{id}/trace: what became of one signal -- every play it
// reached, the outcome and why (reason, deciding clause), and each action
// with its delivery attempts. How a play that did not fire is debugged.
//
//   {"signal":"evt_1","status":"queued"|"evaluated","lane":"high",
//    "received_at_ms":...,"evaluated_at_ms":...,"play_set":"3db5c418",
//    "plays":[{"play":"p","outcome":"suppressed","reason":"open opportunity","clause":"plays/p.play:7:3",
//              "error":"","shadow":false,
//              "actions":[{"key":"...","action":"enroll","sink":"sequencer","status":"sent",
//                          "attempts":[{"n":1,"at_ms":...,"result":"sent","http_status":200,"detail":""}]}]}]}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json/json.h"
#include "runtime/store/store.h"

namespace play::observe {

// An action's delivery attempts as a JSON array, in order:
// [{"n":1,"at_ms":...,"result":"retry","http_status":500,"detail":"..."}, ...]
// (the trace and the DLQ's inspect answer show the same history).
void append_attempts_json(const std::vector<store::AttemptRow>& attempts, json::Writer& w);

// False when playd has no record of the signal id (unknown, or older than
// the trace TTL): the endpoint answers 404.
bool trace_json(store::Store& store, std::string_view signal_id, std::string& out);

// GET /v1/decisions?play=NAME[&outcome=KIND][&limit=N]: a play's latest
// decisions, newest first (the dashboard's play page links each to its trace):
//   {"play":"p","outcome":null,"decisions":[{"signal":"evt_1","type":"website.page_viewed",
//     "at":"2026-06-21T10:00:00Z","outcome":"suppressed","reason":"do not contact",
//     "clause":"plays/p.play:7:3","error":"","shadow":false}]}
std::string decisions_json(store::Store& store, std::string_view play, std::string_view outcome,
                           size_t limit);

// GET /healthz: {"status":"ok"|"degraded","store":{...},"accepting_signals":bool,
//   "play_set":"3db5c418","loaded_at":RFC3339,"queue":{"high":N,"normal":N}}.
// With the running play set's version and when it was loaded.
std::string healthz_json(store::Store& store, std::string_view play_set, int64_t loaded_at_ms);

}  // namespace play::observe
