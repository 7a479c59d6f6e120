// The `playc run` output lines (CLI.md), also playd's outbox format:
//   {"kind":"action","play":"p","action":"enroll","signal":"evt_1","account":"bigco.com",
//    "contact":"ana@bigco.com","args":{"sequence":"s","rep":"sam@acme.com"},"priority":"high","key":"..."}
//   {"kind":"outcome","play":"p","signal":"evt_2","outcome":"suppressed","reason":"open opportunity"}
//   {"kind":"outcome","signal":"evt_1","outcome":"duplicate_signal"}
// Additions to CLI.md's examples, only where they apply: an action of a
// shadow play has "shadow":true after "key"; an outcome has "reason" (for
// not_icp: the icp's name; deduplicated: "fired within 4h per contact"),
// "at":"file:line:col" (no_match and error: the deciding clause, or the
// failing instruction for errors), "error":"message" (error), and
// "shadow":true for a shadow play.
//
// Argument values as JSON: strings, numbers, bools, null as themselves;
// lists as arrays, maps as objects; durations as strings in the language's
// own form ("1d", "1h30m"); timestamps as RFC 3339 UTC strings.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <string>
#include <vector>

#include "runtime/engine/output.h"
#include "runtime/vm/bundle.h"

namespace play::engine {

// How a double that JSON has no number for (infinity, NaN) is written:
// as null (actions, records), or as protobuf JSON writes a double, and so
// the CEL specification's test data: "Infinity", "-Infinity", "NaN"
// (`playc eval`, where the value itself is what the author asked for).
enum class NonFinite : uint8_t { Null, ProtoJson };
void append_value_json(std::string& out, const vm::Value& v, NonFinite non_finite = NonFinite::Null);
// "plays/p.play:12:3" (bundle.files[pos.file]); "12:3" without a file; "" when line is 0.
std::string format_pos(const vm::Bundle& bundle, const vm::SourcePos& pos);
void append_pos(std::string& out, const vm::Bundle& bundle, const vm::SourcePos& pos);

// Append one JSON object (no newline).
void render_action(const Action& a, std::string& out);
void render_outcome(const Outcome& o, const vm::Bundle& bundle, std::string& out);

// render_action with the parts that repeat escaped once, byte for byte the
// same line: for each action definition its head (`{"kind":"action",
// "play":...,"action":...`) and its arguments' `"name":`, and for a signal
// its `,"signal":...,"account":...,"contact":...` (a signal fires a dozen
// actions in a busy backtest). Only what is computed per signal, argument
// values and the key, is rendered each time. For the actions of one bundle,
// which outlives the renderer (NdjsonSink's): an action definition's address
// names it, with its play.
class ActionRenderer {
 public:
  void render(const Action& a, std::string& out);

 private:
  struct Head {
    std::string text;               // `{"kind":"action","play":"p","action":"enroll"`
    std::vector<std::string> keys;  // `"sequence":`, per argument
  };
  const Head& head(const Action& a);
  absl::flat_hash_map<const vm::Action*, Head> heads_;
  std::string signal_, account_, contact_;  // the last signal's, as given
  std::string who_;                         // and rendered
};

// An OutputSink that appends NDJSON lines to a string (the caller writes
// and clears it when it likes): every action, and outcomes when `trace`.
class NdjsonSink : public OutputSink {
 public:
  NdjsonSink(const vm::Bundle& bundle, std::string& out, bool trace)
      : bundle_(bundle), out_(out), trace_(trace) {}
  void action(const Action& a) override;
  void outcome(const Outcome& o) override;
  bool wants_progress() const override { return trace_; }
  bool wants_no_match() const override { return trace_; }

 private:
  const vm::Bundle& bundle_;
  std::string& out_;
  bool trace_;
  ActionRenderer actions_;
};

}  // namespace play::engine
