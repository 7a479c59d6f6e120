// TIME_PART and TO_BOOL: CEL's timestamp and duration accessors (getHours,
// getDayOfWeek, ...) and bool(x).
//
// Time zones come from the system's tz database (Debian's tzdata, through
// Howard Hinnant's date/tz library, libhowardhinnant-date-dev, built to read
// /usr/share/zoneinfo): the same library that became C++20's
// std::chrono::locate_zone, which our compiler's standard library does not
// have yet. A zone is an IANA name ("America/New_York", "UTC") or a fixed
// offset ("+05:30", "-02:30", "02:00"), as in CEL.
#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <string>

#include "runtime/vm/ops.h"

namespace play::vm::ops {

namespace {

using std::chrono::milliseconds;

// "+05:30", "-00:00", "02:00" -> the offset in minutes.
bool parse_fixed_offset(std::string_view s, int64_t& minutes) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  auto digit = [&](size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  if (s.size() != 5 || !digit(0) || !digit(1) || s[2] != ':' || !digit(3) || !digit(4)) return false;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return false;
  minutes = sign * (h * 60 + m);
  return true;
}

}  // namespace

// The offset from UTC, in ms, of zone `tz` at instant `ms`.
bool zone_offset(std::string_view tz, int64_t ms, int64_t& offset, std::string& err) {
  int64_t minutes = 0;
  if (tz == "UTC" || tz == "Z") return offset = 0, true;
  if (parse_fixed_offset(tz, minutes)) return offset = minutes * 60000, true;
  try {
    const date::time_zone* zone = date::locate_zone(tz);
    date::sys_time<milliseconds> t{milliseconds{ms}};
    auto info = zone->get_info(t);
    offset = std::chrono::duration_cast<milliseconds>(info.offset).count();
    return true;
  } catch (const std::exception&) {
    err = "unknown time zone '" + std::string(tz.substr(0, 64)) +
          "': write an IANA name such as \"America/New_York\" or an offset such as \"+05:30\"";
    return false;
  }
}

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

bool timestamp_part(int64_t ms, TimePart part, int64_t& out) {
  int64_t day = floor_div(ms, 86400000), in_day = ms - day * 86400000;
  date::sys_days days{date::days{day}};
  date::year_month_day ymd{days};
  switch (part) {
    case TimePart::FullYear:
      return out = int(ymd.year()), true;
    case TimePart::Month:
      return out = unsigned(ymd.month()) - 1, true;
    case TimePart::Date:
      return out = unsigned(ymd.day()), true;
    case TimePart::DayOfMonth:
      return out = unsigned(ymd.day()) - 1, true;
    case TimePart::DayOfWeek:
      return out = date::weekday{days}.c_encoding(), true;  // 0 = Sunday
    case TimePart::DayOfYear:
      return out = (days - date::sys_days{ymd.year() / date::January / 1}).count(), true;
    case TimePart::Hours:
      return out = in_day / 3600000, true;
    case TimePart::Minutes:
      return out = in_day / 60000 % 60, true;
    case TimePart::Seconds:
      return out = in_day / 1000 % 60, true;
    case TimePart::Milliseconds:
      return out = in_day % 1000, true;
    case TimePart::kCount:
      break;
  }
  return false;
}

}  // namespace

bool time_part(const Value& t, const Value& tz, TimePart part, Value& out, std::string& err) {
  if (t.is_null() || tz.is_null()) return out = Value(), true;
  int64_t v = 0;
  if (t.kind == Kind::Duration) {
    // CEL: whole hours, minutes or seconds of the duration; its milliseconds
    // within the second. No calendar fields, no time zone.
    switch (part) {
      case TimePart::Hours:
        return out = Value::integer(t.i / 3600000), true;
      case TimePart::Minutes:
        return out = Value::integer(t.i / 60000), true;
      case TimePart::Seconds:
        return out = Value::integer(t.i / 1000), true;
      case TimePart::Milliseconds:
        return out = Value::integer(t.i % 1000), true;
      default:
        err = std::string(time_part_name(part)) + "() needs a timestamp, got a duration";
        return false;
    }
  }
  if (t.kind != Kind::Timestamp) {
    err = std::string(time_part_name(part)) + "() needs a timestamp or a duration, got " + kind_name(t.kind);
    return false;
  }
  if (tz.kind != Kind::String) {
    err = std::string(time_part_name(part)) + "() needs a time zone string, got " + kind_name(tz.kind);
    return false;
  }
  int64_t offset = 0;
  if (!zone_offset(tz.str(), t.i, offset, err)) return false;
  if (!timestamp_part(t.i + offset, part, v)) {
    err = "unknown time field";
    return false;
  }
  return out = Value::integer(v), true;
}

bool to_bool(const Value& a, Value& out, std::string& err) {
  switch (a.kind) {
    case Kind::Null:
    case Kind::Bool:
      return out = a, true;
    case Kind::String: {
      // CEL's spellings, and no others ("TrUe" is an error).
      auto s = a.str();
      if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True")
        return out = Value::boolean(true), true;
      if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False")
        return out = Value::boolean(false), true;
      err = "cannot convert string '" + std::string(s.substr(0, 64)) +
            "' to bool (write true, false, t, f, 1 or 0)";
      return false;
    }
    default:
      err = std::string("cannot convert ") + kind_name(a.kind) + " to bool";
      return false;
  }
}

}  // namespace play::vm::ops

namespace play::vm {

bool valid_time_zone(std::string_view tz) {
  int64_t offset = 0;
  std::string err;
  return ops::zone_offset(tz, 0, offset, err);
}

}  // namespace play::vm
