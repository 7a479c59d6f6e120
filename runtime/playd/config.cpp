#include "runtime/playd/config.h"

#include <toml++/toml.h>

#include <cctype>
#include <charconv>
#include <filesystem>
#include <set>

#include "runtime/ingest/source_policy.h"

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
    total += n * mult;
    i += len;
  }
  out = total;
  return true;
}

bool parse_listen(std::string_view text, std::string& host, uint16_t& port) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size()) return false;
  std::string_view digits = text.substr(colon + 1);
  int64_t p = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
  if (ec != std::errc() || end != digits.data() + digits.size() || p < 0 || p > 65535) return false;
  std::string_view h = text.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  host = std::string(h);
  port = uint16_t(p);
  return true;
}

bool is_loopback_address(const std::string& a) {
  return a == "localhost" || a == "::1" || a.rfind("127.", 0) == 0;
}

namespace {

struct Reader {
  std::string file;
  std::string error;

  bool fail(const std::string& where, const std::string& what) {
    if (error.empty()) error = file + ": " + where + ": " + what;
    return false;
  }
  template <class N>
  bool duration(const N& n, const std::string& where, int64_t& out) {
    if (!n) return true;
    if (auto i = n.template value<int64_t>(); i && n.is_integer()) {
      out = *i;
      return true;
    }
    if (auto s = n.template value<std::string>(); s && parse_duration_ms(*s, out)) return true;
    return fail(where, "expected a duration such as \"30s\", \"5m\", \"2h\" or \"30d\"");
  }
  template <class T, class N>
  bool get(const N& n, const std::string& where, T& out) {
    if (!n) return true;
    if (auto v = n.template value<T>()) {
      out = *v;
      return true;
    }
    return fail(where, "wrong type");
  }
};

}  // namespace

