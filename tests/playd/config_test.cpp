// playd's TOML configuration: the Segment mapping and file sinks reach the
// structures ingestion and execution use, and finish_config refuses what
// would silently lose data (a mapping to an undeclared signal type, two
// writers on one file).
#include "apps/playd/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "apps/playd/plays_loader.h"

namespace play::playd {
namespace {

std::string write_toml(const std::string& text) {
  static int n = 0;
  auto path = std::filesystem::temp_directory_path() /
              ("playd_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

const vm::Bundle& plays() {
  static vm::Bundle bundle = [] {
    vm::Bundle b;
    std::string error;
    EXPECT_TRUE(load_plays({std::string(PLAY_REPO) + "/plays"}, b, error)) << error;
    return b;
  }();
  return bundle;
}

TEST(PlaydConfig, TheExampleConfigIsValid) {
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(std::string(PLAY_REPO) + "/examples/playd.toml", c, error)) << error;
  EXPECT_TRUE(finish_config(c, plays(), error)) << error;
  EXPECT_EQ(c.ingest.segment.page_type, "website.page_viewed");
  EXPECT_EQ(c.ingest.segment.max_batch_bytes, 512000u);
}

TEST(PlaydConfig, TheReviewDigestIsRead) {
  Config c;
  std::string error;
  EXPECT_TRUE(c.review_digest_url.empty());  // no [review]: no digest
  EXPECT_EQ(c.review_digest_every_ms, 7 * store::kDayMs);
  ::setenv("PLAYD_CONFIG_TEST_REVIEW_URL", "https://hooks.slack.com/services/T/B/x", 1);
  ASSERT_TRUE(load_config(write_toml("[review]\ndigest_slack_url_env = \"PLAYD_CONFIG_TEST_REVIEW_URL\"\n"
                                     "digest_every = \"1d\"\n"),
                          c, error))
      << error;
  EXPECT_EQ(c.review_digest_url, "https://hooks.slack.com/services/T/B/x");
  EXPECT_EQ(c.review_digest_every_ms, store::kDayMs);
  Config bad;
  EXPECT_FALSE(load_config(write_toml("[review]\ndigest_every = \"1s\"\n"), bad, error));
  EXPECT_NE(error.find("review.digest_every"), std::string::npos) << error;
  EXPECT_FALSE(
      load_config(write_toml("[review]\ndigest_slack_url_env = \"PLAYD_CONFIG_TEST_UNSET\"\n"), bad, error));
  EXPECT_NE(error.find("review.digest_slack_url_env"), std::string::npos) << error;
  EXPECT_FALSE(load_config(write_toml("[review]\ndigest = 1\n"), bad, error));
  EXPECT_NE(error.find("review.digest"), std::string::npos) << error;
}

TEST(PlaydConfig, SegmentMappingIsRead) {
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml(R"(
[segment]
page_type = "website.page_viewed"
max_event_bytes = 16384
[segment.events]
"Pricing Page Viewed" = "website.page_viewed"
"Demo Requested" = "website.form_submitted"
)"),
                          c, error))
      << error;
  EXPECT_EQ(c.ingest.segment.events.size(), 2u);
  EXPECT_EQ(c.ingest.segment.events.at("Pricing Page Viewed"), "website.page_viewed");
  EXPECT_EQ(c.ingest.segment.events.at("Demo Requested"), "website.form_submitted");
  EXPECT_EQ(c.ingest.segment.max_event_bytes, 16384u);
  EXPECT_TRUE(finish_config(c, plays(), error)) << error;
}

TEST(PlaydConfig, SegmentEventMustMapToAString) {
  Config c;
  std::string error;
  EXPECT_FALSE(load_config(write_toml("[segment.events]\n\"Signed Up\" = 3\n"), c, error));
  EXPECT_NE(error.find("segment.events.\"Signed Up\""), std::string::npos) << error;
}

TEST(PlaydConfig, SegmentMappingToAnUndeclaredTypeIsRefused) {
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml("[segment.events]\n\"Demo Booked\" = \"web.demo\"\n"), c, error))
      << error;
  EXPECT_FALSE(finish_config(c, plays(), error));
  EXPECT_NE(error.find("'web.demo' is not a signal type"), std::string::npos) << error;

  Config d;
  ASSERT_TRUE(load_config(write_toml("[segment]\npage_type = \"website.page_view\"\n"), d, error)) << error;
  EXPECT_FALSE(finish_config(d, plays(), error));
  EXPECT_NE(error.find("segment.page_type"), std::string::npos) << error;
}

