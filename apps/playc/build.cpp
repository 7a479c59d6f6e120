// `playc build -o BUNDLE`, `playc disasm BUNDLE|PATHS` and the hidden
// `playc bytecode-reference` (docs/bytecode.md).
#include <cstdio>

#include "apps/playc/commands.h"
#include "compiler/diag/files.h"
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

int run_disasm(const DisasmOptions& o) {
  vm::Bundle bundle;
  if (int rc = report_load(loader::load(o.paths, bundle))) return rc;
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
