// Our engine on the benchmark corpus (bench/gen_plays.py): the plays are
// compiled by playc's own pipeline (sema + codegen), the signals decoded once
// (not timed, like the peers' data), then every signal is evaluated against
// every play of its type. Prints one JSON line like the peers' harnesses,
// plus heap allocations per signal on the steady-state path (a second pass
// over already-warm state: contacts exist, ledger keys exist).
//
//   engine_bench CORPUS_DIR [--repeat N] [--only-type T]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "compiler/codegen/codegen.h"
#include "compiler/diag/files.h"
#include "compiler/sema/project.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"

// Counting global allocator: every operator new in the process is counted.
static std::atomic<uint64_t> g_allocs{0};
// GCC 12 flags free() in a replaced operator delete as mismatched with the
// replaced operator new's malloc(); the pair is matched by construction.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

struct Counter : play::engine::OutputSink {
  uint64_t actions = 0, fired = 0, suppressed = 0, deduplicated = 0;
  void action(const play::engine::Action&) override { ++actions; }
  void outcome(const play::engine::Outcome& o) override {
    using play::engine::OutcomeKind;
    fired += o.kind == OutcomeKind::Fired;
    suppressed += o.kind == OutcomeKind::Suppressed;
    deduplicated += o.kind == OutcomeKind::Deduplicated;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: engine_bench CORPUS_DIR [--repeat N] [--only-type T]\n");
    return 2;
  }
  std::string dir = argv[1], only;
  int repeat = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--only-type")) only = argv[i + 1];
  }
  play::sema::Project project;
  play::Diagnostics diags;
  play::vm::Bundle bundle;
  if (!play::sema::load_project({dir + "/plays"}, project, diags) || diags.has_errors() ||
      !play::codegen::generate(project, bundle, diags)) {
    std::fprintf(stderr, "engine_bench: the corpus does not compile\n");
    return 1;
  }
  std::string context_json, signals_text, err;
  if (!play::read_file(dir + "/context.json", context_json, err) ||
      !play::read_file(dir + "/signals.ndjson", signals_text, err)) {
    std::fprintf(stderr, "engine_bench: %s\n", err.c_str());
    return 2;
  }
  play::engine::SignalDecoder decoder(bundle);
  std::vector<play::engine::DecodedSignal> signals;
  std::string_view rest(signals_text);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) continue;
    play::engine::DecodedSignal s;
    if (!decoder.decode(line, s, err)) {
      std::fprintf(stderr, "engine_bench: %s\n", err.c_str());
      return 1;
    }
    if (!only.empty() && s.type_name != only) continue;
    signals.push_back(std::move(s));
  }

  Counter counts;
  double secs = 0;
  for (int r = 0; r <= repeat; ++r) {  // pass 0 is the warm-up
    play::engine::MemoryContext context(bundle);
    play::engine::MemoryLedger ledger;
    if (!play::engine::load_context_json(context_json, bundle, context, err)) {
      std::fprintf(stderr, "engine_bench: %s\n", err.c_str());
      return 1;
    }
    play::engine::Engine engine(bundle, context, ledger);
    Counter c;
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& s : signals) engine.process(s, c);
    if (r > 0) secs += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    counts = c;
  }

  // Steady state: the same signals again over the same (now warm) state.
  play::engine::MemoryContext context(bundle);
  play::engine::MemoryLedger ledger;
  play::engine::load_context_json(context_json, bundle, context, err);
  play::engine::Engine engine(bundle, context, ledger);
  Counter warm;
  for (const auto& s : signals) engine.process(s, warm);
  uint64_t before = g_allocs.load();
  for (const auto& s : signals) engine.process(s, warm);
  uint64_t allocs = g_allocs.load() - before;

  std::printf(
      "{\"impl\":\"playc VM\",\"signals\":%zu,\"repeat\":%d,\"seconds\":%.6f,\"signals_per_s\":%.1f,"
      "\"actions\":%llu,\"fired\":%llu,\"suppressed\":%llu,\"deduplicated\":%llu,\"plays\":%zu,"
      "\"steady_allocs_per_signal\":%.4f}\n",
      signals.size(), repeat, secs, signals.size() * repeat / secs, (unsigned long long)counts.actions,
      (unsigned long long)counts.fired, (unsigned long long)counts.suppressed,
      (unsigned long long)counts.deduplicated, bundle.plays.size(),
      signals.empty() ? 0.0 : double(allocs) / signals.size());
}