TEST(PlaydConfig, FileSinksResolveAgainstTheDataDirectory) {
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml(R"(
[sinks.sequencer]
kind = "file"
path = "seq/enrolls.ndjson"
[sinks.review]
kind = "file"
[sinks.audit]
kind = "file"
path = "/var/tmp/audit.ndjson"
)"),
                          c, error))
      << error;
  c.data_dir = "/srv/playd";
  ASSERT_TRUE(finish_config(c, plays(), error)) << error;
  EXPECT_EQ(c.execution.sinks.at("sequencer").kind, sinks::SinkKind::File);
  EXPECT_EQ(c.execution.sinks.at("sequencer").path, "/srv/playd/seq/enrolls.ndjson");
  EXPECT_EQ(c.execution.sinks.at("review").path, "/srv/playd/review.ndjson");  // default: NAME.ndjson
  EXPECT_EQ(c.execution.sinks.at("audit").path, "/var/tmp/audit.ndjson");
}

TEST(PlaydConfig, TwoWritersOnOneFileAreRefused) {
  Config c;
  std::string error;
  ASSERT_TRUE(
      load_config(write_toml("[sinks.review]\nkind = \"file\"\npath = \"outbox.ndjson\"\n"), c, error))
      << error;
  EXPECT_FALSE(finish_config(c, plays(), error));
  EXPECT_NE(error.find("sinks.review.path"), std::string::npos) << error;
}

TEST(PlaydConfig, OnlyFileSinksHaveAPath) {
  Config c;
  std::string error;
  EXPECT_FALSE(load_config(
      write_toml("[sinks.crm]\nkind = \"http\"\nurl = \"http://x/\"\npath = \"a.ndjson\"\n"), c, error));
  EXPECT_NE(error.find("sinks.crm.path"), std::string::npos) << error;
}

TEST(PlaydConfig, SourcePoliciesAndServerLimits) {
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml(R"(
[server]
trust_loopback = false
max_connections = 50
max_inflight_body_bytes = 1048576
max_signal_bytes = 4096
max_id_bytes = 64

[[sources]]
name = "website"
secret = "t1"
signals = ["website.*", "product.usage"]

[[sources]]
name = "segment"
kind = "segment"
secret = "t2"
traits = { accounts = ["industry"], contacts = ["title"] }

[[sources]]
name = "crm"
secret = "t3"
context = true
)"),
                          c, error))
      << error;
  EXPECT_TRUE(finish_config(c, plays(), error)) << error;
  EXPECT_FALSE(c.ingest.trust_loopback);
  EXPECT_EQ(c.max_connections, 50u);
  EXPECT_EQ(c.max_inflight_body_bytes, 1048576u);
  EXPECT_EQ(c.ingest.max_signal_bytes, 4096u);
  EXPECT_EQ(c.ingest.max_id_bytes, 64u);
  ASSERT_EQ(c.ingest.sources.size(), 3u);
  EXPECT_EQ(*c.ingest.sources[0].signals, (std::vector<std::string>{"website.*", "product.usage"}));
  EXPECT_FALSE(c.ingest.sources[0].context);
  EXPECT_FALSE(c.ingest.sources[1].signals.has_value());
  EXPECT_EQ(*c.ingest.sources[1].account_traits, std::vector<std::string>{"industry"});
  EXPECT_EQ(*c.ingest.sources[1].contact_traits, std::vector<std::string>{"title"});
  EXPECT_TRUE(c.ingest.sources[2].context);
}

TEST(PlaydConfig, SourcePolicyMistakesAreErrors) {
  auto loaded = [](const std::string& toml, std::string& error) {
    Config c;
    return load_config(write_toml(toml), c, error) && finish_config(c, plays(), error);
  };
  std::string error;
  EXPECT_FALSE(loaded("[[sources]]\nname = \"w\"\nsecret = \"t\"\nsignals = [\"webiste.*\"]\n", error));
  EXPECT_NE(error.find("'webiste.*' matches no signal type"), std::string::npos) << error;
  EXPECT_FALSE(
      loaded("[[sources]]\nname = \"w\"\nsecret = \"t\"\ntraits = { contacts = [\"titel\"] }\n", error));
  EXPECT_NE(error.find("'titel' is not a field of entity contact"), std::string::npos) << error;
  EXPECT_FALSE(
      loaded("[[sources]]\nname = \"w\"\nsecret = \"t\"\ntraits = { people = [\"title\"] }\n", error));
  EXPECT_NE(error.find("sources[0].traits.people: unknown key (expected one of accounts, contacts)"),
            std::string::npos)
      << error;
  EXPECT_FALSE(loaded("[[sources]]\nname = \"w\"\nsecret = \"t\"\nsignals = \"website.*\"\n", error));
  EXPECT_FALSE(loaded("[[sources]]\nname = \"w\"\nsecret = \"t\"\ntraits = \"title\"\n", error));
  EXPECT_NE(error.find("traits: expected a table"), std::string::npos) << error;
  EXPECT_FALSE(loaded("[[sources]]\nname = \"w\"\nsecret = \"t\"\ncontext = \"yes\"\n", error));
  EXPECT_FALSE(loaded(
      "[[sources]]\nname = \"w\"\nsecret = \"t\"\n[[sources]]\nname = \"w\"\nsecret = \"u\"\n", error));
  EXPECT_NE(error.find("another source is named 'w'"), std::string::npos) << error;
  EXPECT_FALSE(loaded("[server]\ntrust_loopback = false\n", error));
  EXPECT_NE(error.find("needs [[sources]]"), std::string::npos) << error;
  EXPECT_FALSE(loaded("[server]\nmax_connections = 0\n", error));
  EXPECT_NE(error.find("server.max_connections: expected an integer of at least 1, got 0"), std::string::npos)
      << error;
}

