// `playc run`: offline evaluation (backtest). Signals are read as NDJSON in
// file order and go through the same engine playd runs (backtest.h); actions
// (and, with --trace, outcomes) are written as NDJSON on stdout, and a
// summary on stderr: signals, actions, outcomes by kind, and runtime errors
// -- which are otherwise visible only with --trace, so a play whose `let`
// fails on every signal would look like a play that never matched.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "apps/playc/backtest.h"
#include "apps/playc/commands.h"
#include "common/time/time.h"
#include "runtime/engine/render.h"
#include "runtime/jit/factory.h"

namespace play::playc {

namespace {

// Counts what passes through to the NDJSON sink.
class Summary : public engine::OutputSink {
 public:
  Summary(const vm::Bundle& bundle, engine::OutputSink& inner) : bundle_(bundle), inner_(inner) {}
  void action(const engine::Action& a) override {
    ++actions;
    inner_.action(a);
  }
  void outcome(const engine::Outcome& o) override {
    ++outcomes[size_t(o.kind)];
    if (o.kind == engine::OutcomeKind::Error) {
      ++errors_by_play[std::string(o.play)];
      if (first_error.empty())
        first_error = std::string(o.play) + " on signal " + std::string(o.signal) + " at " +
                      engine::format_pos(bundle_, o.error_pos.line ? o.error_pos : o.clause_pos) + ": " +
                      std::string(o.error);
    }
    inner_.outcome(o);
  }
  bool wants_progress() const override { return inner_.wants_progress(); }
  bool wants_no_match() const override { return inner_.wants_no_match(); }

  size_t actions = 0;
  size_t outcomes[size_t(engine::OutcomeKind::kCount)] = {};
  std::map<std::string, size_t> errors_by_play;
  std::string first_error;

 private:
  const vm::Bundle& bundle_;
  engine::OutputSink& inner_;
};

std::string plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void print_summary(const Summary& s, const BacktestResult& r) {
  size_t signals = r.signals, late = r.late;
  std::string line = "playc run: " + plural(signals, "signal", "signals") + ", " +
                     plural(s.actions, "action", "actions") + "; outcomes:";
  bool any = false;
  for (size_t k = 0; k < size_t(engine::OutcomeKind::kCount); ++k) {
    // NoMatch from the engine's count: the sink takes them only with --trace.
    size_t n = engine::OutcomeKind(k) == engine::OutcomeKind::NoMatch ? r.no_match : s.outcomes[k];
    if (n) {
      line += std::string(any ? ", " : " ") + engine::outcome_name(engine::OutcomeKind(k)) + " " +
              std::to_string(n);
      any = true;
    }
  }
  if (!any) line += " none";
  if (late) line += "; " + plural(late, "late signal", "late signals") + " not counted by temporal triggers";
  if (r.absences) line += "; " + plural(r.absences, "absence", "absences") + " fired";
  if (r.rates) line += "; " + plural(r.rates, "rate bucket", "rate buckets") + " fired";
  std::fprintf(stderr, "%s\n", line.c_str());
  if (r.windows)
    std::fprintf(stderr, "playc run: temporal triggers hold %s, %zu bytes (%zu per window)\n",
                 plural(r.windows, "window", "windows").c_str(), r.window_bytes, r.window_bytes / r.windows);
  size_t errors = s.outcomes[size_t(engine::OutcomeKind::Error)];
  if (!errors) return;
  std::fprintf(stderr, "playc run: %s in %s; first: %s\n",
               plural(errors, "runtime error", "runtime errors").c_str(),
               plural(s.errors_by_play.size(), "play", "plays").c_str(), s.first_error.c_str());
  for (const auto& [play, n] : s.errors_by_play)
    std::fprintf(stderr, "  %s: %s\n", play.c_str(), plural(n, "error", "errors").c_str());
  std::fprintf(stderr, "  (--trace shows each as an outcome line with the failing expression)\n");
}

}  // namespace

int run_run(const RunOptions& o) {
  BacktestInput in{o.signals, o.context, "playc run"};
  if (!parse_duration(o.dedup_ttl, in.dedup_ttl_ms) || in.dedup_ttl_ms < 0) {
    std::fprintf(stderr, "playc run: --dedup-ttl: '%s' is not a duration (e.g. 30d, 12h, 0s)\n",
                 o.dedup_ttl.c_str());
    return 2;
  }
  if (!o.until.empty() && !parse_timestamp(o.until, in.until_ms)) {
    std::fprintf(stderr, "playc run: --until '%s' is not an RFC 3339 time (e.g. 2026-07-01T00:00:00Z)\n",
                 o.until.c_str());
    return 2;
  }
  vm::Bundle bundle;
  if (int rc = report_load(loader::load(o.paths, bundle))) return rc;
  in.exits_after = true;  // run() is the whole process
  std::unique_ptr<engine::ProgramRunner> runner;
  if (!o.jit.empty()) {
    std::string err;
    jit::Options options;
    options.mode = o.jit == "eager" ? jit::Mode::Eager : jit::Mode::Background;
    if (!(runner = jit::make_runner(bundle, options, err))) {
      std::fprintf(stderr, "playc run: --jit: %s\n", err.c_str());
      return 2;
    }
    in.runner = runner.get();
  }

  std::string out;
  engine::NdjsonSink ndjson(bundle, out, o.trace);
  Summary summary(bundle, ndjson);
  // On a terminal, a long run says how far it got (about once a second).
  bool progress = isatty(STDERR_FILENO);
  bool shown = false;
  size_t seen = 0;
  auto last = std::chrono::steady_clock::now();
  BacktestResult r = backtest(bundle, in, summary, [&] {
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
    if (progress && (++seen & 4095) == 0) {
      auto now = std::chrono::steady_clock::now();
      if (now - last >= std::chrono::seconds(1)) {
        last = now;
        shown = true;
        std::fprintf(stderr, "\rplayc run: %zu signals, %zu actions...", seen, summary.actions);
      }
    }
  });
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (shown) std::fprintf(stderr, "\r\033[K");
  if (r.rc) return r.rc;
  print_summary(summary, r);
  if (runner) std::fprintf(stderr, "%s\n", jit::summary(*runner).c_str());
  if (r.skipped) {
    std::fprintf(stderr, "%zu signal line%s skipped\n", r.skipped, r.skipped == 1 ? "" : "s");
    return 1;
  }
  if (o.fail_on_error && summary.outcomes[size_t(engine::OutcomeKind::Error)]) return 1;
  return 0;
}

}  // namespace play::playc
