// The language's test semantics (docs/language.md section 11): how a `test`
// block's given records, signals and expectations run over the engine. Each
// test gets a fresh engine with in-memory stores, loads its `given` records,
// sends its signals in order from a fixed instant T0, records every outcome
// and action, then checks the expectations. `playc test` prints the results
// (text and JUnit); anything else (an editor, a CI bot) can run them too.
//
// It needs the checked project (the test blocks and their expressions) and
// the runtime (the engine), which is why it lives under apps/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/sema/project.h"
#include "runtime/engine/program_runner.h"
#include "runtime/vm/bundle.h"

namespace play::playtest {

// T0: the instant `at 0s` stands for, a Sunday. Fixed for good: time-of-day
// tests (business hours) depend on it (docs/language.md, "Running a test").
constexpr int64_t kT0 = 1782036000000;  // 2026-06-21T10:00:00Z

struct TestResult {
  std::string name;
  std::string file;  // the path of the test block's file
  uint32_t line = 0;
  // What did not hold, each "FILE:LINE:COL: ..." (an unexpected action
  // lists what was issued on the following lines); empty when it passed.
  std::vector<std::string> failures;
  bool passed() const { return failures.empty(); }
};

// One test block of `project`, run against `bundle` (compiled from it);
// with `runner`, the engine runs the programs through it (the JIT's).
TestResult run_test(const sema::Project& project, const vm::Bundle& bundle, const ast::TestDecl& test,
                    engine::ProgramRunner* runner = nullptr);

// Every test block of the project, in load order.
std::vector<TestResult> run_tests(const sema::Project& project, const vm::Bundle& bundle,
                                  engine::ProgramRunner* runner = nullptr);

}  // namespace play::playtest
