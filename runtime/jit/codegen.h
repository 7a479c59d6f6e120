// Bytecode to LLVM IR (internal to runtime/jit; jit.cpp compiles the IR).
#pragma once

#include <llvm/IR/Module.h>

#include <string>

#include "runtime/vm/program.h"

namespace play::jit {

// Adds function `name` (a CompiledFn) computing `program` to `module`, and
// declarations of the helpers it calls. The program must be verified and
// unsupported() must have said "".
void emit_ir(const vm::Program& program, llvm::Module& module, const std::string& name);

// LLVM's standard -O1 pipeline over `module` (instcombine, early CSE,
// SimplifyCFG...), for its compile time: -O2's extra passes (inlining,
// loop transforms) have little to work on in this code (not measured apart).
void optimize(llvm::Module& module);

}  // namespace play::jit