TEST(PlaydConfig, DurationsAreCheckedForOverflowAndSign) {
  int64_t ms = 0;
  EXPECT_TRUE(parse_duration_ms("1h30m", ms));
  EXPECT_EQ(ms, 5400000);
  EXPECT_TRUE(parse_duration_ms("250", ms));
  EXPECT_EQ(ms, 250);
  EXPECT_TRUE(parse_duration_ms("106751991167d", ms));  // fits in int64 milliseconds
  for (const char* bad : {"", "-5s", "5 s", "5x", "5m3", "s", "99999999999999999d", "106751991168d",
                          "9223372036854775807ms1ms", "9223372036854775808"})
    EXPECT_FALSE(parse_duration_ms(bad, ms)) << bad;
}

TEST(PlaydConfig, ListenAddresses) {
  std::string host, error;
  uint16_t port = 1;
  ASSERT_TRUE(parse_listen("127.0.0.1:0", host, port, error)) << error;
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(parse_listen("[::1]:65535", host, port, error)) << error;
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 65535);
  ASSERT_TRUE(parse_listen("localhost:8080", host, port, error)) << error;
  EXPECT_EQ(host, "127.0.0.1");
  for (const char* bad : {"host:abc", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:", "127.0.0.1", ":80",
                          "::1:80", "example.com:80", "[::1]", "127.0.0.1:80 ", ""}) {
    error.clear();
    EXPECT_FALSE(parse_listen(bad, host, port, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(PlaydConfig, UnknownKeysAreRefusedWithTheKnownOnes) {
  Config c;
  std::string error;
  EXPECT_FALSE(load_config(write_toml("[execution]\nretry_shedule = [\"1m\"]\n"), c, error));
  EXPECT_NE(error.find("execution.retry_shedule: unknown key (expected one of retry_schedule,"),
            std::string::npos)
      << error;
  Config d;
  EXPECT_FALSE(load_config(write_toml("[sinks.crm]\nurl = \"http://x/\"\n[sinks.crm.headers]\nA = \"b\"\n"),
                           d, error));
  EXPECT_NE(error.find("sinks.crm.headers: unknown key"), std::string::npos) << error;
}

TEST(PlaydConfig, AlertsDefaultsPlayOverridesAndSinks) {
  ::setenv("PLAYD_CONFIG_TEST_PD_KEY", "R0UTING", 1);
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml(R"(
[alerts]
interval = "30s"
volume_drop = "40%"
success_rate = 0.9
latency_from = "occurred"
disabled = ["volume_spike"]
[alerts.plays.demo_request]
volume_drop = 0.2
sla = "10m"
[alert_sinks.oncall]
kind = "pagerduty"
routing_key_env = "PLAYD_CONFIG_TEST_PD_KEY"
[alert_sinks.revops]
kind = "slack"
url = "https://hooks.slack.com/services/T/B/X"
)"),
                          c, error))
      << error;
  EXPECT_EQ(c.alerts.interval_ms, 30000);
  EXPECT_EQ(c.alerts.latency_from, observe::LatencyOrigin::Occurred);
  EXPECT_DOUBLE_EQ(c.alerts.defaults.volume_drop, 0.4);
  EXPECT_DOUBLE_EQ(c.alerts.defaults.success_rate, 0.9);
  EXPECT_FALSE(c.alerts.defaults.enabled("volume_spike"));
  observe::PlayThresholds demo = c.alerts.for_play("demo_request");
  EXPECT_DOUBLE_EQ(demo.volume_drop, 0.2);
  EXPECT_EQ(demo.sla_ms, 600000);
  EXPECT_DOUBLE_EQ(demo.success_rate, 0.9);  // from [alerts]
  ASSERT_EQ(c.alert_sinks.size(), 2u);
  EXPECT_EQ(c.alert_sinks[0].kind, sinks::AlertSinkKind::PagerDuty);
  EXPECT_EQ(c.alert_sinks[0].secret, "R0UTING");
  EXPECT_EQ(c.alert_sinks[1].kind, sinks::AlertSinkKind::Slack);
  EXPECT_TRUE(finish_config(c, plays(), error)) << error;
}

TEST(PlaydConfig, AlertMistakesAreRefusedWithWhere) {
  auto refused = [](const std::string& toml, const std::string& where) {
    Config c;
    std::string error;
    EXPECT_FALSE(load_config(write_toml(toml), c, error)) << toml;
    EXPECT_NE(error.find(where), std::string::npos) << error;
  };
  refused("[alerts]\nvolume_dorp = 0.3\n", "alerts.volume_dorp: unknown key");
  refused("[alerts]\ndisabled = [\"volume\"]\n", "alerts.disabled: expected rule names");
  refused("[alerts]\nsuccess_rate = \"most\"\n", "alerts.success_rate: expected a ratio");
  refused("[alerts.plays.demo_request]\ninterval = \"1m\"\n",
          "alerts.plays.demo_request.interval: unknown key");
  refused("[alert_sinks.x]\nkind = \"pagerduty\"\nrouting_key_env = \"PLAYD_CONFIG_TEST_UNSET\"\n",
          "the environment variable PLAYD_CONFIG_TEST_UNSET is not set");
  refused("[alert_sinks.x]\nkind = \"webhook\"\n", "alert_sinks.x.url: an alert sink needs a url");
  refused("[alert_sinks.x]\nurl = \"https://x\"\n", "alert_sinks.x.kind");

  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml("[alerts.plays.no_such_play]\nvolume_drop = 0.3\n"), c, error)) << error;
  EXPECT_FALSE(finish_config(c, plays(), error));
  EXPECT_NE(error.find("alerts.plays.no_such_play: 'no_such_play' is not a play"), std::string::npos)
      << error;
}

