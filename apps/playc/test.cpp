// `playc test`: runs the project's `test` blocks (apps/playtest has their
// semantics) and prints one line per test, then `N passed, N failed`;
// --junit writes a JUnit XML report for CI.
#include <cstdio>
#include <string>

#include "apps/playc/commands.h"
#include "apps/playtest/playtest.h"
#include "compiler/diag/files.h"

namespace play::playc {

namespace {

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '&':
        o += "&amp;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

}  // namespace

int run_test(const TestOptions& o) {
  vm::Bundle bundle;
  loader::Loaded loaded = loader::compile(o.paths, bundle);
  if (int rc = report_load(loaded)) return rc;
  size_t passed = 0, failed = 0;
  std::string junit;
  for (const playtest::TestResult& t : playtest::run_tests(*loaded.project, bundle)) {
    std::printf("%s  %s  (%s:%u)\n", t.passed() ? "ok  " : "FAIL", t.name.c_str(), t.file.c_str(), t.line);
    for (const auto& f : t.failures) std::printf("    %s\n", f.c_str());
    ++(t.passed() ? passed : failed);
    junit += "  <testcase classname=\"" + xml_escape(t.file) + "\" name=\"" + xml_escape(t.name) + "\">";
    if (!t.passed()) {
      std::string all;
      for (const auto& f : t.failures) all += f + "\n";
      junit +=
          "<failure message=\"" + xml_escape(t.failures.front()) + "\">" + xml_escape(all) + "</failure>";
    }
    junit += "</testcase>\n";
  }
  if (!o.junit.empty()) {
    std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"playc test\" tests=\"" +
                      std::to_string(passed + failed) + "\" failures=\"" + std::to_string(failed) + "\">\n" +
                      junit + "</testsuite>\n";
    std::string err;
    if (!write_file_atomic(o.junit, doc, err)) {
      std::fprintf(stderr, "playc test: cannot write '%s': %s\n", o.junit.c_str(), err.c_str());
      return 2;
    }
  }
  std::printf("%zu passed, %zu failed\n", passed, failed);
  return failed ? 1 : 0;
}

}  // namespace play::playc
