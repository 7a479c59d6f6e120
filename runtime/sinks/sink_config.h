// Execution settings: the sinks by name and how failed sends are retried.
// Filled from playd's TOML config (apps/playd/config.h); the defaults
// are the ones RUNTIME.md states.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace play::sinks {

enum class SinkKind : uint8_t {
  File,        // append the action line to `path` (the default outbox: DIR/outbox.ndjson)
  Http,        // POST the action line (JSON) to `url`
  Slack,       // an incoming webhook `url`, or Slack's Web API chat.postMessage with a bot token
  HubSpot,     // HubSpot's CRM v3 API with a private app token: `task` actions become CRM tasks
  PagerDuty,   // PagerDuty Events API v2: POST base_url/v2/enqueue, the action key as dedup_key
  Salesforce,  // Salesforce REST API, OAuth 2.0 client credentials: `task` actions become Task sObjects
  Outreach,   // Outreach API v2 (JSON:API) with an OAuth access token: `enroll` actions become sequenceStates
  Salesloft,  // Salesloft REST API v2 with an API key: `enroll` actions become cadence memberships
};

struct SinkConfig {
  std::string name;  // sequencer, crm, chat, review, or a webhook name
  SinkKind kind = SinkKind::File;
  std::string url;
  std::string path;  // File: the file appended to (absolute; playd resolves relative paths against DATA)
  std::string bearer_token;    // sent as Authorization: Bearer ... when set
  std::string signing_secret;  // Standard Webhooks secret ("whsec_<base64>" or raw); no signature when empty
  // Parallel requests (HTTP kinds). Each worker waits for its attempt to be
  // durably recorded before its next send (that bounds what a crash can
  // resend to one action per worker), so a sink's throughput is about
  // concurrency / (round trip + commit); bench/README.md measured 4 workers
  // falling behind at 2,500 actions/s on a busy 2-core machine, 16 not.
  int concurrency = 16;
  double rate_per_hour = 0;  // request budget shared by all plays; 0 = unlimited
  int64_t timeout_ms = 10000;
  // Http: the body as a template over the action (adapter.h); "" posts the action line.
  std::string body_template;
  // Http: extra headers, values read from the environment at start (secrets: never logged).
  std::vector<std::pair<std::string, std::string>> headers;
  // Slack: a bot token (token_env / token_file; never logged) selects chat.postMessage at
  // `base_url` instead of the incoming webhook `url`.
  std::string token;
  std::string base_url = "https://slack.com/api";
  std::string channel;                 // Slack API: for actions without a `channel` argument
  bool blocks = false;                 // Slack API: Block Kit with links to the dashboard
  std::string dashboard_url;           // the links' base ("" no links)
  bool dashboard_from_listen = false;  // dashboard_url not configured: playd fills in its own address
  // HubSpot: the custom task property holding playd's idempotency key (searched before each create).
  std::string key_property = "playd_key";
  // HubSpot: `enroll` actions become Sequences v4 enrollments; default_sender is the sender's
  // email for those without a `rep` argument ("" -> those go to the DLQ).
  std::string default_sender;
  // PagerDuty: the integration's routing key (routing_key_env / routing_key_file; never logged) and
  // the events' severity (critical, error, warning or info). base_url defaults to
  // https://events.pagerduty.com for this kind (playd's config sets it).
  std::string routing_key;
  std::string severity = "error";
  // Salesforce: the connected (or external client) app's consumer key and secret (client_id_env /
  // client_id_file, client_secret_env / client_secret_file; never logged), the REST API version,
  // and the Task's custom External ID field holding playd's idempotency key (the upsert's key).
  // base_url (the token endpoint's host: the org's My Domain URL) defaults to
  // https://login.salesforce.com for this kind (playd's config sets it).
  std::string client_id;
  std::string client_secret;
  std::string api_version = "v60.0";
  std::string key_field = "Playd_Key__c";
  // Outreach: create a prospect not found by the contact's email (else the DLQ), the mailbox (an
  // email) enrolling when the action has no `rep`, and token_file's path (re-read when the file
  // changes: Outreach access tokens expire after about 2 hours and are refreshed outside playd).
  bool create_prospects = false;
  std::string default_mailbox;
  std::string token_path;
  // Salesloft: an enroll whose contact is not a Salesloft person creates the person (email only)
  // instead of going to the DLQ. The API key is `token` (token_env / token_file; never logged).
  bool create_people = false;
};

struct ExecutionOptions {
  std::map<std::string, SinkConfig> sinks;  // by name; a name not here goes to `fallback`
  std::string fallback = "outbox";          // a sink name in `sinks`, or "outbox": the file outbox
  // Delay before retry n (1-based) is retry_schedule_ms[min(n, size) - 1]:
  // the last entry repeats. Retry-After, when longer, wins.
  std::vector<int64_t> retry_schedule_ms = {60000, 300000, 1800000};
  int max_attempts = 50;                           // then to the DLQ ("gave up after N attempts")
  int64_t undelivered_alert_ms = 2 * 3600 * 1000;  // flag (metric + log) actions undelivered this long
  // A sink's Retry-After is honoured up to this long (a hostile or broken
  // sink asking for 100000000 s must not park an action for years).
  int64_t max_retry_after_ms = 3600 * 1000;
  // Actions waiting for their sinks (in memory, all sinks) above which
  // qualification pauses and ingestion answers 503. 0: no limit.
  size_t max_pending_actions = 100000;
};

// "file", "http", "slack", "hubspot", "pagerduty", "salesforce", "outreach", "salesloft"
const char* sink_kind_name(SinkKind k);

}  // namespace play::sinks
