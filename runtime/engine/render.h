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

#include <string>

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
};

}  // namespace play::engine
