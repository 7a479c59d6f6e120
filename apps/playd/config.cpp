#include "apps/playd/config.h"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

#include "apps/playd/config_reader.h"
#include "runtime/ingest/source_policy.h"
#include "runtime/ingest/webhook_signature.h"
#include "runtime/jit/factory.h"
#include "runtime/sinks/adapter.h"
#include "runtime/store/store.h"

namespace play::playd {

bool parse_duration_ms(std::string_view text, int64_t& out) {
  int64_t total = 0;
  size_t i = 0;
  if (text.empty()) return false;
  while (i < text.size()) {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc() || n < 0) return false;
    i = size_t(p - text.data());
    std::string_view unit = text.substr(i);
    int64_t mult = 0;
    size_t len = 0;
    if (unit.substr(0, 2) == "ms")
      mult = 1, len = 2;
    else if (!unit.empty() && unit[0] == 's')
      mult = 1000, len = 1;
    else if (!unit.empty() && unit[0] == 'm')
      mult = 60000, len = 1;
    else if (!unit.empty() && unit[0] == 'h')
      mult = 3600000, len = 1;
    else if (!unit.empty() && unit[0] == 'd')
      mult = 86400000, len = 1;
    else if (unit.empty() && total == 0)
      mult = 1, len = 0;  // bare number: milliseconds
    else
      return false;
    // "9999999999999999d" would overflow: refuse rather than wrap.
    if (n > (std::numeric_limits<int64_t>::max() - total) / mult) return false;
    total += n * mult;
    i += len;
  }
  out = total;
  return true;
}

bool parse_listen(std::string_view text, std::string& host, uint16_t& port, std::string& error) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    error = "expected HOST:PORT, e.g. 127.0.0.1:8080, got '" + std::string(text) + "'";
    return false;
  }
  std::string_view h = text.substr(0, colon), p = text.substr(colon + 1);
  int64_t n = -1;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size() || n < 0 || n > 65535) {
    error = "port '" + std::string(p) +
            "' is not a number from 0 to 65535 (expected HOST:PORT, e.g. 127.0.0.1:8080)";
    return false;
  }
  bool bracketed = h.size() >= 2 && h.front() == '[' && h.back() == ']';
  if (bracketed) h = h.substr(1, h.size() - 2);
  std::string address(h);
  if (address == "localhost") address = "127.0.0.1";
  unsigned char buf[16];
  if (address.empty()) {
    error = "the host is missing (expected HOST:PORT, e.g. 127.0.0.1:8080)";
    return false;
  }
  if (!bracketed && address.find(':') != std::string::npos) {
    error = "an IPv6 address needs brackets, e.g. [::1]:8080";
    return false;
  }
  if (inet_pton(AF_INET, address.c_str(), buf) != 1 && inet_pton(AF_INET6, address.c_str(), buf) != 1) {
    error = "host '" + std::string(h) +
            "' is not an IP address (e.g. 127.0.0.1, 0.0.0.0 for every interface, [::1], or localhost)";
    return false;
  }
  host = std::move(address);
  port = uint16_t(n);
  return true;
}

bool is_loopback_address(const std::string& a) {
  return a == "localhost" || a == "::1" || a.rfind("127.", 0) == 0;
}

