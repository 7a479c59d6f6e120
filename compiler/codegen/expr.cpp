// Names, members, operators and literals (LANGUAGE.md section 3).
#include <string>

#include "compiler/codegen/lower.h"

namespace play::codegen {

using ast::ExprKind;
using ast::RefKind;
using vm::CmpCond;
using vm::JumpTest;
using vm::Op;

namespace {

TypeKind kind_of(const ast::Expr& e) { return e.type ? e.type->kind : TypeKind::Dyn; }

bool both(const ast::Expr& l, const ast::Expr& r, TypeKind k) { return kind_of(l) == k && kind_of(r) == k; }

}  // namespace

ExprCompiler::ExprCompiler(const Env& env, ProgramBuilder& b, uint32_t macro_depth)
    : env_(env), b_(b), macro_regs_(macro_depth, 0xFFFF) {}

vm::Program compile_program(const Env& env, const ast::Expr& e, const SourceSet* sources) {
  ProgramBuilder b(sources);
  ExprCompiler c(env, b);
  uint16_t r = b.alloc();
  c.compile(e, r);
  return b.finish(r, e.span);
}

vm::Program compile_mrkdwn_program(const Env& env, const ast::Expr& e, const SourceSet* sources) {
  ProgramBuilder b(sources);
  ExprCompiler c(env, b);
  uint16_t r = b.alloc();
  c.compile_mrkdwn(e, r);
  return b.finish(r, e.span);
}

void ExprCompiler::compile_mrkdwn(const ast::Expr& e, uint16_t dst) {
  // A constant text is the author's own markup: nothing to escape.
  if (try_fold(e, dst)) return;
  if (e.kind != ExprKind::Template) {
    compile(e, dst);
    b_.emit(Op::ESCAPE_MRKDWN, dst, dst, 0, 0, e.span);
    return;
  }
  size_t n = e.parts.size();
  if (n > vm::kMaxRegisters) throw TooLarge("a string template has more than 4096 parts");
  uint16_t base = 0;
  for (size_t i = 0; i < n; ++i) {
    uint16_t r = b_.alloc();
    if (i == 0) base = r;
  }
  for (size_t i = 0; i < n; ++i) {
    const ast::TemplatePart& part = e.parts[i];
    uint16_t r = static_cast<uint16_t>(base + i);
    if (part.is_expr) {
      compile(*part.expr, r);
      b_.emit(Op::ESCAPE_MRKDWN, r, r, 0, 0, part.expr->span);
    } else {
      load_constant(vm::Value::string(part.text), r, part.span.valid() ? part.span : e.span);
    }
  }
  b_.emit(Op::CONCAT, dst, base, static_cast<uint16_t>(n), 0, e.span);
}

uint16_t ExprCompiler::temp(const ast::Expr& e) {
  uint16_t r = b_.alloc();
  compile(e, r);
  return r;
}

void ExprCompiler::load_constant(const vm::Value& v, uint16_t dst, Span where) {
  if (v.kind == vm::Kind::Null)
    b_.emit(Op::LOAD_NULL, dst, 0, 0, 0, where);
  else if (v.kind == vm::Kind::Bool)
    b_.emit(Op::LOAD_BOOL, dst, 0, 0, v.b ? 1 : 0, where);
  else
    b_.emit(Op::LOAD_CONST, dst, b_.constant(v), 0, 0, where);
}

bool ExprCompiler::literal(const ast::Expr& e, uint16_t dst) {
  switch (e.kind) {
    case ExprKind::Null:
      load_constant(vm::Value::null(), dst, e.span);
      return true;
    case ExprKind::Bool:
      load_constant(vm::Value::boolean(e.bool_value), dst, e.span);
      return true;
    case ExprKind::Int:
      load_constant(vm::Value::integer(e.int_value), dst, e.span);
      return true;
    case ExprKind::Float:
      load_constant(vm::Value::floating(e.float_value), dst, e.span);
      return true;
    case ExprKind::String:
      load_constant(vm::Value::string(e.string_value), dst, e.span);
      return true;
    case ExprKind::Duration:
      load_constant(vm::Value::duration(e.int_value), dst, e.span);
      return true;
    default:
      return false;
  }
}

bool ExprCompiler::try_fold(const ast::Expr& e, uint16_t dst) {
  if (!env_.fold || !is_constant(e, static_cast<uint32_t>(macro_regs_.size()))) return false;
  auto folded = fold(env_, e, static_cast<uint32_t>(macro_regs_.size()));
  if (!folded) return false;
  load_constant(folded->value, dst, e.span);
  return true;
}

void ExprCompiler::compile(const ast::Expr& e, uint16_t dst) {
  if (!e.type || e.type->kind == TypeKind::Error)
    throw Unsupported(e.span,
                      "internal: this expression was not type-checked; only a project without errors "
                      "can be compiled");
  if (literal(e, dst) || try_fold(e, dst)) return;
  uint32_t mark = b_.mark();
  switch (e.kind) {
    case ExprKind::Template:
      template_string(e, dst);
      break;
    case ExprKind::Ident:
      ident(e, dst);
      break;
    case ExprKind::SignalVar:
      throw Unsupported(e.span,
                        "using `signal` itself as a value is not supported yet; read one of its fields, "
                        "e.g. signal.type");
    case ExprKind::Member:
      member(e, dst);
      break;
    case ExprKind::Index:
      op2(Op::INDEX, e, *e.args[0], *e.args[1], dst);
      break;
    case ExprKind::Call:
      call(e, dst);
      break;
    case ExprKind::Method:
      method(e, dst);
      break;
    case ExprKind::List:
    case ExprKind::Map:
      sequence(e, dst);
      break;
    case ExprKind::Unary:
      unary(e, dst);
      break;
    case ExprKind::Binary:
      binary(e, dst);
      break;
    case ExprKind::Cond:
      cond(e, dst);
      break;
    default:
      throw Unsupported(e.span, "internal: unexpected literal kind");
  }
  b_.release(mark);
}

void ExprCompiler::op2(Op op, const ast::Expr& e, const ast::Expr& l, const ast::Expr& r, uint16_t dst,
                       uint8_t x) {
  uint16_t a = temp(l);
  uint16_t c = temp(r);
  b_.emit(op, dst, a, c, x, e.span);
}

void ExprCompiler::op1(Op op, const ast::Expr& e, const ast::Expr& arg, uint16_t dst) {
  uint16_t a = temp(arg);
  b_.emit(op, dst, a, 0, 0, e.span);
}

void ExprCompiler::ident(const ast::Expr& e, uint16_t dst) {
  const sema::Project& p = *env_.project;
  switch (e.ref) {
    case RefKind::Const:
    case RefKind::List:
      // Inlined: usually folded to one constant by compile() before we get
      // here; if its evaluation fails, the error happens at run time, where
      // it is reported (LANGUAGE.md section 3, runtime errors).
      compile(*p.values.at(e.index).decl->value, dst);
      return;
    case RefKind::Icp: {
      int i = env_.icps && e.index >= 0 ? env_.icps->at(e.index) : -1;
      if (i < 0)
        throw Unsupported(e.span, "icp '" + e.name + "' cannot be used here: icps need a play's context");
      b_.emit(Op::LOAD_ICP, dst, static_cast<uint16_t>(i), 0, 0, e.span);
      return;
    }
    case RefKind::Let:
      b_.note_let(static_cast<uint32_t>(e.index));
      b_.emit(Op::LOAD_LET, dst, static_cast<uint16_t>(e.index), 0, 0, e.span);
      return;
    case RefKind::MacroVar: {
      uint16_t r =
          e.index >= 0 && static_cast<size_t>(e.index) < macro_regs_.size() ? macro_regs_[e.index] : 0xFFFF;
      if (r == 0xFFFF) throw Unsupported(e.span, "internal: macro variable '" + e.name + "' is not bound");
      b_.emit(Op::MOVE, dst, r, 0, 0, e.span);
      return;
    }
    case RefKind::Now:
      b_.emit(Op::LOAD_NOW, dst, 0, 0, 0, e.span);
      return;
    case RefKind::Account:
    case RefKind::Contact: {
      // A bare record is `true` when known and `null` when not: enough for
      // `account == null`, `account != null` and `account ?? x`.
      b_.emit(Op::RECORD_KNOWN, dst, 0, 0, e.ref == RefKind::Account ? 0 : 1, e.span);
      uint32_t j = b_.emit(Op::JUMP_IF, dst, 0, 0, static_cast<uint8_t>(JumpTest::True), e.span);
      b_.emit(Op::LOAD_NULL, dst, 0, 0, 0, e.span);
      b_.patch_to_here(j);
      return;
    }
    default:
      throw Unsupported(e.span, "internal: name '" + e.name + "' was not resolved by the checker");
  }
}

void ExprCompiler::member(const ast::Expr& e, uint16_t dst) {
  switch (e.ref) {
    case RefKind::SignalField:
      if (e.index >= 0 && e.index < sema::kEnvelopeCount) {
        b_.emit(Op::LOAD_ENVELOPE, dst, 0, 0, static_cast<uint8_t>(e.index), e.span);
      } else if (e.index >= sema::kEnvelopeCount && env_.signal_slots) {
        b_.emit(Op::LOAD_SIGNAL_SLOT, dst, static_cast<uint16_t>(e.index - sema::kEnvelopeCount), 0, 0,
                e.span);
      } else {
        b_.emit(Op::LOAD_SIGNAL_PROP, dst, b_.string_constant(e.name), 0, 0, e.span);
      }
      return;
    case RefKind::AccountField:
      b_.emit(Op::LOAD_ACCOUNT_SLOT, dst, static_cast<uint16_t>(e.index), 0, 0, e.span);
      return;
    case RefKind::ContactField:
      b_.emit(Op::LOAD_CONTACT_SLOT, dst, static_cast<uint16_t>(e.index), 0, 0, e.span);
      return;
    default: {
      // A map's key (or a dyn value's): missing -> null, null receiver -> null.
      uint16_t recv = temp(*e.args[0]);
      b_.emit(Op::MAP_GET, dst, recv, b_.string_constant(e.name), 0, e.span);
    }
  }
}

void ExprCompiler::unary(const ast::Expr& e, uint16_t dst) {
  op1(ast::meaning(e.op) == ast::OpMeaning::Negate ? Op::NEG : Op::NOT, e, *e.args[0], dst);
}

namespace {

CmpCond comparison(ast::Operator op) {
  switch (op) {
    case ast::Operator::Eq:
      return CmpCond::EQ;
    case ast::Operator::Ne:
      return CmpCond::NE;
    case ast::Operator::Lt:
      return CmpCond::LT;
    case ast::Operator::Le:
      return CmpCond::LE;
    case ast::Operator::Gt:
      return CmpCond::GT;
    default:
      return CmpCond::GE;
  }
}

// The arithmetic instruction: typed when both operands are proven ints (or
// floats), generic otherwise. `%` has no float form: CEL has no float modulo.
Op arithmetic(ast::Operator op, bool ints, bool floats) {
  switch (op) {
    case ast::Operator::Add:
      return ints ? Op::ADD_INT : floats ? Op::ADD_FLOAT : Op::ADD;
    case ast::Operator::Sub:
      return ints ? Op::SUB_INT : floats ? Op::SUB_FLOAT : Op::SUB;
    case ast::Operator::Mul:
      return ints ? Op::MUL_INT : floats ? Op::MUL_FLOAT : Op::MUL;
    case ast::Operator::Div:
      return ints ? Op::DIV_INT : floats ? Op::DIV_FLOAT : Op::DIV;
    default:
      return ints ? Op::MOD_INT : Op::MOD;
  }
}

}  // namespace

void ExprCompiler::binary(const ast::Expr& e, uint16_t dst) {
  using M = ast::OpMeaning;
  const ast::Expr &l = *e.args[0], &r = *e.args[1];
  switch (ast::meaning(e.op)) {
    case M::LogicalAnd:
    case M::LogicalOr:
    case M::Coalesce:
      return short_circuit(e, dst);
    case M::Equality:
    case M::Ordering: {
      // Typed compares take their fast path when the proven kinds hold and
      // fall back to the generic compare otherwise (a null in a nullable
      // property included), so the kind is what matters, not nullability.
      Op cmp = both(l, r, TypeKind::Int)      ? Op::CMP_INT
               : both(l, r, TypeKind::Float)  ? Op::CMP_FLOAT
               : both(l, r, TypeKind::String) ? Op::CMP_STR
                                              : Op::CMP;
      return op2(cmp, e, l, r, dst, static_cast<uint8_t>(comparison(e.op)));
    }
    case M::Membership:
      return op2(e.op == ast::Operator::In ? Op::IN : Op::NOT_IN, e, l, r, dst);
    case M::Arithmetic:
      return op2(arithmetic(e.op, both(l, r, TypeKind::Int), both(l, r, TypeKind::Float)), e, l, r, dst);
    default:
      throw Unsupported(e.span, "operator '" + std::string(ast::spelling(e.op)) + "' is not supported yet");
  }
}

// `and`, `or` and `??` evaluate their right side only when it is needed, so
// a round_robin there does not rotate (LANGUAGE.md section 3).
void ExprCompiler::short_circuit(const ast::Expr& e, uint16_t dst) {
  compile(*e.args[0], dst);
  if (e.op == ast::Operator::Coalesce) {
    uint32_t j = b_.emit(Op::JUMP_IF, dst, 0, 0, static_cast<uint8_t>(JumpTest::NotNull), e.span);
    compile(*e.args[1], dst);
    b_.patch_to_here(j);
    return;
  }
  bool is_and = ast::meaning(e.op) == ast::OpMeaning::LogicalAnd;
  // and: false decides; or: true decides. Otherwise both sides combine
  // (true and null = null, false or null = null).
  uint32_t j = b_.emit(Op::JUMP_IF, dst, 0, 0,
                       static_cast<uint8_t>(is_and ? JumpTest::False : JumpTest::True), e.span);
  uint16_t r = temp(*e.args[1]);
  b_.emit(is_and ? Op::AND : Op::OR, dst, dst, r, 0, e.span);
  b_.patch_to_here(j);
}

void ExprCompiler::cond(const ast::Expr& e, uint16_t dst) {
  uint16_t c = temp(*e.args[0]);
  // A null condition counts as false: the else branch.
  uint32_t to_else = b_.emit(Op::JUMP_IF, c, 0, 0, static_cast<uint8_t>(JumpTest::NotTrue), e.span);
  compile(*e.args[1], dst);
  uint32_t to_end = b_.emit(Op::JUMP, 0, 0, 0, 0, e.span);
  b_.patch_to_here(to_else);
  compile(*e.args[2], dst);
  b_.patch_to_here(to_end);
}

void ExprCompiler::sequence(const ast::Expr& e, uint16_t dst) {
  size_t n = e.args.size();
  bool is_map = e.kind == ExprKind::Map;
  if (n > vm::kMaxRegisters) throw TooLarge("a list or map literal has more than 4096 elements");
  uint16_t base = 0;
  for (size_t i = 0; i < n; ++i) {
    uint16_t r = b_.alloc();
    if (i == 0) base = r;
  }
  for (size_t i = 0; i < n; ++i) compile(*e.args[i], static_cast<uint16_t>(base + i));
  b_.emit(is_map ? Op::BUILD_MAP : Op::BUILD_LIST, dst, base, static_cast<uint16_t>(is_map ? n / 2 : n), 0,
          e.span);
}

void ExprCompiler::template_string(const ast::Expr& e, uint16_t dst) {
  size_t n = e.parts.size();
  if (n == 0) return load_constant(vm::Value::string(""), dst, e.span);
  if (n > vm::kMaxRegisters) throw TooLarge("a string template has more than 4096 parts");
  uint16_t base = 0;
  for (size_t i = 0; i < n; ++i) {
    uint16_t r = b_.alloc();
    if (i == 0) base = r;
  }
  for (size_t i = 0; i < n; ++i) {
    const ast::TemplatePart& part = e.parts[i];
    uint16_t r = static_cast<uint16_t>(base + i);
    if (part.is_expr)
      compile(*part.expr, r);
    else
      load_constant(vm::Value::string(part.text), r, part.span.valid() ? part.span : e.span);
  }
  b_.emit(Op::CONCAT, dst, base, static_cast<uint16_t>(n), 0, e.span);
}

}  // namespace play::codegen
