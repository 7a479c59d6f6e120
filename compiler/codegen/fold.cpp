// Constant folding by running the VM on the constant part of an expression.
//
// Why the VM and not a second evaluator here: folding must give exactly the
// run-time result (int overflow, float formatting, string rendering, RE2,
// null rules), and one implementation cannot disagree with itself. An
// evaluation that fails is not folded: the error then happens at run time,
// where it is reported with the play and source position.
#include "compiler/builtins/builtins.h"
#include "compiler/codegen/lower.h"
#include "runtime/vm/vm.h"

namespace play::codegen {

using ast::ExprKind;
using ast::RefKind;

bool is_constant(const ast::Expr& e, uint32_t macro_depth) {
  switch (e.kind) {
    case ExprKind::Null:
    case ExprKind::Bool:
    case ExprKind::Int:
    case ExprKind::Float:
    case ExprKind::String:
    case ExprKind::Duration:
      return true;
    case ExprKind::Template:
      for (const auto& part : e.parts)
        if (part.is_expr && (!part.expr || !is_constant(*part.expr, macro_depth))) return false;
      return true;
    case ExprKind::Ident:
      if (e.ref == RefKind::Const || e.ref == RefKind::List) return true;
      return e.ref == RefKind::MacroVar && e.index >= 0 && static_cast<uint32_t>(e.index) >= macro_depth;
    case ExprKind::SignalVar:
      return false;
    case ExprKind::Member:
      if (e.ref == RefKind::SignalField || e.ref == RefKind::AccountField || e.ref == RefKind::ContactField)
        return false;
      return is_constant(*e.args[0], macro_depth);
    case ExprKind::Call:
    case ExprKind::Method: {
      const builtins::Builtin* b = builtins::called(e);
      if (b && !b->pure) return false;  // round_robin rotates a pool: never folded
      if (b && b->form == builtins::Form::Macro && e.args.size() == 3)
        // args[1] is the variable being bound; the body sees it one level deeper.
        return is_constant(*e.args[0], macro_depth) && is_constant(*e.args[2], macro_depth);
      break;
    }
    default:
      break;
  }
  for (const auto& a : e.args)
    if (!a || !is_constant(*a, macro_depth)) return false;
  return true;
}

std::optional<Folded> fold(const Env& env, const ast::Expr& e, uint32_t macro_depth) {
  Env raw = env;
  raw.fold = false;  // compile e as written: folding it is what we are doing
  Folded f;
  try {
    ProgramBuilder b(nullptr);
    ExprCompiler c(raw, b, macro_depth);
    uint16_t r = b.alloc();
    c.compile(e, r);
    f.program = b.finish(r, e.span);
  } catch (const std::exception&) {
    return std::nullopt;  // too large or not lowerable: compile() reports it on the real path
  }
  vm::ProgramLimits limits;
  limits.files = UINT32_MAX;
  if (!vm::verify(f.program, limits).empty()) return std::nullopt;
  f.arena = std::make_unique<vm::Arena>(4096);
  vm::EvalContext ctx;
  ctx.arena = f.arena.get();
  vm::RegexCache regexes;
  ctx.regex_cache = &regexes;
  vm::EvalResult res = vm::eval(f.program, ctx);
  if (!res.ok) return std::nullopt;
  f.value = res.value;
  return f;
}

}  // namespace play::codegen