namespace {

using namespace config_reader;

void read_server(Reader& r, toml::table& t, Config& c) {
  auto server = r.table(t["server"], "server", "a table: [server]");
  std::string listen;
  if (r.string(server["listen"], "server.listen", listen) && server["listen"]) {
    std::string why;
    if (!parse_listen(listen, c.listen_address, c.listen_port, why)) r.fail("server.listen", why);
  }
  r.integer(server["threads"], "server.threads", c.http_threads, 1, 256);
  r.get(server["admin_token"], "server.admin_token", c.ingest.admin_token);
  r.get(server["trust_loopback"], "server.trust_loopback", c.ingest.trust_loopback);
  r.integer(server["max_body_bytes"], "server.max_body_bytes", c.ingest.max_body_bytes, 1, kNoMax);
  r.integer(server["max_signal_bytes"], "server.max_signal_bytes", c.ingest.max_signal_bytes, 1, kNoMax);
  r.integer(server["max_id_bytes"], "server.max_id_bytes", c.ingest.max_id_bytes, 1, kNoMax);
  r.integer(server["max_connections"], "server.max_connections", c.max_connections, 1, kNoMax);
  r.integer(server["max_inflight_body_bytes"], "server.max_inflight_body_bytes", c.max_inflight_body_bytes, 1,
            kNoMax);
  r.string(server["data"], "server.data", c.data_dir, false);
  if (r.string(server["store"], "server.store", c.store_url, false) && !c.store_url.empty() &&
      !store::is_database_url(c.store_url))
    r.fail("server.store", "expected a postgres:// or postgresql:// URL (the embedded store is server.data)");
}

void read_store(Reader& r, toml::table& t, Config& c) {
  auto st = r.table(t["store"], "store", "a table: [store]");
  r.choice(st["synchronous"], "store.synchronous", c.store.synchronous, {"FULL", "NORMAL", "EXTRA", "OFF"});
  r.duration(st["dedup_ttl"], "store.dedup_ttl", c.store.dedup_ttl_ms);
  r.duration(st["trace_ttl"], "store.trace_ttl", c.store.trace_ttl_ms);
  r.integer(st["max_queue_depth"], "store.max_queue_depth", c.store.max_queue_depth, 1, kNoMax);
  int64_t mb = -1;
  if (r.integer(st["min_free_disk_mb"], "store.min_free_disk_mb", mb, 0, int64_t(1) << 40) && mb >= 0)
    c.store.min_free_bytes = mb << 20;  // absent: the default reserve (-1)
  r.duration(st["integrity_check_timeout"], "store.integrity_check_timeout", c.store.integrity_check_ms, 0);
  r.integer(st["context_cache"], "store.context_cache", c.context_cache, 16, kNoMax);
  r.integer(st["ledger_cache"], "store.ledger_cache", c.ledger_cache, 16, kNoMax);
}

// A list of non-empty strings (a source's signal patterns, its traits).
void read_strings(Reader& r, toml::node_view<toml::node> n, const std::string& where,
                  std::optional<std::vector<std::string>>& out) {
  if (!r.seen(n, where)) return;
  auto list = n.as_array();
  if (!list) {
    r.wrong_type(n, where, "a list of strings");
    return;
  }
  out.emplace();
  for (size_t i = 0; i < list->size(); ++i) {
    auto item = toml::node_view<toml::node>((*list)[i]);
    r.seen(item, where + "[" + std::to_string(i) + "]");
    auto v = item.value_exact<std::string>();
    if (!v || v->empty()) {
      r.fail(where, "expected a list of non-empty strings");
      return;
    }
    out->push_back(*v);
  }
}

void read_source(Reader& r, toml::node_view<toml::node> s, const std::string& where, Config& c) {
  ingest::SourceConfig src;
  std::string kind = "bearer";
  r.string(s["name"], where + ".name", src.name, false);
  if (!s["name"]) r.fail(where + ".name", "every source needs a name (it becomes the signals' source)");
  r.choice(s["kind"], where + ".kind", kind, {"bearer", "segment", "webhooks"});
  r.string(s["secret"], where + ".secret", src.secret);
  if (kind == "bearer")
    src.kind = ingest::SourceKind::Bearer;
  else if (kind == "segment")
    src.kind = ingest::SourceKind::SegmentWriteKey;
  else if (kind == "webhooks")
    src.kind = ingest::SourceKind::StandardWebhooks;
  if (src.secret.empty()) r.fail(where + ".secret", "every source needs a secret");
  if (src.kind == ingest::SourceKind::StandardWebhooks && !src.secret.empty() &&
      !ingest::webhook_key_from_secret(src.secret))
    r.fail(where + ".secret", "a Standard Webhooks secret must be \"whsec_<base64>\"");
  // What it may send (runtime/ingest/source_policy.h).
  read_strings(r, s["signals"], where + ".signals", src.signals);
  r.get(s["context"], where + ".context", src.context);
  auto traits = r.table(s["traits"], where + ".traits", "a table: { accounts = [...], contacts = [...] }");
  read_strings(r, traits["accounts"], where + ".traits.accounts", src.account_traits);
  read_strings(r, traits["contacts"], where + ".traits.contacts", src.contact_traits);
  for (const auto& other : c.ingest.sources) {
    if (!src.name.empty() && other.name == src.name)
      r.fail(where + ".name", "another source is named '" + src.name + "'");
    if (!src.secret.empty() && other.secret == src.secret && other.kind == src.kind)
      r.fail(where + ".secret", "source '" + other.name + "' has the same secret");
  }
  c.ingest.sources.push_back(std::move(src));
}

void read_sources(Reader& r, toml::table& t, Config& c) {
  if (r.seen(t["sources"], "sources") &&
      !(t["sources"].is_array() && (t["sources"].as_array()->empty() || t["sources"].is_array_of_tables())))
    r.fail("sources", "expected an array of tables: [[sources]] (one per source)");
  if (auto arr = t["sources"].as_array())
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string where = "sources[" + std::to_string(i) + "]";
      read_source(r, r.table(toml::node_view<toml::node>((*arr)[i]), where, "a table"), where, c);
    }
}