// Issue 10, first slice: Slack's Web API, templated webhooks, the vendors not built yet.
TEST(PlaydConfig, SinkAdaptersAreReadAndCheckedAtStart) {
  ::setenv("PLAYD_CONFIG_TEST_SLACK", "xoxb-config-test", 1);
  ::setenv("PLAYD_CONFIG_TEST_KEY", "k-123", 1);
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml(R"(
[server]
listen = "127.0.0.1:8080"
[sinks.chat]
kind = "slack"
token_env = "PLAYD_CONFIG_TEST_SLACK"
base_url = "http://127.0.0.1:9/api"
blocks = true
[sinks.hook]
kind = "http"
url = "http://x/"
body_template = '{"text": "{action.play}: {action.args.subject}"}'
header_env = {"X-Api-Key" = "PLAYD_CONFIG_TEST_KEY"}
)"),
                          c, error))
      << error;
  ASSERT_TRUE(finish_config(c, plays(), error)) << error;
  const auto& chat = c.execution.sinks.at("chat");
  EXPECT_EQ(chat.token, "xoxb-config-test");
  EXPECT_EQ(chat.base_url, "http://127.0.0.1:9/api");
  EXPECT_TRUE(chat.blocks);
  EXPECT_EQ(chat.dashboard_url, "http://127.0.0.1:8080");
  const auto& hook = c.execution.sinks.at("hook");
  ASSERT_EQ(hook.headers.size(), 1u);
  EXPECT_EQ(hook.headers[0].first, "X-Api-Key");
  EXPECT_EQ(hook.headers[0].second, "k-123");

  auto refused = [](const std::string& toml, const std::string& what) {
    Config c;
    std::string error;
    EXPECT_FALSE(load_config(write_toml(toml), c, error)) << toml;
    EXPECT_NE(error.find(what), std::string::npos) << error;
    EXPECT_EQ(error.find("xoxb-config-test"), std::string::npos) << error;
  };
  refused("[sinks.crm]\nkind = \"hubspot\"\n",
          "sinks.crm.token_env: a hubspot sink needs a private app token (token_env or token_file)");
  refused("[sinks.crm]\nkind = \"hubspot\"\ntoken_env = \"PLAYD_CONFIG_TEST_SLACK\"\nurl = \"http://x/\"\n",
          "sinks.crm.url: a hubspot sink has no url");
  refused("[sinks.chat]\nkind = \"slack\"\nurl = \"http://x/\"\nkey_property = \"k\"\n",
          "sinks.chat.key_property: a slack sink has no key_property (only hubspot sinks have it)");
  {
    Config c;
    std::string error;
    ASSERT_TRUE(load_config(
        write_toml("[sinks.crm]\nkind = \"hubspot\"\ntoken_env = \"PLAYD_CONFIG_TEST_SLACK\"\n"), c, error))
        << error;
    const auto& crm = c.execution.sinks.at("crm");
    EXPECT_EQ(crm.kind, sinks::SinkKind::HubSpot);
    EXPECT_EQ(crm.base_url, "https://api.hubapi.com");
    EXPECT_EQ(crm.key_property, "playd_key");
    EXPECT_EQ(crm.default_sender, "");
    EXPECT_FALSE(crm.token.empty());
  }
  {
    // A sequencer on HubSpot too: enroll's sender when the action has no rep.
    Config c;
    std::string error;
    ASSERT_TRUE(load_config(write_toml("[sinks.sequencer]\nkind = \"hubspot\"\n"
                                       "token_env = \"PLAYD_CONFIG_TEST_SLACK\"\n"
                                       "default_sender = \"sdr@acme.com\"\n"),
                            c, error))
        << error;
    const auto& seq = c.execution.sinks.at("sequencer");
    EXPECT_EQ(seq.kind, sinks::SinkKind::HubSpot);
    EXPECT_EQ(seq.default_sender, "sdr@acme.com");
  }
  refused(
      "[sinks.sequencer]\nkind = \"hubspot\"\ntoken_env = \"PLAYD_CONFIG_TEST_SLACK\"\ndefault_sender = "
      "\"sdr\"\n",
      "sinks.sequencer.default_sender: expected the sender's email (a HubSpot user's)");
  refused(
      "[sinks.sequencer]\nkind = \"hubspot\"\ntoken_env = \"PLAYD_CONFIG_TEST_SLACK\"\ndefault_sender = 3\n",
      "sinks.sequencer.default_sender");
  refused("[sinks.chat]\nkind = \"slack\"\nurl = \"http://x/\"\ndefault_sender = \"a@b.com\"\n",
          "sinks.chat.default_sender: a slack sink has no default_sender (only hubspot sinks have it)");
  refused("[sinks.chat]\nkind = \"slack\"\ntoken_env = \"PLAYD_CONFIG_TEST_UNSET\"\n",
          "sinks.chat.token_env: the environment variable PLAYD_CONFIG_TEST_UNSET is not set");
  refused("[sinks.chat]\nkind = \"slack\"\ntoken_env = \"PLAYD_CONFIG_TEST_SLACK\"\ntoken = \"x\"\n",
          "sinks.chat.token: unknown key");
  refused("[sinks.chat]\nkind = \"slack\"\ntoken_env = \"PLAYD_CONFIG_TEST_SLACK\"\nurl = \"http://x/\"\n",
          "not both");
  refused("[sinks.chat]\nkind = \"slack\"\nurl = \"http://x/\"\nblocks = true\n", "needs a bot token");
  refused("[sinks.chat]\nkind = \"slack\"\n", "a slack sink needs an incoming webhook url, or a bot token");
  refused("[sinks.hook]\nurl = \"http://x/\"\nbody_template = '{\"a\": \"{action.nope}\"}'\n",
          "sinks.hook.body_template: unknown placeholder {action.nope}");
  refused("[sinks.hook]\nurl = \"http://x/\"\nbody_template = '{\"a\": {action.play}}'\n",
          "sinks.hook.body_template: not valid JSON");
  refused("[sinks.hook]\nurl = \"http://x/\"\nheader_env = {\"X-Api-Key\" = \"PLAYD_CONFIG_TEST_UNSET\"}\n",
          "the environment variable PLAYD_CONFIG_TEST_UNSET is not set");
  refused("[sinks.chat]\nkind = \"slack\"\nurl = \"http://x/\"\nbody_template = '{}'\n",
          "sinks.chat.body_template: a slack sink has no body_template (only http sinks have it)");
}

