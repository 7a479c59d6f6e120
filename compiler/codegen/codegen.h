// Codegen: a checked project -> a bytecode bundle (runtime/vm/bundle.h).
//
// The last compiler stage. It trusts the checker's annotations (every Expr's
// `type`, `ref` and `index`, see compiler/sema/project.h) and never reports
// user errors: a project with check errors must not reach it. Its only
// diagnostics are internal limits (P0950+, "play too large to compile: ...")
// and its own bugs (a bundle the verifier refuses):
//   P0950  a program exceeds a VM limit (4096 registers, 65535 constants or
//          instructions): "play 'x' is too large to compile: ..."
//   P0951  a construct codegen cannot lower (e.g. `signal` used as a value,
//          a temporal trigger): "... is not supported yet"
//   P0959  internal compiler error (the bundle does not verify, or the
//          project still had check errors)
//
// Choices the engine can rely on:
//   - Bundle::files[i] is the path of SourceSet file i (files[0] = "").
//   - Bundle::signals: every signal type of the project, sorted by name;
//     pools and icps in declaration order, except that an icp always comes
//     after the icps it reads (LOAD_ICP only reads earlier icps).
//   - Play::worst_case_cost is the checker's estimate (sema::Play);
//     each Program::worst_case_cost is codegen's own: instructions, with a
//     loop body counted once per element (a list of unknown length counts
//     as 1000, as in the checker).
//   - Typed instructions (ADD_INT, CMP_STR, ...) are chosen when the
//     checker proved both operands' kinds, nullable or not: the VM's typed
//     instructions fall back to the generic semantics on any other input.
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostics.h"
#include "compiler/sema/project.h"
#include "runtime/vm/bundle.h"
#include "runtime/vm/program.h"

namespace play::codegen {

// Lowers every play, icp, suppression rule, pool and schema of `project`
// into `out` (which is replaced), then runs vm::verify_bundle on it.
// Returns false with diagnostics when a limit is exceeded or the bundle
// does not verify.
bool generate(const sema::Project& project, vm::Bundle& out, Diagnostics& diags);

// Compiles one checked expression that lives outside any play (for
// `playc eval` and the CEL conformance runner): no icps; `signal` only when
// `signal` is the schema it was checked against (its properties are then
// read by slot: EvalContext::signal in that schema's order), and
// account/contact/now when the checker allowed them. Free variables must have been resolved by the checker as
// RefKind::Let with index = the binding's position; the host passes the
// binding values as EvalContext::lets in that order. Project-level consts
// and lists are inlined; round_robin(pool) uses the pool's index among the
// project's pools (the order generate() gives Bundle::pools). On success
// the program is verified. On failure returns false with `error` set.
bool compile_expression(const sema::Project& project, const ast::Expr& checked_expr, vm::Program& out,
                        std::string& error, const sema::SignalSchema* signal = nullptr);

}  // namespace play::codegen