bool load_config(const std::string& path, Config& c, std::string& error) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    error = path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    return false;
  }
  Reader r{path, ""};
  auto server = t["server"];
  std::string listen;
  r.get(server["listen"], "server.listen", listen);
  if (!listen.empty()) {
    size_t colon = listen.rfind(':');
    int64_t port = 0;
    if (colon == std::string::npos ||
        std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port).ec != std::errc() ||
        port < 0 || port > 65535)
      r.fail("server.listen", "expected HOST:PORT, e.g. \"127.0.0.1:8080\"");
    else {
      c.listen_address = listen.substr(0, colon);
      if (c.listen_address.size() > 2 && c.listen_address.front() == '[')
        c.listen_address = c.listen_address.substr(1, c.listen_address.size() - 2);
      c.listen_port = uint16_t(port);
    }
  }
  int64_t threads = int64_t(c.http_threads);
  r.get(server["threads"], "server.threads", threads);
  c.http_threads = size_t(std::max<int64_t>(1, threads));
  r.get(server["admin_token"], "server.admin_token", c.ingest.admin_token);
  auto size = [&](const char* key, auto& out) {
    int64_t v = int64_t(out);
    std::string where = std::string("server.") + key;
    if (!r.get(server[key], where, v)) return;
    if (v < 1) {
      r.fail(where, "expected a positive number");
      return;
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(v);
  };
  size("max_body_bytes", c.ingest.max_body_bytes);
  size("max_signal_bytes", c.ingest.max_signal_bytes);
  size("max_id_bytes", c.ingest.max_id_bytes);
  size("max_connections", c.max_connections);
  size("max_inflight_body_bytes", c.max_inflight_body_bytes);
  r.get(server["trust_loopback"], "server.trust_loopback", c.ingest.trust_loopback);
  r.get(server["data"], "server.data", c.data_dir);

  auto st = t["store"];
  r.get(st["synchronous"], "store.synchronous", c.store.synchronous);
  r.duration(st["dedup_ttl"], "store.dedup_ttl", c.store.dedup_ttl_ms);
  r.duration(st["trace_ttl"], "store.trace_ttl", c.store.trace_ttl_ms);
  int64_t depth = int64_t(c.store.max_queue_depth);
  r.get(st["max_queue_depth"], "store.max_queue_depth", depth);
  c.store.max_queue_depth = uint64_t(depth);
  if (auto n = st["min_free_disk_mb"]) {
    int64_t mb = -1;
    if (r.get(n, "store.min_free_disk_mb", mb) && mb < 0)
      r.fail("store.min_free_disk_mb", "must be 0 (no reserve) or more");
    c.store.min_free_bytes = std::max<int64_t>(0, mb) << 20;
  }
  r.duration(st["integrity_check_timeout"], "store.integrity_check_timeout", c.store.integrity_check_ms);
  int64_t cache = int64_t(c.context_cache);
  if (r.get(st["context_cache"], "store.context_cache", cache) && cache < 16)
    r.fail("store.context_cache", "must be at least 16 records");
  c.context_cache = size_t(std::max<int64_t>(16, cache));
  cache = int64_t(c.ledger_cache);
  if (r.get(st["ledger_cache"], "store.ledger_cache", cache) && cache < 16)
    r.fail("store.ledger_cache", "must be at least 16 entries");
  c.ledger_cache = size_t(std::max<int64_t>(16, cache));
  r.get(t["allow_no_plays"], "allow_no_plays", c.allow_no_plays);

  if (auto arr = t["sources"].as_array()) {
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string where = "sources[" + std::to_string(i) + "]";
      auto s = toml::node_view<toml::node>((*arr)[i]);
      ingest::SourceConfig src;
      std::string kind = "bearer";
      r.get(s["name"], where + ".name", src.name);
      r.get(s["kind"], where + ".kind", kind);
      r.get(s["secret"], where + ".secret", src.secret);
      if (kind == "bearer")
        src.kind = ingest::SourceKind::Bearer;
      else if (kind == "segment")
        src.kind = ingest::SourceKind::SegmentWriteKey;
      else if (kind == "webhooks")
        src.kind = ingest::SourceKind::StandardWebhooks;
      else
        r.fail(where + ".kind", "expected bearer, segment or webhooks");
      if (src.secret.empty()) r.fail(where + ".secret", "every source needs a secret");
      if (src.name.empty())
        r.fail(where + ".name", "every source needs a name (it becomes the signals' source)");
      auto strings = [&](toml::node_view<toml::node> n, const std::string& at,
                         std::optional<std::vector<std::string>>& out) {
        if (!n) return;
        auto list = n.as_array();
        if (!list) {
          r.fail(at, "expected a list of strings");
          return;
        }
        out.emplace();
        for (const auto& item : *list) {
          auto v = item.value<std::string>();
          if (!v || v->empty()) {
            r.fail(at, "expected a list of non-empty strings");
            return;
          }
          out->push_back(*v);
        }
      };
      strings(s["signals"], where + ".signals", src.signals);
      r.get(s["context"], where + ".context", src.context);
      if (auto traits = s["traits"]; traits && !traits.as_table()) {
        r.fail(where + ".traits", "expected a table: { accounts = [...], contacts = [...] }");
      } else if (traits) {
        for (auto&& [key, node] : *traits.as_table())
          if (key != "accounts" && key != "contacts")
            r.fail(where + ".traits." + std::string(key.str()), "expected accounts or contacts");
        strings(traits["accounts"], where + ".traits.accounts", src.account_traits);
        strings(traits["contacts"], where + ".traits.contacts", src.contact_traits);
      }
      for (const auto& other : c.ingest.sources) {
        if (other.name == src.name) r.fail(where + ".name", "another source is named '" + src.name + "'");
        if (other.secret == src.secret && other.kind == src.kind)
          r.fail(where + ".secret", "source '" + other.name + "' has the same secret");
      }
      c.ingest.sources.push_back(std::move(src));
    }
  }

  auto seg = t["segment"];
  r.get(seg["page_type"], "segment.page_type", c.ingest.segment.page_type);
  if (auto events = seg["events"].as_table()) {
    for (const auto& [event, node] : *events) {
      std::string where = "segment.events.\"" + std::string(event.str()) + "\"";
      if (auto type = node.value<std::string>())
        c.ingest.segment.events[std::string(event.str())] = *type;
      else
        r.fail(where, "expected a signal type name, e.g. \"website.page_viewed\"");
    }
  } else if (seg["events"]) {
    r.fail("segment.events", "expected a table: \"Event Name\" = \"signal.type\"");
  }
  int64_t event_bytes = int64_t(c.ingest.segment.max_event_bytes);
  r.get(seg["max_event_bytes"], "segment.max_event_bytes", event_bytes);
  c.ingest.segment.max_event_bytes = size_t(std::max<int64_t>(1, event_bytes));
  int64_t batch_bytes = int64_t(c.ingest.segment.max_batch_bytes);
  r.get(seg["max_batch_bytes"], "segment.max_batch_bytes", batch_bytes);
  c.ingest.segment.max_batch_bytes = size_t(std::max<int64_t>(1, batch_bytes));

  auto ex = t["execution"];
  if (auto arr = ex["retry_schedule"].as_array()) {
    c.execution.retry_schedule_ms.clear();
    for (size_t i = 0; i < arr->size(); ++i) {
      int64_t ms = 0;
      if (r.duration(toml::node_view<toml::node>((*arr)[i]), "execution.retry_schedule", ms))
        c.execution.retry_schedule_ms.push_back(ms);
    }
    if (c.execution.retry_schedule_ms.empty()) r.fail("execution.retry_schedule", "needs at least one delay");
  }
  int64_t attempts = c.execution.max_attempts;
  r.get(ex["max_attempts"], "execution.max_attempts", attempts);
  c.execution.max_attempts = int(std::max<int64_t>(1, attempts));
  r.duration(ex["undelivered_alert"], "execution.undelivered_alert", c.execution.undelivered_alert_ms);
  r.duration(ex["max_retry_after"], "execution.max_retry_after", c.execution.max_retry_after_ms);
  int64_t pending = int64_t(c.execution.max_pending_actions);
  if (r.get(ex["max_pending_actions"], "execution.max_pending_actions", pending) && pending < 0)
    r.fail("execution.max_pending_actions", "must be 0 (no limit) or more");
  c.execution.max_pending_actions = size_t(std::max<int64_t>(0, pending));
  r.get(ex["fallback"], "execution.fallback", c.execution.fallback);

  if (auto sinks = t["sinks"].as_table()) {
    for (const auto& [name, node] : *sinks) {
      std::string where = "sinks." + std::string(name.str());
      auto s = toml::node_view<const toml::node>(node);
      sinks::SinkConfig sc;
      sc.name = std::string(name.str());
      std::string kind = "http";
      r.get(s["kind"], where + ".kind", kind);
      if (kind == "http")
        sc.kind = sinks::SinkKind::Http;
      else if (kind == "slack")
        sc.kind = sinks::SinkKind::Slack;
      else if (kind == "file")
        sc.kind = sinks::SinkKind::File;
      else
        r.fail(where + ".kind", "expected http, slack or file");
      r.get(s["url"], where + ".url", sc.url);
      r.get(s["path"], where + ".path", sc.path);
      r.get(s["bearer_token"], where + ".bearer_token", sc.bearer_token);
      r.get(s["signing_secret"], where + ".signing_secret", sc.signing_secret);
      int64_t conc = sc.concurrency;
      r.get(s["concurrency"], where + ".concurrency", conc);
      sc.concurrency = int(std::clamp<int64_t>(conc, 1, 256));
      if (auto d = s["rate_per_hour"].value<double>()) sc.rate_per_hour = *d;
      if (auto i = s["rate_per_hour"].value<int64_t>()) sc.rate_per_hour = double(*i);
      r.duration(s["timeout"], where + ".timeout", sc.timeout_ms);
      if (sc.kind != sinks::SinkKind::File && sc.url.empty())
        r.fail(where + ".url", "an HTTP sink needs a url");
      if (sc.kind == sinks::SinkKind::File && sc.path.empty()) sc.path = sc.name + ".ndjson";
      if (sc.kind != sinks::SinkKind::File && !sc.path.empty())
        r.fail(where + ".path", "only file sinks have a path");
      c.execution.sinks[sc.name] = std::move(sc);
    }
  }
  if (c.execution.fallback != "outbox" && !c.execution.sinks.count(c.execution.fallback))
    r.fail("execution.fallback", "no sink named '" + c.execution.fallback + "'");
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
