// `playc test`: runs the project's `test` blocks (apps/playtest has their
// semantics) and prints one line per test, then `N passed, N failed`;
// --junit writes a JUnit XML report for CI.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/playc/commands.h"
#include "apps/playtest/playtest.h"
#include "common/text.h"  // html_escape: XML text and attribute values too
#include "compiler/diag/files.h"
#include "runtime/jit/factory.h"

namespace play::playc {

namespace {

// The JUnit document CI reads: one <testcase> per test block, with its file,
// line and time.
struct Junit {
  std::string cases;
  size_t tests = 0, failures = 0;
  double seconds = 0;

  void add(const std::string& file, uint32_t line, const std::string& name, double secs,
           const std::vector<std::string>& failed) {
    char time[32];
    std::snprintf(time, sizeof time, "%.6f", secs);
    ++tests;
    seconds += secs;
    cases += "  <testcase classname=\"" + html_escape(file) + "\" name=\"" + html_escape(name) +
             "\" file=\"" + html_escape(file) + "\" line=\"" + std::to_string(line) + "\" time=\"" + time +
             "\">";
    if (!failed.empty()) {
      ++failures;
      std::string all;
      for (const auto& f : failed) all += f + "\n";
      cases += "<failure message=\"" + html_escape(failed.front()) + "\">" + html_escape(all) + "</failure>";
    }
    cases += "</testcase>\n";
  }

  // False (and the reason on stderr) when the file cannot be written.
  bool write(const std::string& path) const {
    char time[32];
    std::snprintf(time, sizeof time, "%.6f", seconds);
    std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"playc test\" tests=\"" +
                      std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
                      "\" errors=\"0\" time=\"" + time + "\">\n" + cases + "</testsuite>\n";
    std::string err;
    if (write_file_atomic(path, doc, err)) return true;
    std::fprintf(stderr, "playc test: cannot write '%s': %s\n", path.c_str(), err.c_str());
    return false;
  }
};

// Nothing ran (the plays do not check, or there are none): with --junit, a
// report whose one failing case says why, so CI shows a failure instead of
// "no test report found".
int nothing_ran(const TestOptions& o, int rc, const std::string& why) {
  if (o.junit.empty()) return rc;
  Junit junit;
  junit.add(o.paths.empty() ? "." : o.paths.front(), 0, "playc check", 0, {why});
  return junit.write(o.junit) ? rc : 2;
}

}  // namespace

int run_test(const TestOptions& o) {
  vm::Bundle bundle;
  loader::Loaded loaded = loader::compile(o.paths, bundle);
  if (int rc = report_load(loaded))
    return nothing_ran(o, rc, "the plays did not check:\n" + loaded.error_text());
  const sema::Project& project = *loaded.project;
  if (std::string why = no_plays(project, o.paths); !why.empty()) {
    std::fprintf(stderr, "playc test: %s\n", why.c_str());
    return nothing_ran(o, 2, why);
  }
  std::unique_ptr<engine::ProgramRunner> runner;
  if (o.jit) {  // eager: a test sends a few signals, never the 1,000 runs that compile in the background
    std::string err;
    jit::Options options;
    options.mode = jit::Mode::Eager;
    if (!(runner = jit::make_runner(bundle, options, err))) {
      std::fprintf(stderr, "playc test: --jit: %s\n", err.c_str());
      return nothing_ran(o, 2, "--jit: " + err);
    }
  }
  size_t passed = 0, failed = 0;
  Junit junit;
  for (const ast::TestDecl* test : project.tests) {
    auto start = std::chrono::steady_clock::now();
    playtest::TestResult t = playtest::run_test(project, bundle, *test, runner.get());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s  %s  (%s:%u)\n", t.passed() ? "ok  " : "FAIL", t.name.c_str(), t.file.c_str(), t.line);
    for (const auto& f : t.failures) std::printf("    %s\n", f.c_str());
    ++(t.passed() ? passed : failed);
    junit.add(t.file, t.line, t.name, secs, t.failures);
  }
  if (!o.junit.empty() && !junit.write(o.junit)) return 2;
  std::printf("%zu passed, %zu failed\n", passed, failed);
  if (runner) std::fprintf(stderr, "%s\n", jit::summary(*runner).c_str());
  return failed ? 1 : 0;
}

}  // namespace play::playc
