// Lowering one checked expression to instructions (LANGUAGE.md section 3).
//
// compile(e, dst) leaves e's value in register dst; temporaries live above
// it. Expressions that read nothing per signal are folded first (fold.cpp).
// Internal to compiler/codegen.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/builtins/builtins.h"
#include "compiler/codegen/builder.h"
#include "compiler/sema/project.h"
#include "runtime/vm/value.h"

namespace play::codegen {

// What the program being compiled may see.
struct Env {
  const sema::Project* project = nullptr;
  // By Project::values index: the Bundle::pools / Bundle::icps index, or -1.
  const std::vector<int>* pools = nullptr;
  const std::vector<int>* icps = nullptr;  // null: icps are not available (standalone expressions)
  // Inside a play, properties with a known slot are read by slot; icps and
  // suppression rules run for any signal type, so they read by name.
  bool signal_slots = false;
  bool fold = true;  // off while evaluating a constant for folding
};

class ExprCompiler {
 public:
  // `macro_depth`: macros enclosing `e` in its whole expression (their
  // variables are never read by a folded constant, so they get no register).
  ExprCompiler(const Env& env, ProgramBuilder& b, uint32_t macro_depth = 0);

  void compile(const ast::Expr& e, uint16_t dst);
  // A notify text as Slack mrkdwn: a template's literal parts as written,
  // each interpolated value through ESCAPE_MRKDWN; any other expression
  // escaped whole. (Only the top level: a template nested inside an
  // interpolation is rendered plainly, then escaped once with its value.)
  void compile_mrkdwn(const ast::Expr& e, uint16_t dst);

 private:
  uint16_t temp(const ast::Expr& e);  // compiles e into a fresh register
  void load_constant(const vm::Value& v, uint16_t dst, Span where);
  bool literal(const ast::Expr& e, uint16_t dst);
  bool try_fold(const ast::Expr& e, uint16_t dst);

  void ident(const ast::Expr& e, uint16_t dst);
  void member(const ast::Expr& e, uint16_t dst);
  void unary(const ast::Expr& e, uint16_t dst);
  void binary(const ast::Expr& e, uint16_t dst);
  void short_circuit(const ast::Expr& e, uint16_t dst);
  void cond(const ast::Expr& e, uint16_t dst);
  void sequence(const ast::Expr& e, uint16_t dst);  // list / map literals
  void template_string(const ast::Expr& e, uint16_t dst);
  void op2(vm::Op op, const ast::Expr& e, const ast::Expr& l, const ast::Expr& r, uint16_t dst,
           uint8_t x = 0);
  void op1(vm::Op op, const ast::Expr& e, const ast::Expr& arg, uint16_t dst);

  // calls.cpp
  void call(const ast::Expr& e, uint16_t dst);
  void method(const ast::Expr& e, uint16_t dst);
  void macro(const ast::Expr& e, builtins::Lowering shape, uint16_t dst);

  const Env& env_;
  ProgramBuilder& b_;
  // The register each enclosing macro binds its variable to, by depth
  // (0xFFFF for macros outside a folded sub-expression).
  std::vector<uint16_t> macro_regs_;
};

// Compiles `e` into a whole program returning its value (not yet verified).
vm::Program compile_program(const Env& env, const ast::Expr& e, const SourceSet* sources);
vm::Program compile_mrkdwn_program(const Env& env, const ast::Expr& e, const SourceSet* sources);

// ---- fold.cpp

// Does `e` read nothing that varies per evaluation (signal, account,
// contact, now, lets, icps, pools, or variables of macros enclosing it)?
// Macro variables with index < macro_depth are bound outside `e`.
bool is_constant(const ast::Expr& e, uint32_t macro_depth);

// A folded constant: its value and the storage it points into.
struct Folded {
  vm::Program program;
  std::unique_ptr<vm::Arena> arena;
  vm::Value value;
};

// Evaluates constant expression `e` with the VM itself, so the folded value
// is exactly what run time would compute; nullopt if that evaluation fails
// (division by zero, overflow, ...): such expressions are left to run time,
// where the error is reported with the play and position.
std::optional<Folded> fold(const Env& env, const ast::Expr& e, uint32_t macro_depth);

}  // namespace play::codegen
