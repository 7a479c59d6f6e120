// `playc build -o BUNDLE`, `playc disasm BUNDLE|PATHS` and the hidden
// `playc bytecode-reference` (docs/bytecode.md).
#include <cstdio>

#include "apps/playc/commands.h"
#include "compiler/diag/files.h"
#include "runtime/jit/factory.h"
#include "runtime/vm/disasm.h"

namespace play::playc {

int run_build(const BuildOptions& o) {
  vm::Bundle bundle;
  if (int rc = report_load(loader::compile(o.paths, bundle))) return rc;
  std::string bytes = vm::write_bundle(bundle), err;
  if (!write_file_atomic(o.output, bytes, err)) {
    std::fprintf(stderr, "playc build: cannot write '%s': %s\n", o.output.c_str(), err.c_str());
    return 2;
  }
  std::fprintf(stderr, "wrote %s: %zu plays, %zu bytes\n", o.output.c_str(), bundle.plays.size(),
               bytes.size());
  return 0;
}

// `disasm --jit`: each program's LLVM IR, under a comment naming it.
static int print_ir(const vm::Bundle& bundle) {
  std::string out, err;
  auto program = [&](const std::string& what, const vm::Program& p) {
    if (p.code.empty()) return;
    std::string ir = jit::program_ir(p, err);
    out += "; " + what + "\n" + (ir.empty() ? "; not compiled: " + err + "\n" : ir) + "\n";
  };
  if (!jit::available()) {
    std::fprintf(stderr, "playc disasm: --jit: %s\n", jit::kNoJit);
    return 2;
  }
  for (const vm::Icp& icp : bundle.icps) program("icp " + icp.name, icp.program);
  for (size_t i = 0; i < bundle.suppressions.size(); ++i)
    program("suppression rule " + std::to_string(i + 1), bundle.suppressions[i].program);
  for (const vm::Play& play : bundle.plays) {
    for (size_t i = 0; i < play.pattern.members.size(); ++i) {
      program("play " + play.name + " trigger member " + std::to_string(i + 1),
              play.pattern.members[i].filter);
      program("play " + play.name + " trigger member " + std::to_string(i + 1) + " weight",
              play.pattern.members[i].weight);
    }
    for (size_t i = 0; i < play.clauses.size(); ++i)
      program("play " + play.name + " clause " + std::to_string(i + 1), play.clauses[i].program);
    for (const vm::Let& let : play.lets) program("play " + play.name + " let " + let.name, let.program);
    for (const vm::Action& action : play.actions)
      for (const vm::ActionArg& arg : action.args)
        program("play " + play.name + " " + action.name + " " + arg.name, arg.program);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int run_disasm(const DisasmOptions& o) {
  vm::Bundle bundle;
  if (int rc = report_load(loader::load(o.paths, bundle))) return rc;
  if (o.jit) return print_ir(bundle);
  std::string text = vm::disassemble(bundle);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

int run_bytecode_reference() {
  std::string text = vm::bytecode_reference();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace play::playc
