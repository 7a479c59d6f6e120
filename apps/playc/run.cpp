// `playc run`: offline evaluation (backtest). Signals are read as NDJSON in
// file order and go through the same engine playd runs; actions (and, with
// --trace, outcomes) are written as NDJSON on stdout.
#include <cstdio>
#include <string>

#include "apps/playc/commands.h"
#include "compiler/diag/files.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/engine/render.h"

namespace play::playc {

int run_run(const RunOptions& o) {
  vm::Bundle bundle;
  if (int rc = report_load(loader::load(o.paths, bundle))) return rc;

  engine::MemoryContext context(bundle);
  engine::MemoryLedger ledger;
  engine::MemorySeenSignals seen;
  std::string text, err;
  if (!o.context.empty()) {
    if (!read_file(o.context, text, err)) {
      std::fprintf(stderr, "playc run: cannot read '%s': %s\n", o.context.c_str(), err.c_str());
      return 2;
    }
    if (!engine::load_context_json(text, bundle, context, err)) {
      std::fprintf(stderr, "%s: error: %s\n", o.context.c_str(), err.c_str());
      return 1;
    }
  }
  std::string signals;
  if (!read_file(o.signals, signals, err)) {
    std::fprintf(stderr, "playc run: cannot read '%s': %s\n", o.signals.c_str(), err.c_str());
    return 2;
  }

  engine::Engine eng(bundle, context, ledger, &seen);
  engine::SignalDecoder decoder(bundle);
  engine::DecodedSignal signal;
  std::string out;
  engine::NdjsonSink sink(bundle, out, o.trace);
  size_t bad = 0, line_no = 0;
  std::string_view rest(signals);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (!decoder.decode(line, signal, err)) {
      std::fprintf(stderr, "%s:%zu: error: %s; line skipped\n", o.signals.c_str(), line_no, err.c_str());
      ++bad;
      continue;
    }
    eng.process(signal, sink);
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (bad) {
    std::fprintf(stderr, "%zu signal line%s skipped\n", bad, bad == 1 ? "" : "s");
    return 1;
  }
  return 0;
}

}  // namespace play::playc
