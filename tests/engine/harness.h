// Runs signals (JSON envelopes) through an Engine over in-memory stores and
// collects the rendered output lines.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/engine/render.h"
#include "runtime/engine/signal.h"
#include "tests/engine/builder.h"

namespace play::engine::testing {

class LineSink : public OutputSink {
 public:
  explicit LineSink(const vm::Bundle& b) : bundle_(b) {}
  void action(const Action& a) override {
    std::string s;
    render_action(a, s);
    lines.push_back(s);
    actions.push_back(s);
    mrkdwn.emplace_back(a.mrkdwn_text);
  }
  void outcome(const Outcome& o) override {
    std::string s;
    render_outcome(o, bundle_, s);
    lines.push_back(s);
    outcomes.push_back(s);
  }
  std::vector<std::string> lines, actions, outcomes;
  std::vector<std::string> mrkdwn;  // per action: Action::mrkdwn_text

 private:
  const vm::Bundle& bundle_;
};

struct Harness {
  vm::Bundle bundle;
  std::unique_ptr<MemoryContext> context;
  MemoryLedger ledger;
  MemorySeenSignals seen;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<SignalDecoder> decoder;
  DecodedSignal signal;

  Harness(Harness&&) = delete;  // the engine holds references to the members
  explicit Harness(vm::Bundle b) : bundle(std::move(b)) {
    std::string err = vm::verify_bundle(bundle);
    EXPECT_EQ(err, "");
    context = std::make_unique<MemoryContext>(bundle);
    engine = std::make_unique<Engine>(bundle, *context, ledger, &seen);
    decoder = std::make_unique<SignalDecoder>(bundle);
  }

  void load_context(const std::string& json) {
    std::string err;
    ASSERT_TRUE(load_context_json(json, bundle, *context, err)) << err;
  }

  // Processes one envelope; returns every line it produced (actions and outcomes, in order).
  std::vector<std::string> send(const std::string& json) {
    std::string err;
    bool ok = decoder->decode(json, signal, err);
    EXPECT_TRUE(ok) << err << "\n  in: " << json;
    if (!ok) return {};
    LineSink sink(bundle);
    engine->process(signal, sink);
    last_mrkdwn = sink.mrkdwn;
    return sink.lines;
  }
  std::vector<std::string> last_mrkdwn;  // of the last send()
};

// An envelope for a page view.
inline std::string page_view(const std::string& id, const std::string& at, const std::string& contact,
                             const std::string& category = "pricing", const std::string& account = "") {
  std::string s = R"({"id":")" + id + R"(","type":"website.page_viewed","occurred_at":")" + at + "\"";
  if (!contact.empty()) s += R"(,"contact":")" + contact + "\"";
  if (!account.empty()) s += R"(,"account":")" + account + "\"";
  s += R"(,"properties":{"url":"https://acme.com/pricing","category":")" + category + "\"}}";
  return s;
}

inline std::string outcome_line(const std::string& play, const std::string& signal,
                                const std::string& outcome, const std::string& extra = "") {
  return R"({"kind":"outcome","play":")" + play + R"(","signal":")" + signal + R"(","outcome":")" + outcome +
         "\"" + extra + "}";
}

}  // namespace play::engine::testing
