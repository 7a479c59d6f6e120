// Checking calls of the functions, methods and list macros of LANGUAGE.md
// section 3 against their rows in the builtins table
// (compiler/builtins/builtins.h): arity, argument and receiver kinds, result
// types, and the checks that can be done on constant arguments (a regex
// pattern compiles, a timestamp or duration literal parses).
#include "compiler/builtins/builtins.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include "compiler/sema/checker.h"
#include "compiler/syntax/slips.h"
#include "runtime/vm/value.h"

namespace play::sema {

using ast::ExprKind;
using ast::RefKind;
using builtins::Builtin;
using builtins::Form;

namespace {

bool loose(const TypeRef& t) { return is_error(t) || t->kind == TypeKind::Dyn; }
bool fits(const TypeRef& t, builtins::Kinds kinds) { return loose(t) || kinds.has(t->kind); }

bool valid_rfc3339(const std::string& s) {
  static const RE2 re(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  int y, mo, d, h, mi, se;
  if (!RE2::FullMatch(s, re, &y, &mo, &d, &h, &mi, &se)) return false;
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && se <= 60;
}

bool valid_duration(const std::string& s) {
  static const RE2 re(R"(^-?(\d+(ms|s|m|h|d|w))+$)");
  return RE2::FullMatch(s, re);
}

// The names of the builtins `keep` selects, in table order, for suggestions.
template <typename Keep>
std::vector<std::string> names(Keep keep) {
  std::vector<std::string> out;
  for (const Builtin& b : builtins::all())
    if (keep(b)) out.emplace_back(b.name);
  return out;
}

// A call's result type; `arg` is the argument (functions) or the receiver (methods).
TypeRef result_type(const Builtin& b, const TypeRef& arg) {
  bool n = !is_error(arg) && arg->nullable;
  switch (b.result) {
    case builtins::Result::Int:
      return Type::integer(n);
    case builtins::Result::Float:
      return Type::floating(n);
    case builtins::Result::String:
      return Type::string(n);
    case builtins::Result::Timestamp:
      return Type::timestamp(n);
    case builtins::Result::Duration:
      return Type::duration(n);
    case builtins::Result::Dyn:
      return Type::dyn();
    case builtins::Result::PoolMember:
      return Type::string();
    case builtins::Result::LikeString:
      return loose(arg) ? arg : Type::string(n);
    case builtins::Result::NullableBool:
      return Type::boolean(n);
    default:
      return Type::boolean();
  }
}

}  // namespace

bool Checker::check_arity(const ast::Expr& e, const Builtin& b, size_t given) {
  if (given == b.arity) return true;
  bool optional = b.rule == builtins::ArgRule::Optional;
  if (optional && given + 1 == b.arity) return true;
  d_.error("P0219", e.span,
           fmt::format("{}() takes {}{} argument{}, but {} {} given: {}", e.name, optional ? "0 or " : "",
                       b.arity, b.arity == 1 ? "" : "s", given, given == 1 ? "was" : "were", b.example));
  return false;
}

// A constant argument is validated now rather than failing at run time.
void Checker::check_constant_arg(const Builtin& b, const ast::Expr& a) {
  if (b.const_check == builtins::ConstCheck::None) return;
  auto c = constant_string(a, p_);
  if (!c) return;
  switch (b.const_check) {
    case builtins::ConstCheck::Timestamp:
      if (!valid_rfc3339(*c))
        d_.error("P0216", a.span,
                 fmt::format("\"{}\" is not an RFC 3339 timestamp, e.g. \"2026-06-21T10:00:00Z\"", *c));
      break;
    case builtins::ConstCheck::Duration:
      if (!valid_duration(*c)) {
        // "4 hours", "2min": the duration meant, as the literal's own slips are named.
        std::string squeezed;
        for (char ch : *c)
          if (ch != ' ') squeezed += ch;
        std::string fix = squeezed.empty() ? "" : syntax::read_glued_number(squeezed).fix;
        d_.error("P0216", a.span,
                 fix.empty()
                     ? fmt::format("\"{}\" is not a duration; write a number and a unit (ms s m h d w), "
                                   "e.g. \"4h\" or \"1h30m\"",
                                   *c)
                     : fmt::format("\"{}\" is not a duration; did you mean \"{}\"? (units: ms s m h d w)", *c,
                                   fix));
      }
      break;
    case builtins::ConstCheck::Regex: {
      RE2::Options opts;
      opts.set_log_errors(false);
      RE2 re(*c, opts);
      if (!re.ok())
        d_.error("P0223", a.span, fmt::format("invalid regular expression: {} (RE2 syntax)", re.error()));
      break;
    }
    case builtins::ConstCheck::TimeZone:
      if (!vm::valid_time_zone(*c))
        d_.error("P0216", a.span,
                 fmt::format("\"{}\" is not a time zone; write an IANA name such as \"America/New_York\" or "
                             "\"UTC\", or an offset such as \"+05:30\"{}",
                             *c,
                             did_you_mean(*c, {"UTC", "America/New_York", "America/Chicago", "America/Denver",
                                               "America/Los_Angeles", "Europe/London", "Europe/Paris",
                                               "Europe/Berlin", "Asia/Tokyo"})));
      break;
    case builtins::ConstCheck::None:
      break;
  }
}

TypeRef Checker::check_pool_arg(ast::Expr& a) {
  auto it = a.kind == ExprKind::Ident ? p_.value_index.find(a.name) : p_.value_index.end();
  if (it == p_.value_index.end() || p_.values[it->second].kind != ast::ValueKind::Pool) {
    std::vector<std::string> pools;
    for (const auto& v : p_.values)
      if (v.kind == ast::ValueKind::Pool) pools.push_back(v.name);
    std::string near = a.kind == ExprKind::Ident ? closest_name(a.name, pools) : "";
    std::string hint = near.empty() ? "" : "; did you mean '" + near + "'?";
    // One mistake, one diagnostic: the pool meant is not also "never used".
    if (auto meant = p_.value_index.find(near); meant != p_.value_index.end())
      p_.values[meant->second].used = true;
    d_.error(
        "P0218", a.span,
        fmt::format("round_robin() needs the name of a pool (declared with `pool NAME = [...]`){}", hint));
    a.type = Type::error();
    return Type::error();
  }
  p_.values[it->second].used = true;
  a.ref = RefKind::Pool;
  a.index = it->second;
  a.type = Type::list(Type::string());
  return Type::string();
}

TypeRef Checker::unknown_function(ast::Expr& e, Scope& s) {
  const std::string& f = e.name;
  std::string hint;
  if (const Builtin* m = builtins::method(f))
    hint = m->form == Form::Macro ? fmt::format("; '{}' is a list macro: write l.{}(x, ...)", f, f)
                                  : fmt::format("; '{}' is a method: write x.{}(...)", f, f);
  else
    hint = did_you_mean(f, names([](const Builtin& b) { return b.form == Form::Function; }));
  d_.error("P0117", e.name_span.valid() ? e.name_span : e.span,
           fmt::format("unknown function '{}'{}", f, hint));
  for (auto& a : e.args) check(*a, s);
  return Type::error();
}

TypeRef Checker::check_call(ast::Expr& e, Scope& s) {
  const Builtin* b = builtins::function(e.name);
  if (!b) return unknown_function(e, s);
  if (!check_arity(e, *b, e.args.size())) {
    for (auto& a : e.args) check(*a, s);
    return Type::error();
  }
  ast::Expr& a = *e.args[0];
  if (b->rule == builtins::ArgRule::Pool) return check_pool_arg(a);
  TypeRef t = check(a, s);
  if (b->rule == builtins::ArgRule::Field) {
    if (a.kind == ExprKind::Member) return result_type(*b, t);
    d_.error("P0217", a.span, "has() tests whether a field is present: write has(signal.category)");
    return Type::error();
  }
  if (!fits(t, b->accepts)) {
    d_.error("P0220", a.span,
             fmt::format("{}() needs {}, but this is {}", e.name, b->accepts_text, a_type(t)));
    return Type::error();
  }
  check_constant_arg(*b, a);
  return result_type(*b, t);
}

TypeRef Checker::check_macro(ast::Expr& e, Scope& s, const TypeRef& recv, const Builtin& b) {
  const std::string& m = e.name;
  if (e.args.size() != 3 || e.args[1]->kind != ExprKind::Ident) {
    d_.error("P0222", e.span,
             fmt::format("{}() takes a variable name and an expression, e.g. l.{}(x, x > 1)", m, m));
    for (size_t i = 1; i < e.args.size(); ++i)
      if (e.args[i]->kind != ExprKind::Ident) check(*e.args[i], s);
    return Type::error();
  }
  TypeRef elem = Type::error();
  if (is_error(recv)) {
  } else if (recv->kind == TypeKind::Dyn) {
    elem = Type::dyn();
  } else if (recv->kind == TypeKind::List) {
    elem = recv->elem ? recv->elem : Type::dyn();
  } else if (recv->kind == TypeKind::Map) {
    elem = Type::string();  // macros over a map range over its keys, as in CEL
  } else {
    d_.error("P0221", e.args[0]->span,
             fmt::format("{}() needs {}, but this is {}", m, b.accepts_text, a_type(recv)));
  }
  ast::Expr& var = *e.args[1];
  var.ref = RefKind::MacroVar;
  var.index = static_cast<int32_t>(s.macro_vars.size());
  var.type = elem;
  s.macro_vars.push_back({var.name, elem});
  TypeRef body = b.result == builtins::Result::MacroMap
                     ? check(*e.args[2], s)
                     : check_bool(*e.args[2], s, fmt::format("the condition of {}()", m));
  s.macro_vars.pop_back();
  bool n = !is_error(recv) && recv->nullable;
  if (b.result == builtins::Result::MacroFilter)
    return recv->kind == TypeKind::List ? with_nullable(recv, n) : Type::list(elem, n);
  if (b.result == builtins::Result::MacroMap) return Type::list(is_error(body) ? Type::dyn() : body, n);
  return Type::boolean();
}

TypeRef Checker::unknown_method(const ast::Expr& e, const TypeRef& recv) {
  const std::string& m = e.name;
  if (is_error(recv)) return Type::error();
  // Suggest the methods of the receiver's kind (any method for dyn, the
  // string methods for a kind that has none).
  TypeKind k = recv->kind;
  if (k != TypeKind::Dyn && k != TypeKind::List && k != TypeKind::Map) k = TypeKind::String;
  auto candidates = names(
      [k](const Builtin& b) { return b.form != Form::Function && (k == TypeKind::Dyn || b.accepts.has(k)); });
  std::string hint = did_you_mean(m, candidates);
  if (hint.empty() && builtins::function(m)) hint = fmt::format("; '{}' is a function: write {}(x)", m, m);
  d_.error("P0118", e.name_span.valid() ? e.name_span : e.span,
           fmt::format("unknown method '{}' on {}{}", m, a_type(recv), hint));
  return Type::error();
}

TypeRef Checker::check_method(ast::Expr& e, Scope& s) {
  TypeRef recv = check(*e.args[0], s);
  const Builtin* b = builtins::method(e.name);
  if (b && b->form == Form::Macro) return check_macro(e, s, recv, *b);
  std::vector<TypeRef> args;
  for (size_t i = 1; i < e.args.size(); ++i) args.push_back(check(*e.args[i], s));
  if (!b) return unknown_method(e, recv);

  bool ok = check_arity(e, *b, args.size());
  if (!fits(recv, b->accepts)) {
    std::string hint =
        recv->kind == TypeKind::List && b->op == vm::Op::STR_CONTAINS ? "; for lists write 'x in l'" : "";
    d_.error("P0220", e.args[0]->span,
             fmt::format("{}() needs {}, but this is {}{}", e.name, b->accepts_text, a_type(recv), hint));
    ok = false;
  }
  if (!ok) return Type::error();
  // A duration's hours, minutes and seconds are not in any time zone.
  if (b->lowering == builtins::Lowering::TimePart && !args.empty() && !is_error(recv) &&
      recv->kind == TypeKind::Duration) {
    d_.error("P0220", e.args[1]->span,
             fmt::format("{}() of a duration takes no time zone: write d.{}()", e.name, e.name));
    return Type::error();
  }
  if (b->arity == 1 && !args.empty()) {
    if (!fits(args[0], b->arg_accepts)) {
      d_.error("P0220", e.args[1]->span,
               fmt::format("{}() needs {}, but this is {}", e.name, b->arg_text, a_type(args[0])));
      return Type::error();
    }
    check_constant_arg(*b, *e.args[1]);
  }
  return result_type(*b, recv);
}

}  // namespace play::sema
