// Where the time of one analysis goes (bench/README.md, `playc lsp`): for
// the .play files under DIR, the mean time of parsing them all, of a whole
// snapshot without the parse cache (stdlib + parse + check + sorting the
// diagnostics), and of one through the cache after an edit to one file (what
// the server does), over N runs after a warm-up (ANTLR's DFA cache is warm in
// a long-lived server).
//
//     build/bench/lsp_snapshot_bench DIR [N]
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "apps/playc/lsp/snapshot.h"
#include "compiler/diag/files.h"
#include "compiler/syntax/parse.h"

using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lsp_snapshot_bench DIR [N]\n");
    return 2;
  }
  int n = argc > 2 ? std::stoi(argv[2]) : 50;
  std::vector<std::string> paths;
  play::Diagnostics diags;
  play::expand_play_paths({argv[1]}, paths, diags);
  std::vector<play::sema::SourceText> files;
  for (const auto& p : paths) {
    std::string text, err;
    if (play::read_file(p, text, err)) files.push_back({p, text});
  }
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  play::lsp::Snapshot warm(files);
  play::lsp::ParseCache cache;
  play::lsp::Snapshot primed(files, &cache);
  Clock::duration parse{}, whole{}, cached{};
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    play::SourceSet sources;
    play::Diagnostics d;
    for (const auto& f : files) play::syntax::parse_file(sources, sources.add(f.path, f.text), d);
    auto t1 = Clock::now();
    play::lsp::Snapshot s(files);
    auto t2 = Clock::now();
    files[i % files.size()].text += " ";  // an edit: that file is parsed again
    play::lsp::Snapshot e(files, &cache);
    auto t3 = Clock::now();
    parse += t1 - t0;
    whole += t2 - t1;
    cached += t3 - t2;
  }
  std::printf(
      "%zu files: parse all %.1f ms, snapshot %.1f ms, snapshot after a one-file edit with the parse cache "
      "%.1f ms (means of %d)\n",
      files.size(), ms(parse) / n, ms(whole) / n, ms(cached) / n, n);
  return 0;
}
