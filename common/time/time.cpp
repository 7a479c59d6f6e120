#include "common/time/time.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace play {

namespace {
std::atomic<int64_t> clock_offset_ms{0};
std::atomic<bool> clock_simulated{false};
std::mutex waiters_mu;
std::map<int, std::function<void()>> waiters;
int next_waiter = 1;
}  // namespace

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t now_ms() { return wall_ms() + clock_offset_ms.load(std::memory_order_relaxed); }

void set_clock(int64_t ms) {
  clock_offset_ms = ms - wall_ms();
  clock_simulated = true;
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard<std::mutex> lock(waiters_mu);
    for (auto& [id, w] : waiters) wake.push_back(w);
  }
  for (auto& w : wake) w();
}

bool clock_is_simulated() { return clock_simulated.load(); }

int on_clock_set(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(waiters_mu);
  waiters[next_waiter] = std::move(wake);
  return next_waiter++;
}

void forget_clock_waiter(int id) {
  std::lock_guard<std::mutex> lock(waiters_mu);
  waiters.erase(id);
}

std::string format_duration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  uint64_t u;
  if (ms < 0) {
    out += '-';
    u = uint64_t(0) - static_cast<uint64_t>(ms);
  } else {
    u = static_cast<uint64_t>(ms);
  }
  static const struct {
    uint64_t ms;
    const char* unit;
  } units[] = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"}};
  for (auto& un : units) {
    if (u >= un.ms) {
      out += std::to_string(u / un.ms);
      out += un.unit;
      u %= un.ms;
    }
  }
  return out;
}

bool parse_duration(std::string_view t, int64_t& ms) {
  size_t i = 0;
  bool neg = false;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) neg = t[i++] == '-';
  if (i >= t.size()) return false;
  __int128 total = 0;
  while (i < t.size()) {
    if (!(t[i] >= '0' && t[i] <= '9') && t[i] != '.') return false;
    __int128 whole = 0;
    int64_t frac = 0, frac_scale = 1;
    bool digits = false;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      whole = whole * 10 + (t[i++] - '0');
      digits = true;
      if (whole > (__int128)INT64_MAX) return false;
    }
    if (i < t.size() && t[i] == '.') {
      ++i;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
        if (frac_scale < 1000000000) {
          frac = frac * 10 + (t[i] - '0');
          frac_scale *= 10;
        }
        ++i;
        digits = true;
      }
    }
    if (!digits) return false;
    int64_t unit;
    if (t.substr(i, 2) == "ms") {
      unit = 1;
      i += 2;
    } else if (i < t.size()) {
      switch (t[i]) {
        case 's':
          unit = 1000;
          break;
        case 'm':
          unit = 60000;
          break;
        case 'h':
          unit = 3600000;
          break;
        case 'd':
          unit = 86400000;
          break;
        case 'w':
          unit = 604800000;
          break;
        default:
          return false;
      }
      ++i;
    } else {
      return false;
    }
    total += whole * unit + (__int128)frac * unit / frac_scale;
    if (total > (__int128)INT64_MAX) return false;
  }
  ms = static_cast<int64_t>(neg ? -total : total);
  return true;
}

// Howard Hinnant's civil-date algorithms (proleptic Gregorian, UTC).
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
static void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

std::string format_timestamp(int64_t ms) {
  int64_t days = ms / 86400000, rem = ms % 86400000;
  if (rem < 0) {
    rem += 86400000;
    --days;
  }
  int64_t y;
  unsigned mo, d;
  civil_from_days(days, y, mo, d);
  char buf[64];
  int h = static_cast<int>(rem / 3600000), mi = static_cast<int>(rem / 60000 % 60),
      s = static_cast<int>(rem / 1000 % 60), milli = static_cast<int>(rem % 1000);
  int n;
  if (milli)
    n = snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, mo, d, h, mi, s,
                 milli);
  else
    n = snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, mo, d, h, mi, s);
  return std::string(buf, static_cast<size_t>(n));
}

static bool digits(std::string_view t, size_t at, size_t n, int& out) {
  if (at + n > t.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    out = out * 10 + (t[i] - '0');
  }
  return true;
}

bool parse_timestamp(std::string_view t, int64_t& ms) {
  int y, mo, d, h, mi, s;
  if (!digits(t, 0, 4, y) || t.size() < 19 || t[4] != '-' || !digits(t, 5, 2, mo) || t[7] != '-' ||
      !digits(t, 8, 2, d) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !digits(t, 11, 2, h) ||
      t[13] != ':' || !digits(t, 14, 2, mi) || t[16] != ':' || !digits(t, 17, 2, s))
    return false;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 ||
      s > 60)
    return false;
  size_t i = 19;
  int64_t milli = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    int nd = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (nd < 3) milli = milli * 10 + (t[i] - '0');
      ++nd;
      ++i;
    }
    if (nd == 0) return false;
    for (int k = nd; k < 3; ++k) milli *= 10;
  }
  int64_t offset_min = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    int oh, om;
    if (!digits(t, i + 1, 2, oh) || i + 3 >= t.size() || t[i + 3] != ':' || !digits(t, i + 4, 2, om) ||
        oh > 23 || om > 59)
      return false;
    offset_min = (oh * 60 + om) * (t[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return false;
  }
  if (i != t.size()) return false;
  int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  ms = ((days * 24 + h) * 60 + mi - offset_min) * 60000 + int64_t(s) * 1000 + milli;
  return true;
}

// ------------------------------------------------------------------ rendering

}  // namespace play
