// CEL's timestamp and duration accessors (getHours, getDayOfWeek, ... with
// an optional time zone), bool() and exists_one: what LANGUAGE.md section 4
// says, including the edges (daylight saving time, offsets, errors, null).
// `now` in the standard context is 2026-06-21T10:00:00Z, a Sunday.
#include <gtest/gtest.h>

#include "tests/codegen/harness.h"

namespace play::codegen::testing {
namespace {

TEST(TimeParts, UtcByDefaultAndCelsCounting) {
  EXPECT_EQ(value_of("now.getFullYear()"), "2026");
  EXPECT_EQ(value_of("now.getMonth()"), "5");        // June: January is 0
  EXPECT_EQ(value_of("now.getDate()"), "21");        // from 1
  EXPECT_EQ(value_of("now.getDayOfMonth()"), "20");  // from 0
  EXPECT_EQ(value_of("now.getDayOfWeek()"), "0");    // Sunday
  EXPECT_EQ(value_of("now.getDayOfYear()"), "171");
  EXPECT_EQ(value_of("now.getHours()"), "10");
  EXPECT_EQ(value_of("(now + 61s + 250ms).getMinutes()"), "1");
  EXPECT_EQ(value_of("(now + 61s + 250ms).getSeconds()"), "1");
  EXPECT_EQ(value_of("(now + 61s + 250ms).getMilliseconds()"), "250");
}

TEST(TimeParts, TimeZonesFollowDaylightSavingTime) {
  // New York is UTC-4 in June (EDT) and UTC-5 in January (EST).
  EXPECT_EQ(value_of("now.getHours(\"America/New_York\")"), "6");
  EXPECT_EQ(value_of("timestamp(\"2026-01-21T10:00:00Z\").getHours(\"America/New_York\")"), "5");
  EXPECT_EQ(value_of("now.getHours(\"UTC\")"), "10");
  EXPECT_EQ(value_of("now.getHours(\"Asia/Kolkata\")"), "15");
  EXPECT_EQ(value_of("now.getMinutes(\"Asia/Kolkata\")"), "30");
  // Crossing midnight changes the day, the weekday and the year.
  EXPECT_EQ(value_of("timestamp(\"2027-01-01T02:00:00Z\").getFullYear(\"America/Los_Angeles\")"), "2026");
  EXPECT_EQ(value_of("timestamp(\"2027-01-01T02:00:00Z\").getDayOfWeek(\"America/Los_Angeles\")"), "4");
  EXPECT_EQ(value_of("timestamp(\"2027-01-01T02:00:00Z\").getDayOfYear(\"America/Los_Angeles\")"), "364");
}

TEST(TimeParts, FixedOffsets) {
  EXPECT_EQ(value_of("now.getHours(\"+05:30\")"), "15");
  EXPECT_EQ(value_of("now.getMinutes(\"+05:30\")"), "30");
  EXPECT_EQ(value_of("now.getHours(\"-02:30\")"), "7");
  EXPECT_EQ(value_of("now.getHours(\"02:00\")"), "12");  // no sign: ahead, as in CEL
  EXPECT_EQ(value_of("now.getHours(\"-00:00\")"), "10");
}

TEST(TimeParts, Durations) {
  EXPECT_EQ(value_of("duration(\"10000s\").getHours()"), "2");
  EXPECT_EQ(value_of("duration(\"3730s\").getMinutes()"), "62");
  EXPECT_EQ(value_of("duration(\"3730s\").getSeconds()"), "3730");
  EXPECT_EQ(value_of("(1s + 321ms).getMilliseconds()"), "321");
  EXPECT_EQ(value_of("(-90m).getHours()"), "-1");  // whole hours, toward zero
}

TEST(TimeParts, NullInNullOut) {
  EXPECT_EQ(value_of("contact.last_enrolled_at.getHours()"), "null");
  EXPECT_EQ(value_of("now.getHours(account.industry)"), "null");
}

TEST(TimeParts, ComputedTimeZoneThatDoesNotExistIsARuntimeError) {
  EXPECT_EQ(value_of("now.getHours(account.name)"),
            "error: unknown time zone 'BigCo': write an IANA name such as \"America/New_York\" or an offset "
            "such as \"+05:30\"");
}

TEST(TimeParts, CheckerRefusals) {
  auto errors = [](const std::string& expr) { return compile_let(expr).compiled->dump(); };
  EXPECT_NE(errors("now.getHours(\"America/NewYork\")").find("P0216"), std::string::npos);
  EXPECT_NE(errors("now.getHours(\"America/NewYork\")").find("did you mean 'America/New_York'"),
            std::string::npos)
      << errors("now.getHours(\"America/NewYork\")");
  EXPECT_NE(errors("now.getHours(\"+25:00\")").find("P0216"), std::string::npos);
  EXPECT_NE(errors("1h.getHours(\"UTC\")").find("P0220"), std::string::npos);  // a duration has no zone
  EXPECT_NE(errors("1h.getDayOfWeek()").find("P0220"), std::string::npos);     // nor a calendar
  EXPECT_NE(errors("now.getHours(5)").find("P0220"), std::string::npos);
  EXPECT_NE(errors("now.getHours(\"UTC\", \"UTC\")").find("P0219"), std::string::npos);
  EXPECT_NE(errors("account.name.getHours()").find("P0220"), std::string::npos);
}

TEST(BoolConversion, CelsSpellingsOnly) {
  for (const char* t : {"1", "t", "true", "TRUE", "True"})
    EXPECT_EQ(value_of(std::string("bool(\"") + t + "\")"), "true") << t;
  for (const char* f : {"0", "f", "false", "FALSE", "False"})
    EXPECT_EQ(value_of(std::string("bool(\"") + f + "\")"), "false") << f;
  EXPECT_EQ(value_of("bool(account.is_customer)"), "false");
  EXPECT_EQ(value_of("bool(account.open_opportunity)"), "null");
  EXPECT_EQ(value_of("bool(account.name)"),
            "error: cannot convert string 'BigCo' to bool (write true, false, t, f, 1 or 0)");
  EXPECT_NE(compile_let("bool(1)").compiled->dump().find("P0220"), std::string::npos);
}

TEST(ExistsOne, ExactlyOneAndNoShortCircuit) {
  EXPECT_EQ(value_of("[].exists_one(x, x == 7)"), "false");
  EXPECT_EQ(value_of("[7].exists_one(x, x == 7)"), "true");
  EXPECT_EQ(value_of("[7, 7].exists_one(x, x == 7)"), "false");
  EXPECT_EQ(value_of("account.tech_stack.exists_one(x, x.startsWith(\"s\"))"), "false");
  EXPECT_EQ(value_of("account.tech_stack.exists_one(x, x == \"segment\")"), "true");
  // Every element is evaluated (CEL): the division by zero after two matches is still an error.
  EXPECT_EQ(value_of("[3, 2, 1, 0].exists_one(n, 12 / n > 1)"), "error: division by zero");
}

}  // namespace
}  // namespace play::codegen::testing