TEST(PlaydConfig, PagerDutySinksAreReadAndCheckedAtStart) {
  ::setenv("PLAYD_CONFIG_TEST_PD_ACTION_KEY", "R0UTING-action-key", 1);
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml(R"(
[server]
listen = "127.0.0.1:8080"
[sinks.oncall]
kind = "pagerduty"
routing_key_env = "PLAYD_CONFIG_TEST_PD_ACTION_KEY"
severity = "critical"
[sinks.eu]
kind = "pagerduty"
routing_key_env = "PLAYD_CONFIG_TEST_PD_ACTION_KEY"
base_url = "https://events.eu.pagerduty.com"
dashboard_url = "https://playd.example"
)"),
                          c, error))
      << error;
  ASSERT_TRUE(finish_config(c, plays(), error)) << error;
  const auto& oncall = c.execution.sinks.at("oncall");
  EXPECT_EQ(oncall.kind, sinks::SinkKind::PagerDuty);
  EXPECT_EQ(oncall.routing_key, "R0UTING-action-key");
  EXPECT_EQ(oncall.base_url, "https://events.pagerduty.com");
  EXPECT_EQ(oncall.severity, "critical");
  EXPECT_EQ(oncall.dashboard_url, "http://127.0.0.1:8080");
  const auto& eu = c.execution.sinks.at("eu");
  EXPECT_EQ(eu.base_url, "https://events.eu.pagerduty.com");
  EXPECT_EQ(eu.severity, "error");
  EXPECT_EQ(eu.dashboard_url, "https://playd.example");

  auto refused = [](const std::string& toml, const std::string& what) {
    Config c;
    std::string error;
    EXPECT_FALSE(load_config(write_toml(toml), c, error)) << toml;
    EXPECT_NE(error.find(what), std::string::npos) << error;
    EXPECT_EQ(error.find("R0UTING-action-key"), std::string::npos) << error;
  };
  refused("[sinks.oncall]\nkind = \"pagerduty\"\nrouting_key_env = \"PLAYD_CONFIG_TEST_UNSET\"\n",
          "sinks.oncall.routing_key_env: the environment variable PLAYD_CONFIG_TEST_UNSET is not set");
  refused("[sinks.oncall]\nkind = \"pagerduty\"\n", "needs routing_key_env or routing_key_file");
  refused(
      "[sinks.oncall]\nkind = \"pagerduty\"\nrouting_key_env = \"PLAYD_CONFIG_TEST_PD_ACTION_KEY\"\n"
      "severity = \"fatal\"\n",
      "sinks.oncall.severity");
  refused(
      "[sinks.oncall]\nkind = \"pagerduty\"\nrouting_key_env = \"PLAYD_CONFIG_TEST_PD_ACTION_KEY\"\n"
      "url = \"http://x/\"\n",
      "sinks.oncall.url: a pagerduty sink has no url (only http and slack sinks have it)");
  refused("[sinks.hook]\nurl = \"http://x/\"\nrouting_key_env = \"PLAYD_CONFIG_TEST_PD_ACTION_KEY\"\n",
          "sinks.hook.routing_key_env: an http sink has no routing_key_env (only pagerduty sinks have it)");
}

