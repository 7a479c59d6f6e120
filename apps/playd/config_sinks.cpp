// [sinks.NAME] tables: one reader per kind, and one table of which keys
// each kind takes, so a key given to the wrong kind ("channel" on a hubspot
// sink) is refused naming the kinds that have it instead of being ignored.
#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "apps/playd/config.h"
#include "apps/playd/config_reader.h"
#include "common/text.h"
#include "runtime/sinks/adapter.h"

namespace play::playd::config_reader {

namespace {

using Node = toml::node_view<const toml::node>;

// The keys each kind takes beyond kind, concurrency, rate_per_hour and timeout.
struct KindKeys {
  const char* kind;
  sinks::SinkKind value;
  std::vector<std::string> keys;
};

const std::vector<KindKeys>& kinds() {
  static const std::vector<KindKeys> k = {
      {"http",
       sinks::SinkKind::Http,
       {"url", "bearer_token", "signing_secret", "body_template", "header_env"}},
      {"slack",
       sinks::SinkKind::Slack,
       {"url", "token_env", "token_file", "base_url", "channel", "blocks", "dashboard_url"}},
      {"file", sinks::SinkKind::File, {"path"}},
      {"hubspot",
       sinks::SinkKind::HubSpot,
       {"token_env", "token_file", "base_url", "key_property", "default_sender"}},
      {"pagerduty",
       sinks::SinkKind::PagerDuty,
       {"routing_key_env", "routing_key_file", "severity", "base_url", "dashboard_url"}},
      {"salesforce",
       sinks::SinkKind::Salesforce,
       {"client_id_env", "client_id_file", "client_secret_env", "client_secret_file", "base_url",
        "api_version", "key_field"}},
      {"outreach",
       sinks::SinkKind::Outreach,
       {"token_env", "token_file", "base_url", "create_prospects", "default_mailbox"}},
      {"salesloft", sinks::SinkKind::Salesloft, {"token_env", "token_file", "base_url", "create_people"}},
  };
  return k;
}

// "an http sink", "an outreach sink", "a slack sink".
std::string article(const KindKeys& k) {
  bool vowel = std::string_view("aeiou").find(k.kind[0]) != std::string_view::npos;
  return vowel || k.value == sinks::SinkKind::Http ? "an " : "a ";
}

// "KEY: a hubspot sink has no KEY (only http and slack sinks have it)" for
// each key of another kind.
void refuse_other_kinds_keys(Reader& r, Node s, const std::string& where, const KindKeys& mine) {
  std::vector<std::string> all;
  for (const auto& k : kinds())
    for (const auto& key : k.keys)
      if (std::find(all.begin(), all.end(), key) == all.end()) all.push_back(key);
  for (const auto& key : all) {
    if (!s[key] || std::find(mine.keys.begin(), mine.keys.end(), key) != mine.keys.end()) continue;
    std::vector<std::string> having;
    for (const auto& k : kinds())
      if (std::find(k.keys.begin(), k.keys.end(), key) != k.keys.end()) having.push_back(k.kind);
    std::string owners = spoken_list(having, "and");
    r.seen(s[key], where + "." + key);
    r.fail(where + "." + key,
           article(mine) + mine.kind + " sink has no " + key + " (only " + owners + " sinks have it)");
  }
}

bool http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

void require_http_url(Reader& r, const std::string& where, const std::string& url) {
  if (!http_url(url)) r.fail(where, "expected an http:// or https:// URL, got \"" + url + "\"");
}

void read_http(Reader& r, Node s, const std::string& where, sinks::SinkConfig& sc) {
  r.string(s["url"], where + ".url", sc.url);
  r.string(s["bearer_token"], where + ".bearer_token", sc.bearer_token);
  r.string(s["signing_secret"], where + ".signing_secret", sc.signing_secret);
  if (sc.url.empty())
    r.fail(where + ".url", "an HTTP sink needs a url");
  else
    require_http_url(r, where + ".url", sc.url);
  // Templated webhooks: the body and headers from the environment.
  if (r.string(s["body_template"], where + ".body_template", sc.body_template, false) &&
      !sc.body_template.empty())
    if (std::string why = sinks::check_body_template(sc.body_template); !why.empty())
      r.fail(where + ".body_template", why);
  auto headers =
      r.table(s["header_env"], where + ".header_env", "a table: { \"X-Api-Key\" = \"ENV_VAR_NAME\" }")
          .as_table();
  if (!headers) return;
  for (const auto& [header, node] : *headers) {
    std::string h(header.str()), hw = where + ".header_env.\"" + h + "\"";
    r.seen(Node(node), hw);
    auto env = node.value_exact<std::string>();
    bool token = !h.empty() &&
                 h.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
                     std::string::npos;
    if (!token)
      r.fail(hw, "not a valid header name");
    else if (!env || env->empty())
      r.fail(hw, "expected the name of an environment variable holding the header's value");
    else if (const char* v = std::getenv(env->c_str()); !v || !*v)
      r.fail(hw, "the environment variable " + *env + " is not set");
    else
      sc.headers.emplace_back(h, v);
  }
}

// An incoming webhook (url), or the Web API's chat.postMessage with a bot token.
void read_slack(Reader& r, Node s, const std::string& where, sinks::SinkConfig& sc) {
  r.string(s["url"], where + ".url", sc.url);
  read_secret(r, s, where, "token_env", "token_file", sc.token);
  bool api = !sc.token.empty() || s["token_env"] || s["token_file"];
  if (api && !sc.url.empty())
    r.fail(where + ".url",
           "a slack sink posts to an incoming webhook (url) or with a bot token (token_env, token_file), not "
           "both");
  if (!api) {
    if (sc.url.empty())
      r.fail(where + ".url",
             "a slack sink needs an incoming webhook url, or a bot token (token_env or token_file)");
    else
      require_http_url(r, where + ".url", sc.url);
    for (const char* k : {"base_url", "channel", "blocks", "dashboard_url"})
      if (s[k])
        r.fail(where + "." + k, std::string(k) +
                                    " needs a bot token (token_env or token_file): an incoming webhook posts "
                                    "only its text to its own channel");
    return;
  }
  r.string(s["base_url"], where + ".base_url", sc.base_url, false);
  require_http_url(r, where + ".base_url", sc.base_url);
  r.string(s["channel"], where + ".channel", sc.channel, false);
  r.get(s["blocks"], where + ".blocks", sc.blocks);
  r.string(s["dashboard_url"], where + ".dashboard_url", sc.dashboard_url);
  // The links' default (finish_config, once --listen is known): alerts.dashboard_url, else playd's own
  // address.
  sc.dashboard_from_listen = !s["dashboard_url"];
}

void read_file(Reader& r, Node s, const std::string& where, sinks::SinkConfig& sc) {
  r.string(s["path"], where + ".path", sc.path);
  if (sc.path.empty()) sc.path = sc.name + ".ndjson";
}

void read_hubspot(Reader& r, Node s, const std::string& where, sinks::SinkConfig& sc) {
  sc.base_url = "https://api.hubapi.com";
  read_secret(r, s, where, "token_env", "token_file", sc.token);
  r.string(s["base_url"], where + ".base_url", sc.base_url, false);
  r.string(s["key_property"], where + ".key_property", sc.key_property, false);
  r.string(s["default_sender"], where + ".default_sender", sc.default_sender, false);
  if (sc.token.empty() && !s["token_env"] && !s["token_file"])
    r.fail(where + ".token_env", "a hubspot sink needs a private app token (token_env or token_file)");
  require_http_url(r, where + ".base_url", sc.base_url);
  if (sc.key_property.empty()) r.fail(where + ".key_property", "expected a HubSpot property name");
  if (!sc.default_sender.empty() && sc.default_sender.find('@') == std::string::npos)
    r.fail(where + ".default_sender", "expected the sender's email (a HubSpot user's)");
}

// Events API v2: the integration's routing key, from the environment or a file.
void read_pagerduty(Reader& r, Node s, const std::string& where, sinks::SinkConfig& sc) {
  sc.base_url = "https://events.pagerduty.com";
  read_secret(r, s, where, "routing_key_env", "routing_key_file", sc.routing_key);
  r.choice(s["severity"], where + ".severity", sc.severity, {"critical", "error", "warning", "info"});
  r.string(s["base_url"], where + ".base_url", sc.base_url, false);
  r.string(s["dashboard_url"], where + ".dashboard_url", sc.dashboard_url);
  sc.dashboard_from_listen = !s["dashboard_url"];
  if (!s["routing_key_env"] && !s["routing_key_file"])
    r.fail(where,
           "a pagerduty sink needs routing_key_env or routing_key_file (the Events API v2 integration key)");
  require_http_url(r, where + ".base_url", sc.base_url);
}

// OAuth 2.0 client credentials (the connected app's consumer key and secret), from the environment or files.
void read_salesforce(Reader& r, Node s, const std::string& where, sinks::SinkConfig& sc) {
  sc.base_url = "https://login.salesforce.com";
  read_secret(r, s, where, "client_id_env", "client_id_file", sc.client_id);
  read_secret(r, s, where, "client_secret_env", "client_secret_file", sc.client_secret);
  r.string(s["base_url"], where + ".base_url", sc.base_url, false);
  r.string(s["api_version"], where + ".api_version", sc.api_version, false);
  r.string(s["key_field"], where + ".key_field", sc.key_field, false);
  if (!s["client_id_env"] && !s["client_id_file"])
    r.fail(where,
           "a salesforce sink needs client_id_env or client_id_file (the connected app's consumer key)");
  if (!s["client_secret_env"] && !s["client_secret_file"])
    r.fail(where,
           "a salesforce sink needs client_secret_env or client_secret_file (the connected app's consumer "
           "secret)");
  require_http_url(r, where + ".base_url", sc.base_url);
  const std::string& v = sc.api_version;
  bool version = v.size() >= 4 && v[0] == 'v' && v.find_first_not_of("0123456789.", 1) == std::string::npos &&
                 v.find('.') != std::string::npos && v.back() != '.';
  if (!version)
    r.fail(where + ".api_version", "expected a REST API version like \"v60.0\", got \"" + v + "\"");
  bool field = !sc.key_field.empty() &&
               sc.key_field.find_first_not_of(
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
  if (!field)
    r.fail(where + ".key_field",
           "expected the API name of the Task's External ID field (letters, digits, _), like Playd_Key__c");
}

// Outreach API v2: an OAuth access token (token_file is re-read when it changes: Outreach's tokens
// expire after about 2 hours and are refreshed outside playd).
void read_outreach(Reader& r, Node s, const std::string& where, sinks::SinkConfig& sc) {
  sc.base_url = "https://api.outreach.io/api/v2";
  read_secret(r, s, where, "token_env", "token_file", sc.token);
  r.string(s["token_file"], where + ".token_file", sc.token_path, false);
  r.string(s["base_url"], where + ".base_url", sc.base_url, false);
  r.get(s["create_prospects"], where + ".create_prospects", sc.create_prospects);
  r.string(s["default_mailbox"], where + ".default_mailbox", sc.default_mailbox, false);
  if (sc.token.empty() && !s["token_env"] && !s["token_file"])
    r.fail(where + ".token_env", "an outreach sink needs an OAuth access token (token_env or token_file)");
  require_http_url(r, where + ".base_url", sc.base_url);
  if (s["default_mailbox"] && sc.default_mailbox.find('@') == std::string::npos)
    r.fail(where + ".default_mailbox",
           "expected the email of an Outreach mailbox, got \"" + sc.default_mailbox + "\"");
}

// REST API v2 with an API key, from the environment or a file.
void read_salesloft(Reader& r, Node s, const std::string& where, sinks::SinkConfig& sc) {
  sc.base_url = "https://api.salesloft.com";
  read_secret(r, s, where, "token_env", "token_file", sc.token);
  r.string(s["base_url"], where + ".base_url", sc.base_url, false);
  r.get(s["create_people"], where + ".create_people", sc.create_people);
  if (sc.token.empty() && !s["token_env"] && !s["token_file"])
    r.fail(where + ".token_env", "a salesloft sink needs an API key (token_env or token_file)");
  require_http_url(r, where + ".base_url", sc.base_url);
}

}  // namespace

void read_sink(Reader& r, Node s, const std::string& name, Config& c) {
  std::string where = "sinks." + name;
  sinks::SinkConfig sc;
  sc.name = name;
  std::string kind = "http";
  std::vector<std::string> names;
  for (const auto& k : kinds()) names.push_back(k.kind);
  r.choice(s["kind"], where + ".kind", kind, names);
  const KindKeys* mine = &kinds()[0];
  for (const auto& k : kinds())
    if (kind == k.kind) mine = &k;
  sc.kind = mine->value;
  r.integer(s["concurrency"], where + ".concurrency", sc.concurrency, 1, 256);
  r.number(s["rate_per_hour"], where + ".rate_per_hour", sc.rate_per_hour, 0);
  r.duration(s["timeout"], where + ".timeout", sc.timeout_ms);
  refuse_other_kinds_keys(r, s, where, *mine);
  switch (sc.kind) {
    case sinks::SinkKind::Http:
      read_http(r, s, where, sc);
      break;
    case sinks::SinkKind::Slack:
      read_slack(r, s, where, sc);
      break;
    case sinks::SinkKind::File:
      read_file(r, s, where, sc);
      break;
    case sinks::SinkKind::HubSpot:
      read_hubspot(r, s, where, sc);
      break;
    case sinks::SinkKind::PagerDuty:
      read_pagerduty(r, s, where, sc);
      break;
    case sinks::SinkKind::Salesforce:
      read_salesforce(r, s, where, sc);
      break;
    case sinks::SinkKind::Outreach:
      read_outreach(r, s, where, sc);
      break;
    case sinks::SinkKind::Salesloft:
      read_salesloft(r, s, where, sc);
      break;
  }
  c.execution.sinks[sc.name] = std::move(sc);
}

}  // namespace play::playd::config_reader
