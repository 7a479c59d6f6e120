// `playc run`: offline evaluation (backtest). Signals are read as NDJSON in
// file order and go through the same engine playd runs (backtest.h); actions
// (and, with --trace, outcomes) are written as NDJSON on stdout.
#include <cstdio>
#include <string>

#include "apps/playc/backtest.h"
#include "apps/playc/commands.h"
#include "runtime/engine/render.h"

namespace play::playc {

int run_run(const RunOptions& o) {
  vm::Bundle bundle;
  if (int rc = report_load(loader::load(o.paths, bundle))) return rc;

  std::string out;
  engine::NdjsonSink sink(bundle, out, o.trace);
  BacktestResult r = backtest(bundle, {o.signals, o.context, "playc run"}, sink, [&] {
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  });
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (r.rc) return r.rc;
  if (r.skipped) {
    std::fprintf(stderr, "%zu signal line%s skipped\n", r.skipped, r.skipped == 1 ? "" : "s");
    return 1;
  }
  return 0;
}

}  // namespace play::playc