TEST(PlaydConfig, SalesforceSinksAreReadAndCheckedAtStart) {
  ::setenv("PLAYD_CONFIG_TEST_SF_ID", "3MVG9-consumer-key", 1);
  ::setenv("PLAYD_CONFIG_TEST_SF_SECRET", "SF-consumer-SECRET", 1);
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml(R"(
[sinks.crm]
kind = "salesforce"
client_id_env = "PLAYD_CONFIG_TEST_SF_ID"
client_secret_env = "PLAYD_CONFIG_TEST_SF_SECRET"
base_url = "https://acme.my.salesforce.com"
[sinks.defaults]
kind = "salesforce"
client_id_env = "PLAYD_CONFIG_TEST_SF_ID"
client_secret_env = "PLAYD_CONFIG_TEST_SF_SECRET"
api_version = "v61.0"
key_field = "Playd_Action_Key__c"
)"),
                          c, error))
      << error;
  const auto& crm = c.execution.sinks.at("crm");
  EXPECT_EQ(crm.kind, sinks::SinkKind::Salesforce);
  EXPECT_EQ(crm.client_id, "3MVG9-consumer-key");
  EXPECT_EQ(crm.client_secret, "SF-consumer-SECRET");
  EXPECT_EQ(crm.base_url, "https://acme.my.salesforce.com");
  EXPECT_EQ(crm.api_version, "v60.0");
  EXPECT_EQ(crm.key_field, "Playd_Key__c");
  const auto& defaults = c.execution.sinks.at("defaults");
  EXPECT_EQ(defaults.base_url, "https://login.salesforce.com");
  EXPECT_EQ(defaults.api_version, "v61.0");
  EXPECT_EQ(defaults.key_field, "Playd_Action_Key__c");

  auto refused = [](const std::string& toml, const std::string& what) {
    Config c;
    std::string error;
    EXPECT_FALSE(load_config(write_toml(toml), c, error)) << toml;
    EXPECT_NE(error.find(what), std::string::npos) << error;
    EXPECT_EQ(error.find("SF-consumer-SECRET"), std::string::npos) << error;
  };
  const std::string ok =
      "[sinks.crm]\nkind = \"salesforce\"\nclient_id_env = \"PLAYD_CONFIG_TEST_SF_ID\"\n"
      "client_secret_env = \"PLAYD_CONFIG_TEST_SF_SECRET\"\n";
  refused("[sinks.crm]\nkind = \"salesforce\"\nclient_id_env = \"PLAYD_CONFIG_TEST_SF_ID\"\n",
          "sinks.crm: a salesforce sink needs client_secret_env or client_secret_file");
  refused("[sinks.crm]\nkind = \"salesforce\"\nclient_secret_env = \"PLAYD_CONFIG_TEST_SF_SECRET\"\n",
          "sinks.crm: a salesforce sink needs client_id_env or client_id_file");
  refused(
      "[sinks.crm]\nkind = \"salesforce\"\nclient_id_env = \"PLAYD_CONFIG_TEST_SF_ID\"\n"
      "client_secret_env = \"PLAYD_CONFIG_TEST_UNSET\"\n",
      "sinks.crm.client_secret_env: the environment variable PLAYD_CONFIG_TEST_UNSET is not set");
  refused(
      "[sinks.crm]\nkind = \"salesforce\"\nclient_id_env = \"PLAYD_CONFIG_TEST_SF_ID\"\n"
      "client_secret_file = \"/nonexistent/sf-secret\"\n",
      "sinks.crm.client_secret_file: cannot read a secret from /nonexistent/sf-secret");
  refused(ok + "client_secret = \"inline\"\n", "sinks.crm.client_secret: unknown key");
  refused(ok + "key_property = \"k\"\n",
          "sinks.crm.key_property: a salesforce sink has no key_property (only hubspot sinks have it)");
  refused(ok + "base_url = \"acme.my.salesforce.com\"\n",
          "sinks.crm.base_url: expected an http:// or https:// URL, got \"acme.my.salesforce.com\"");
  refused(ok + "api_version = \"60\"\n", "sinks.crm.api_version: expected a REST API version like \"v60.0\"");
  refused(ok + "key_field = \"Playd Key\"\n", "sinks.crm.key_field: expected the API name");
  refused("[sinks.hook]\nurl = \"http://x/\"\nkey_field = \"K__c\"\n",
          "sinks.hook.key_field: an http sink has no key_field (only salesforce sinks have it)");
}

}  // namespace
TEST(PlaydConfig, OutreachSinksAreReadAndCheckedAtStart) {
  ::setenv("PLAYD_CONFIG_TEST_OUTREACH_TOKEN", "outreach-config-test-token", 1);
  auto token_file = std::filesystem::temp_directory_path() /
                    ("playd_config_test_outreach_" + std::to_string(::getpid()) + ".token");
  std::ofstream(token_file) << "outreach-file-token\n";
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml(R"(
[sinks.sequencer]
kind = "outreach"
token_env = "PLAYD_CONFIG_TEST_OUTREACH_TOKEN"
[sinks.eu]
kind = "outreach"
token_file = ")" + token_file.string() +
                                     R"("
base_url = "http://127.0.0.1:9/api/v2"
create_prospects = true
default_mailbox = "sdr@acme.com"
)"),
                          c, error))
      << error;
  const auto& seq = c.execution.sinks.at("sequencer");
  EXPECT_EQ(seq.kind, sinks::SinkKind::Outreach);
  EXPECT_EQ(std::string(sinks::sink_kind_name(seq.kind)), "outreach");
  EXPECT_EQ(seq.token, "outreach-config-test-token");
  EXPECT_EQ(seq.base_url, "https://api.outreach.io/api/v2");
  EXPECT_FALSE(seq.create_prospects);
  EXPECT_EQ(seq.default_mailbox, "");
  EXPECT_EQ(seq.token_path, "");
  const auto& eu = c.execution.sinks.at("eu");
  EXPECT_EQ(eu.token, "outreach-file-token");
  EXPECT_EQ(eu.token_path, token_file.string());
  EXPECT_EQ(eu.base_url, "http://127.0.0.1:9/api/v2");
  EXPECT_TRUE(eu.create_prospects);
  EXPECT_EQ(eu.default_mailbox, "sdr@acme.com");

  auto refused = [](const std::string& toml, const std::string& what) {
    Config c;
    std::string error;
    EXPECT_FALSE(load_config(write_toml(toml), c, error)) << toml;
    EXPECT_NE(error.find(what), std::string::npos) << error;
    EXPECT_EQ(error.find("outreach-config-test-token"), std::string::npos) << error;
  };
  const std::string head = "[sinks.sequencer]\nkind = \"outreach\"\n";
  const std::string token = "token_env = \"PLAYD_CONFIG_TEST_OUTREACH_TOKEN\"\n";
  refused(
      head,
      "sinks.sequencer.token_env: an outreach sink needs an OAuth access token (token_env or token_file)");
  refused(head + "token_env = \"PLAYD_CONFIG_TEST_UNSET\"\n",
          "sinks.sequencer.token_env: the environment variable PLAYD_CONFIG_TEST_UNSET is not set");
  refused(head + "token_file = \"/nonexistent/outreach.token\"\n",
          "sinks.sequencer.token_file: cannot read a secret from /nonexistent/outreach.token");
  refused(head + token + "token = \"x\"\n", "sinks.sequencer.token: unknown key");
  refused(head + token + "base_url = \"api.outreach.io\"\n",
          "sinks.sequencer.base_url: expected an http:// or https:// URL, got \"api.outreach.io\"");
  refused(head + token + "create_prospects = \"yes\"\n", "sinks.sequencer.create_prospects");
  refused(head + token + "default_mailbox = \"sdr\"\n",
          "sinks.sequencer.default_mailbox: expected the email of an Outreach mailbox, got \"sdr\"");
  refused(head + token + "key_property = \"k\"\n",
          "sinks.sequencer.key_property: an outreach sink has no key_property (only hubspot sinks have it)");
  refused("[sinks.crm]\nkind = \"hubspot\"\n" + token + "create_prospects = true\n",
          "sinks.crm.create_prospects: a hubspot sink has no create_prospects (only outreach sinks have it)");
  std::filesystem::remove(token_file);
}

