// /metrics text and the trace JSON, over a real (temporary) store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "runtime/observe/metrics.h"
#include "runtime/observe/trace.h"
#include "runtime/store/store.h"

namespace play::observe {
namespace {

struct TempStore {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("observe_test_" + std::to_string(::getpid()))).string();
  std::unique_ptr<store::Store> store;
  TempStore() {
    std::filesystem::remove_all(dir);
    std::string error;
    store = store::open_store(dir, store::StoreOptions{}, error);
    EXPECT_TRUE(store) << error;
  }
  ~TempStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  // One signal "evt_1", evaluated: play p fired (one action k1, sent after a
  // retry), play q suppressed.
  void one_evaluated_signal() {
    store::IncomingSignal in{"evt_1", "website.page_viewed", 5000, 4000, R"({"id":"evt_1"})"};
    store->enqueue_signals({in});
    std::vector<store::QueuedSignal> taken;
    store->take_signals(10, taken, 100);
    store::Evaluation ev;
    ev.play_set = "3db5c418";
    store::ActionRecord a;
    a.key = "k1";
    a.play = "p";
    a.action = "notify";
    a.sink = "chat";
    a.line = "{}";
    ev.signals.push_back({taken[0].seq,
                          "evt_1",
                          {{"p", "fired", "", "", "", false},
                           {"q", "suppressed", "do \"not\" contact", "a.play:3:3", "", false}},
                          {a},
                          taken[0].type});
    store->commit_evaluation(ev);
    store->done_signals(taken);
    store->record_attempts({{"k1", 1, 6000, "retry", "retrying", 503, "busy", "HTTP 503: busy", 7000}});
    store->record_attempts({{"k1", 2, 7000, "sent", "sent", 200, "ok", "", 7000}});
  }
};

TEST(Trace, SaysWhatBecameOfASignal) {
  TempStore t;
  t.one_evaluated_signal();
  std::string out;
  ASSERT_TRUE(trace_json(*t.store, "evt_1", out));
  // evaluated_at_ms is the commit's clock: cut it out before comparing.
  size_t at = out.find(R"("evaluated_at_ms":)");
  ASSERT_NE(at, std::string::npos);
  out.erase(at, out.find(',', at) - at + 1);
  EXPECT_EQ(
      out,
      R"({"signal":"evt_1","status":"evaluated","lane":"normal","received_at_ms":5000,)"
      R"("play_set":"3db5c418","plays":[)"
      R"({"play":"p","outcome":"fired","shadow":false,"actions":[{"key":"k1","action":"notify","sink":"chat",)"
      R"("status":"sent","attempts":[{"n":1,"at_ms":6000,"result":"retry","http_status":503,"detail":"busy"},)"
      R"({"n":2,"at_ms":7000,"result":"sent","http_status":200,"detail":"ok"}]}]},)"
      R"({"play":"q","outcome":"suppressed","reason":"do \"not\" contact","clause":"a.play:3:3","shadow":false,)"
      R"("actions":[]}]})");
  EXPECT_FALSE(trace_json(*t.store, "evt_404", out));
}

TEST(Trace, AQueuedSignalSaysSo) {
  TempStore t;
  t.store->enqueue_signals({{"evt_q", "x", 1, 1, "{}"}});
  std::string out;
  ASSERT_TRUE(trace_json(*t.store, "evt_q", out));
  EXPECT_NE(out.find(R"("status":"queued")"), std::string::npos) << out;
  EXPECT_EQ(out.find("evaluated_at_ms"), std::string::npos) << out;
}

TEST(Metrics, RenderTheCountersGaugesAndHistogramsInPrometheusText) {
  TempStore t;
  t.one_evaluated_signal();
  Metrics m;
  m.outcome("p", "fired", "");
  m.outcome("q", "suppressed", "do \"not\" contact\nnow");
  m.action_result("chat", "sent");
  m.delivered("chat", 7000, 4000, 5000);
  m.set_backlog_source([] { return std::vector<Metrics::SinkBacklog>{{"chat", 2, 1}}; });
  std::string text = m.render(*t.store);
  for (const char* line : {
           "# TYPE playd_play_outcomes_total counter",
           R"(playd_play_outcomes_total{play="p",outcome="fired"} 1)",
           R"(playd_play_outcomes_total{play="q",outcome="suppressed",reason="do \"not\" contact\nnow"} 1)",
           R"(playd_actions_total{sink="chat",result="sent"} 1)",
           "playd_signals_received_total 1",
           R"(playd_queue_depth{lane="high"} 0)",
           "playd_dlq_size 0",
           "playd_actions_pending 0",
           "playd_store_degraded 0",
           R"(playd_store_state{state="ok"} 1)",
           R"(playd_outbox_depth{sink="chat"} 2)",
           R"(playd_signal_to_action_seconds_from_occurred_bucket{le="5"} 1)",
           R"(playd_signal_to_action_seconds_from_occurred_bucket{le="2.5"} 0)",
           R"(playd_signal_to_action_seconds_from_occurred_bucket{le="+Inf"} 1)",
           "playd_signal_to_action_seconds_from_occurred_count 1",
       })
    EXPECT_NE(text.find(std::string(line) + "\n"), std::string::npos) << "missing: " << line << "\n" << text;
  // Every family has its HELP and TYPE once.
  for (size_t p = 0; (p = text.find("# TYPE ", p)) != std::string::npos; ++p) {
    std::string name = text.substr(p + 7, text.find(' ', p + 7) - p - 7);
    EXPECT_EQ(text.find("# TYPE " + name + " ", p + 1), std::string::npos) << name;
    EXPECT_NE(text.find("# HELP " + name + " "), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace play::observe
