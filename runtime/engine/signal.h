// A signal decoded once, by its type's schema, into what the VM reads:
// envelope fields and a slot array of property Values.
//
// Decoding rules (the envelope format is CLI.md's):
// - `id` (non-empty string), `type` (a declared signal type) and
//   `occurred_at` (RFC 3339) are required; `source` (string), `account`
//   (a domain), `contact` (an email) and `received_at` (RFC 3339) are
//   optional and may be null; `properties` is an optional object.
// - `account` and `contact` are lower-cased (ASCII): domains and emails
//   are case-insensitive, and context records are keyed the same way.
// - A property of the wrong JSON type is an error naming it. A missing
//   property that the schema does not mark `?` is an error too ("missing
//   property 'url'"), as is an explicit null for it: stdlib says such
//   properties are required of a well-formed signal, and plays are
//   type-checked on that promise. Unknown properties and unknown envelope
//   keys are ignored (sources send more than plays need).
// - Errors are messages without a location; the caller adds one ("line 3:
//   ..." in `playc run`, the item index in playd's 400 answer).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/vm/bundle.h"
#include "runtime/vm/value.h"

namespace play::engine {

struct DecodedSignal {
  uint32_t type = 0;                      // Bundle::signals index
  std::string_view type_name;             // points into the Bundle
  std::string_view id;                    // the strings below point into `storage`
  std::string_view source;                // "" when absent
  std::string_view account;               // domain, lower-cased; "" when absent
  std::string_view contact;               // email, lower-cased; "" when absent
  int64_t occurred_at_ms = 0;             // the signal's event time: `now` in plays
  std::optional<int64_t> received_at_ms;  // absent: `signal.received_at` is null (playd's ingestion sets it)
  std::vector<vm::Value> props;  // slot i = Bundle::signals[type].props[i]; absent `?` properties are null
  // Owns every string, list and map above; reset by the next decode into
  // this object (decode into the same DecodedSignal to reuse its memory).
  std::unique_ptr<vm::Arena> storage = std::make_unique<vm::Arena>(4096);
};

// Decodes envelopes for one bundle. Keep one per thread and reuse it: its
// JSON parser and type index are built once, so steady-state decoding
// allocates nothing beyond growing `out`'s buffers to the largest signal.
class SignalDecoder {
 public:
  explicit SignalDecoder(const vm::Bundle& bundle);
  ~SignalDecoder();
  SignalDecoder(const SignalDecoder&) = delete;
  SignalDecoder& operator=(const SignalDecoder&) = delete;

  // False with `error` set when `json` is not a valid envelope for the
  // bundle (then `out` is unspecified).
  bool decode(std::string_view json, DecodedSignal& out, std::string& error);

  // The Bundle::signals index of a type name, or -1.
  int find_type(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-off convenience (builds a decoder per call: for tests and tools).
bool decode_signal(std::string_view json, const vm::Bundle& bundle, DecodedSignal& out, std::string& error);

}  // namespace play::engine
