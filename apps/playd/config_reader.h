// The TOML reading helpers of playd's config (config.cpp, alert_config.cpp):
// each key is read with its checks, the first failure kept with where it
// is, and every key no read looked at reported as unknown.
#pragma once

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "apps/playd/config.h"

namespace play::playd::config_reader {

inline const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

// Reads values with their checks; the first failure is kept in `error`
// ("playd.toml: server.threads: expected an integer from 1 to 256, got 0").
// Every key must be read through a Reader: what it did not read is an
// unknown key (a typo would otherwise be a silently ignored setting).
struct Reader {
  std::string file;
  std::string error;
  std::set<const toml::node*> read;                       // nodes a key was read from (a table: it is known)
  std::map<std::string, std::vector<std::string>> known;  // table path -> keys looked up there

  bool fail(const std::string& where, const std::string& what) {
    if (error.empty()) error = file + ": " + where + ": " + what;
    return false;
  }
  // Records `where` ("server.listen") as a key of its table, and the node as read.
  template <class N>
  bool seen(const N& n, const std::string& where) {
    size_t dot = where.rfind('.');
    std::string parent = dot == std::string::npos ? "" : where.substr(0, dot);
    std::string key = dot == std::string::npos ? where : where.substr(dot + 1);
    if (key.find_first_of("[\"") == std::string::npos) {
      auto& keys = known[parent];
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    if (!n) return false;
    read.insert(n.node());
    return true;
  }
  template <class N>
  bool wrong_type(const N& n, const std::string& where, const char* expected) {
    return fail(where, std::string("expected ") + expected + ", got " + type_name(n.type()));
  }
  // A table (absent is fine); `what` is how it is written, for the message.
  template <class N>
  N table(N n, const std::string& where, const char* what) {
    if (seen(n, where) && !n.is_table()) wrong_type(n, where, what);
    return n;
  }
  template <class N>
  bool duration(const N& n, const std::string& where, int64_t& out, int64_t min_ms = 1) {
    if (!seen(n, where)) return true;
    int64_t v = 0;
    if (auto i = n.template value_exact<int64_t>())
      v = *i;
    else if (auto s = n.template value_exact<std::string>(); !s || !parse_duration_ms(*s, v))
      return fail(where, "expected a duration such as \"30s\", \"5m\", \"2h\" or \"30d\", got " +
                             (s ? "\"" + *s + "\"" : std::string(type_name(n.type()))));
    if (v < min_ms)
      return fail(where, min_ms == 1 ? "expected a duration greater than zero"
                                     : "expected a duration of at least " + std::to_string(min_ms) + "ms");
    out = v;
    return true;
  }
  template <class N>
  bool string(const N& n, const std::string& where, std::string& out, bool allow_empty = true) {
    if (!seen(n, where)) return true;
    auto v = n.template value_exact<std::string>();
    if (!v) return wrong_type(n, where, "a string");
    if (!allow_empty && v->empty()) return fail(where, "expected a non-empty string");
    out = *v;
    return true;
  }
  // A value of T's exact TOML type, no range check (string, int64_t,
  // double, bool); the helpers below check ranges too.
  template <class T, class N>
  bool get(const N& n, const std::string& where, T& out) {
    if (!seen(n, where)) return true;
    if (auto v = n.template value_exact<T>()) {
      out = *v;
      return true;
    }
    return wrong_type(n, where,
                      std::is_same_v<T, bool>       ? "a boolean"
                      : std::is_integral_v<T>       ? "an integer"
                      : std::is_floating_point_v<T> ? "a number"
                                                    : "a string");
  }
  template <class N, class T>
  bool integer(const N& n, const std::string& where, T& out, int64_t min, int64_t max) {
    if (!seen(n, where)) return true;
    auto v = n.template value_exact<int64_t>();
    if (!v) return wrong_type(n, where, "an integer");
    if (*v < min || *v > max)
      return fail(where, "expected an integer " +
                             (max == std::numeric_limits<int64_t>::max()
                                  ? "of at least " + std::to_string(min)
                                  : "from " + std::to_string(min) + " to " + std::to_string(max)) +
                             ", got " + std::to_string(*v));
    out = T(*v);
    return true;
  }
  template <class N>
  bool number(const N& n, const std::string& where, double& out, double min) {
    if (!seen(n, where)) return true;
    auto v = n.template value<double>();
    if (!v || !n.is_number()) return wrong_type(n, where, "a number");
    if (!std::isfinite(*v) || *v < min)
      return fail(where, "expected a number of at least " + std::to_string(int64_t(min)));
    out = *v;
    return true;
  }
  // One of `choices`.
  template <class N, class C = std::initializer_list<const char*>>
  bool choice(const N& n, const std::string& where, std::string& out, const C& choices) {
    std::string v = out;
    if (!string(n, where, v)) return false;
    std::string list;
    for (const auto& c : choices) {
      if (v == c) {
        out = v;
        return true;
      }
      list += (list.empty() ? "" : ", ") + std::string(c);
    }
    return fail(where, "expected one of " + list + ", got \"" + v + "\"");
  }
  // Reports the first key of `node` (at `path`) that no read looked at.
  void unknown_keys(const toml::node& node, const std::string& path) {
    if (auto tbl = node.as_table()) {
      for (const auto& [k, v] : *tbl) {
        std::string where = path.empty() ? std::string(k.str()) : path + "." + std::string(k.str());
        if (!read.count(&v)) {
          std::string hint;
          for (const auto& key : known[path]) hint += (hint.empty() ? "" : ", ") + key;
          fail(where, hint.empty() ? "unknown key" : "unknown key (expected one of " + hint + ")");
          return;
        }
        unknown_keys(v, where);
      }
    } else if (auto arr = node.as_array()) {
      for (size_t i = 0; i < arr->size(); ++i) {
        std::string where = path + "[" + std::to_string(i) + "]";
        if (!read.count(arr->get(i))) {
          fail(where, "unexpected value");
          return;
        }
        unknown_keys(*arr->get(i), where);
      }
    }
  }
};

// [alerts], [alerts.plays.NAME] and [alert_sinks.NAME] (alert_config.cpp).
void read_alerts(Reader& r, toml::table& t, Config& c);
// [review]: the review queue's digest (alert_config.cpp).
void read_review(Reader& r, toml::table& t, Config& c);
// One [sinks.NAME] table (config_sinks.cpp).
void read_sink(Reader& r, toml::node_view<const toml::node> s, const std::string& name, Config& c);

// A secret given in the config file would end up in backups and diffs: a
// sink's token, an alert sink's URL or key, the review digest's webhook are
// read from an environment variable (ENV_KEY) or a file (FILE_KEY), never
// logged.
template <class N>
void read_secret(Reader& r, const N& s, const std::string& where, const char* env_key, const char* file_key,
                 std::string& out) {
  std::string env, file;
  r.string(s[env_key], where + "." + env_key, env, false);
  r.string(s[file_key], where + "." + file_key, file, false);
  if (!env.empty() && !file.empty())
    r.fail(where, std::string("give ") + env_key + " or " + file_key + ", not both");
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (!v || !*v)
      r.fail(where + "." + env_key, "the environment variable " + env + " is not set");
    else
      out = v;
  } else if (!file.empty()) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    if (!in || out.empty()) r.fail(where + "." + file_key, "cannot read a secret from " + file);
  }
}

inline constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

}  // namespace play::playd::config_reader
