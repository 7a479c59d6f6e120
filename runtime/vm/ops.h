// The generic (dyn) semantics of the VM's operators and functions, shared by
// the interpreter's generic instructions and the typed instructions' slow
// paths. Internal to runtime/vm.
//
// Each returns false with `err` set on a runtime error; otherwise `out` is
// the result. Null rules are LANGUAGE.md section 3 "Null safety".
#pragma once

#include <string>

#include "runtime/vm/program.h"
#include "runtime/vm/value.h"

namespace play::vm::ops {

bool add(const Value& a, const Value& b, Value& out, Arena& arena, std::string& err);
bool sub(const Value& a, const Value& b, Value& out, std::string& err);
bool mul(const Value& a, const Value& b, Value& out, std::string& err);
bool div(const Value& a, const Value& b, Value& out, std::string& err);
bool mod(const Value& a, const Value& b, Value& out, std::string& err);
bool neg(const Value& a, Value& out, std::string& err);
bool logic_not(const Value& a, Value& out, std::string& err);
bool logic_and(const Value& a, const Value& b, Value& out, std::string& err);
bool logic_or(const Value& a, const Value& b, Value& out, std::string& err);
bool compare(const Value& a, const Value& b, CmpCond cond, Value& out, std::string& err);
bool in(const Value& elem, const Value& container, bool negate, Value& out, std::string& err);
bool size(const Value& a, Value& out, std::string& err);
enum class StrTest : uint8_t { Contains, Starts, Ends };
bool str_test(const Value& s, const Value& t, StrTest which, Value& out, std::string& err);
bool change_case(const Value& s, bool upper, Value& out, Arena& arena, std::string& err);
bool to_int(const Value& a, Value& out, std::string& err);
bool to_float(const Value& a, Value& out, std::string& err);
bool to_string(const Value& a, Value& out, Arena& arena);
bool to_timestamp(const Value& a, Value& out, std::string& err);
bool to_duration(const Value& a, Value& out, std::string& err);
bool to_bool(const Value& a, Value& out, std::string& err);
// CEL's accessors: field `part` of timestamp `t` in time zone `tz` (a string:
// an IANA name or an offset such as "+05:30"), or of duration `t`.
bool time_part(const Value& t, const Value& tz, TimePart part, Value& out, std::string& err);
// The offset from UTC, in ms, of time zone `tz` at instant `ms`.
bool zone_offset(std::string_view tz, int64_t ms, int64_t& offset, std::string& err);
bool index(const Value& c, const Value& k, Value& out, std::string& err);
bool map_get(const Value& m, std::string_view key, Value& out, std::string& err);

// Template rendering of `n` values into one arena string.
Value concat(const Value* parts, uint32_t n, Arena& arena);
// The template rendering of `a` with Slack mrkdwn's control characters
// escaped (& < > as &amp; &lt; &gt;), so a value that came from a signal or
// a record cannot ping a channel or make a link in a notify text.
Value escape_mrkdwn(const Value& a, Arena& arena);

}  // namespace play::vm::ops