TEST(PlaydConfig, SalesloftSinksAreReadAndCheckedAtStart) {
  ::setenv("PLAYD_CONFIG_TEST_SALESLOFT_KEY", "ak_0123456789abcdef-salesloft", 1);
  std::string key_file = write_toml("ak_from_a_file_0123\n");
  Config c;
  std::string error;
  ASSERT_TRUE(load_config(write_toml(R"(
[sinks.sequencer]
kind = "salesloft"
token_env = "PLAYD_CONFIG_TEST_SALESLOFT_KEY"
[sinks.sandbox]
kind = "salesloft"
token_file = ")" + key_file + R"("
base_url = "http://127.0.0.1:9999/"
create_people = true
)"),
                          c, error))
      << error;
  const auto& seq = c.execution.sinks.at("sequencer");
  EXPECT_EQ(seq.kind, sinks::SinkKind::Salesloft);
  EXPECT_EQ(seq.token, "ak_0123456789abcdef-salesloft");
  EXPECT_EQ(seq.base_url, "https://api.salesloft.com");
  EXPECT_FALSE(seq.create_people);
  const auto& sandbox = c.execution.sinks.at("sandbox");
  EXPECT_EQ(sandbox.token, "ak_from_a_file_0123");
  EXPECT_EQ(sandbox.base_url, "http://127.0.0.1:9999/");
  EXPECT_TRUE(sandbox.create_people);

  auto refused = [](const std::string& toml, const std::string& what) {
    Config c;
    std::string error;
    EXPECT_FALSE(load_config(write_toml(toml), c, error)) << toml;
    EXPECT_NE(error.find(what), std::string::npos) << error;
    EXPECT_EQ(error.find("ak_0123456789abcdef-salesloft"), std::string::npos) << error;
  };
  refused("[sinks.sequencer]\nkind = \"salesloft\"\n",
          "sinks.sequencer.token_env: a salesloft sink needs an API key (token_env or token_file)");
  refused("[sinks.sequencer]\nkind = \"salesloft\"\ntoken_env = \"PLAYD_CONFIG_TEST_UNSET\"\n",
          "sinks.sequencer.token_env: the environment variable PLAYD_CONFIG_TEST_UNSET is not set");
  refused(
      "[sinks.sequencer]\nkind = \"salesloft\"\ntoken_env = \"PLAYD_CONFIG_TEST_SALESLOFT_KEY\"\n"
      "base_url = \"api.salesloft.com\"\n",
      "sinks.sequencer.base_url: expected an http:// or https:// URL");
  refused(
      "[sinks.sequencer]\nkind = \"salesloft\"\ntoken_env = \"PLAYD_CONFIG_TEST_SALESLOFT_KEY\"\n"
      "create_people = \"yes\"\n",
      "sinks.sequencer.create_people");
  refused(
      "[sinks.sequencer]\nkind = \"salesloft\"\ntoken_env = \"PLAYD_CONFIG_TEST_SALESLOFT_KEY\"\n"
      "api_key = \"ak_0123456789abcdef-salesloft\"\n",
      "sinks.sequencer.api_key: unknown key");
  refused(
      "[sinks.sequencer]\nkind = \"salesloft\"\ntoken_env = \"PLAYD_CONFIG_TEST_SALESLOFT_KEY\"\n"
      "key_property = \"k\"\n",
      "sinks.sequencer.key_property: a salesloft sink has no key_property (only hubspot sinks have it)");
  refused(
      "[sinks.crm]\nkind = \"hubspot\"\ntoken_env = \"PLAYD_CONFIG_TEST_SALESLOFT_KEY\"\ncreate_people = "
      "true\n",
      "sinks.crm.create_people: a hubspot sink has no create_people (only salesloft sinks have it)");
}

}  // namespace play::playd
