// engine::ProgramRunner with the JIT: a program runs on the interpreter
// until it has been evaluated `threshold` times, then a background thread
// compiles it and swaps the compiled code in atomically; the engine's
// thread never waits for LLVM. Eager mode compiles every program up front.
// A program the JIT does not compile stays on the interpreter (counted).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "runtime/engine/program_runner.h"
#include "runtime/jit/jit.h"
#include "runtime/vm/bundle.h"

namespace play::jit {

struct RunnerOptions {
  bool eager = false;         // compile every program in the constructor
  uint32_t threshold = 1000;  // evaluations before a program is queued for the JIT thread
};

struct RunnerStats {
  size_t programs = 0;               // in the bundle
  size_t compiled = 0;               // running as native code
  size_t stayed = 0;                 // not compiled: they stay on the interpreter (reasons below)
  double compile_ms = 0;             // total, over the compiled ones
  std::vector<std::string> reasons;  // one per program that stayed
};

class Runner : public engine::ProgramRunner {
 public:
  Runner(const vm::Bundle& bundle, RunnerOptions options);
  ~Runner() override;
  vm::EvalResult eval(const vm::Program& program, vm::EvalContext& ctx) override;
  // Waits until every queued program is compiled (or refused).
  void wait_idle();
  RunnerStats stats();

 private:
  struct Entry {
    std::atomic<CompiledFn> code{nullptr};  // null: on the interpreter
    std::atomic<uint32_t> evaluations{0};
  };
  static constexpr size_t kBatch = 128;  // programs per LLVM module
  void compile(std::span<const vm::Program* const> programs);
  void work();

  Jit jit_;
  RunnerOptions options_;
  // Built in the constructor and never changed after: the JIT thread and the
  // engine's thread read them without a lock. A program's entry is found
  // with one hash probe and read in one more cache line (the code pointer
  // itself, not a Compiled): an evaluation is short, its misses count.
  absl::flat_hash_map<const vm::Program*, uint32_t> index_;
  std::unique_ptr<Entry[]> entries_;
  std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::deque<const vm::Program*> queue_;
  bool busy_ = false, stop_ = false;
  RunnerStats stats_;  // under mu_
  std::thread thread_;
};

}  // namespace play::jit