void read_segment(Reader& r, toml::table& t, Config& c) {
  auto seg = r.table(t["segment"], "segment", "a table: [segment]");
  r.string(seg["page_type"], "segment.page_type", c.ingest.segment.page_type, false);
  if (auto events =
          r.table(seg["events"], "segment.events", "a table: \"Event Name\" = \"signal.type\"").as_table()) {
    for (const auto& [event, node] : *events) {
      std::string where = "segment.events.\"" + std::string(event.str()) + "\"";
      r.seen(toml::node_view<const toml::node>(node), where);
      if (auto type = node.value_exact<std::string>(); type && !type->empty())
        c.ingest.segment.events[std::string(event.str())] = *type;
      else
        r.fail(where, "expected a signal type name, e.g. \"website.page_viewed\"");
    }
  }
  r.integer(seg["max_event_bytes"], "segment.max_event_bytes", c.ingest.segment.max_event_bytes, 1, kNoMax);
  r.integer(seg["max_batch_bytes"], "segment.max_batch_bytes", c.ingest.segment.max_batch_bytes, 1, kNoMax);
}

void read_execution(Reader& r, toml::table& t, Config& c) {
  auto ex = r.table(t["execution"], "execution", "a table: [execution]");
  if (r.seen(ex["retry_schedule"], "execution.retry_schedule")) {
    if (auto arr = ex["retry_schedule"].as_array()) {
      std::vector<int64_t> schedule;
      for (size_t i = 0; i < arr->size(); ++i) {
        int64_t ms = 0;
        if (r.duration(toml::node_view<toml::node>((*arr)[i]),
                       "execution.retry_schedule[" + std::to_string(i) + "]", ms))
          schedule.push_back(ms);
      }
      if (arr->empty()) r.fail("execution.retry_schedule", "needs at least one delay");
      c.execution.retry_schedule_ms = std::move(schedule);
    } else {
      r.wrong_type(ex["retry_schedule"], "execution.retry_schedule",
                   "an array of durations, e.g. [\"1m\", \"5m\"]");
    }
  }
  r.integer(ex["max_attempts"], "execution.max_attempts", c.execution.max_attempts, 1, 1000000);
  r.duration(ex["undelivered_alert"], "execution.undelivered_alert", c.execution.undelivered_alert_ms);
  r.duration(ex["max_retry_after"], "execution.max_retry_after", c.execution.max_retry_after_ms);
  r.integer(ex["max_pending_actions"], "execution.max_pending_actions", c.execution.max_pending_actions, 0,
            kNoMax);
  r.string(ex["fallback"], "execution.fallback", c.execution.fallback, false);
}

void read_sinks(Reader& r, toml::table& t, Config& c) {
  if (auto sinks = r.table(t["sinks"], "sinks", "a table of sinks: [sinks.NAME]").as_table())
    for (const auto& [name, node] : *sinks)
      read_sink(r,
                r.table(toml::node_view<const toml::node>(node), "sinks." + std::string(name.str()),
                        "a table: [sinks.NAME]"),
                std::string(name.str()), c);
  if (c.execution.fallback != "outbox" && !c.execution.sinks.count(c.execution.fallback))
    r.fail("execution.fallback", "no sink named '" + c.execution.fallback + "'");
}

}  // namespace

