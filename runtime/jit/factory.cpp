#include "runtime/jit/factory.h"

#if PLAY_JIT
#include "runtime/jit/runner.h"
#endif

namespace play::jit {

#if PLAY_JIT

bool available() { return true; }

std::unique_ptr<engine::ProgramRunner> make_runner(const vm::Bundle& bundle, Options options, std::string&) {
  return std::make_unique<Runner>(bundle, RunnerOptions{options.mode == Mode::Eager, options.threshold});
}

std::string summary(engine::ProgramRunner& runner) {
  auto* r = dynamic_cast<Runner*>(&runner);
  if (!r) return "";
  r->wait_idle();
  RunnerStats s = r->stats();
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", s.compile_ms);
  std::string out = "jit: " + std::to_string(s.compiled) + " of " + std::to_string(s.programs) +
                    " programs compiled (" + ms + " ms)";
  if (s.stayed)
    out += ", " + std::to_string(s.stayed) + " stay on the interpreter (" + s.reasons.front() + ")";
  return out;
}

std::string program_ir(const vm::Program& program, std::string& error) { return ir_text(program, error); }

#else

bool available() { return false; }

std::unique_ptr<engine::ProgramRunner> make_runner(const vm::Bundle&, Options, std::string& error) {
  error = kNoJit;
  return nullptr;
}

std::string summary(engine::ProgramRunner&) { return ""; }

std::string program_ir(const vm::Program&, std::string& error) {
  error = kNoJit;
  return "";
}

#endif

}  // namespace play::jit