bool load_config(const std::string& path, Config& c, std::string& error) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    error = path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    return false;
  }
  config_reader::Reader r{path, "", {}, {}};
  r.get(t["allow_no_plays"], "allow_no_plays", c.allow_no_plays);
  if (r.get(t["jit"], "jit", c.jit) && c.jit && !jit::available()) r.fail("jit", jit::kNoJit);
  read_server(r, t, c);
  read_store(r, t, c);
  read_sources(r, t, c);
  read_segment(r, t, c);
  read_execution(r, t, c);
  read_sinks(r, t, c);
  config_reader::read_alerts(r, t, c);
  config_reader::read_review(r, t, c);
  r.unknown_keys(t, "");
  if (!r.error.empty()) {
    error = r.error;
    return false;
  }
  return true;
}

bool finish_config(Config& c, const vm::Bundle& bundle, std::string& error) {
  auto declared = [&](const std::string& type) {
    for (const auto& sig : bundle.signals)
      if (sig.name == type) return true;
    return false;
  };
  if (!c.ingest.trust_loopback && c.ingest.sources.empty()) {
    error = "server.trust_loopback = false needs [[sources]]: no one could send signals";
    return false;
  }
  for (size_t i = 0; i < c.ingest.sources.size(); ++i) {
    const auto& src = c.ingest.sources[i];
    std::string where = "sources[" + std::to_string(i) + "] (" + src.name + ")";
    // A pattern that matches nothing is a typo that would refuse every signal it meant.
    if (src.signals)
      for (const auto& pattern : *src.signals) {
        bool any = false;
        for (const auto& sig : bundle.signals) any |= ingest::glob_match(pattern, sig.name);
        if (!any) {
          error = where + ".signals: '" + pattern + "' matches no signal type of the plays";
          return false;
        }
      }
    auto fields = [&](const std::optional<std::vector<std::string>>& list,
                      const std::vector<vm::Field>& schema, const char* at, const char* entity) {
      if (!list) return true;
      for (const auto& name : *list) {
        bool any = false;
        for (const auto& f : schema) any |= f.name == name;
        if (!any) {
          error = where + ".traits." + at + ": '" + name + "' is not a field of entity " + entity;
          return false;
        }
      }
      return true;
    };
    if (!fields(src.account_traits, bundle.account, "accounts", "account") ||
        !fields(src.contact_traits, bundle.contact, "contacts", "contact"))
      return false;
  }
  // A mapping to an undeclared type would silently drop every such event.
  if (!declared(c.ingest.segment.page_type)) {
    error = "segment.page_type: '" + c.ingest.segment.page_type + "' is not a signal type of the plays";
    return false;
  }
  for (const auto& [event, type] : c.ingest.segment.events)
    if (!declared(type)) {
      error = "segment.events.\"" + event + "\": '" + type + "' is not a signal type of the plays";
      return false;
    }
  // Overrides for a play that does not exist are a typo (or a renamed play): say so.
  for (const auto& [name, overrides] : c.alerts.plays) {
    bool any = false;
    for (const auto& p : bundle.plays) any |= p.name == name;
    if (!any) {
      error = "alerts.plays." + name + ": '" + name + "' is not a play of the plays";
      return false;
    }
  }
  for (auto& [name, sink] : c.execution.sinks)
    if (sink.dashboard_from_listen) {
      if (!c.alerts_dashboard_url.empty())
        sink.dashboard_url = c.alerts_dashboard_url;
      else if (c.listen_port != 0 && c.listen_address != "0.0.0.0" && c.listen_address != "::")
        sink.dashboard_url = "http://" +
                             (c.listen_address.find(':') != std::string::npos ? "[" + c.listen_address + "]"
                                                                              : c.listen_address) +
                             ":" + std::to_string(c.listen_port);
    }
  namespace fs = std::filesystem;
  std::set<std::string> files = {(fs::path(c.data_dir) / "outbox.ndjson").lexically_normal().string()};
  for (auto& [name, sink] : c.execution.sinks) {
    if (sink.kind != sinks::SinkKind::File) continue;
    fs::path p(sink.path);
    if (p.is_relative()) p = fs::path(c.data_dir) / p;
    sink.path = p.lexically_normal().string();
    // Two writers appending to one file could interleave partial lines.
    if (!files.insert(sink.path).second) {
      error = "sinks." + name + ".path: " + sink.path + " is already written by another sink (or the outbox)";
      return false;
    }
  }
  return true;
}

}  // namespace play::playd
