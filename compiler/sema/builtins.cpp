// The functions and methods of LANGUAGE.md section 3: arity, argument types,
// result types, and the checks that can be done on constant arguments (a
// regex pattern compiles, a timestamp or duration literal parses).
#include <fmt/format.h>
#include <re2/re2.h>

#include "compiler/sema/checker.h"

namespace play::sema {

using ast::ExprKind;
using ast::RefKind;

namespace {

const std::vector<std::string> kFunctions = {"size",      "int",      "float", "double",      "string",
                                             "timestamp", "duration", "has",   "round_robin", "dyn"};
const std::vector<std::string> kStringMethods = {"contains", "startsWith", "endsWith", "matches",
                                                 "lower",    "upper",      "size"};
const std::vector<std::string> kListMethods = {"size", "exists", "all", "filter", "map"};
const std::vector<std::string> kMapMethods = {"size", "exists", "all", "filter", "map"};

bool loose(const TypeRef& t) { return is_error(t) || t->kind == TypeKind::Dyn; }
bool kind_in(const TypeRef& t, std::initializer_list<TypeKind> kinds) {
  if (loose(t) || t->kind == TypeKind::Null) return true;
  for (auto k : kinds)
    if (t->kind == k) return true;
  return false;
}

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

}  // namespace

TypeRef Checker::check_call(ast::Expr& e, Scope& s) {
  const std::string& f = e.name;
  Span where = e.name_span.valid() ? e.name_span : e.span;
  auto arity = [&](size_t n, const char* example) {
    if (e.args.size() == n) return true;
    d_.error("P0219", e.span,
             fmt::format("{}() takes {} argument{}, but {} {} given: {}", f, n, n == 1 ? "" : "s",
                         e.args.size(), e.args.size() == 1 ? "was" : "were", example));
    for (auto& a : e.args) check(*a, s);
    return false;
  };
  auto wrong_arg = [&](const ast::Expr& a, const TypeRef& t, const char* wanted) {
    d_.error("P0220", a.span, fmt::format("{}() needs {}, but this is {}", f, wanted, a_type(t)));
    return Type::error();
  };

  if (f == "round_robin") {
    if (e.args.size() != 1) return arity(1, "round_robin(ent_sdrs)") ? Type::string() : Type::error();
    ast::Expr& a = *e.args[0];
    auto it = a.kind == ExprKind::Ident ? p_.value_index.find(a.name) : p_.value_index.end();
    if (it == p_.value_index.end() || p_.values[it->second].kind != ast::ValueKind::Pool) {
      std::vector<std::string> pools;
      for (const auto& v : p_.values)
        if (v.kind == ast::ValueKind::Pool) pools.push_back(v.name);
      std::string hint = a.kind == ExprKind::Ident ? did_you_mean(a.name, pools) : "";
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
  if (f == "has") {
    if (!arity(1, "has(signal.category)")) return Type::error();
    ast::Expr& a = *e.args[0];
    if (a.kind != ExprKind::Member) {
      check(a, s);
      d_.error("P0217", a.span, "has() tests whether a field is present: write has(signal.category)");
      return Type::error();
    }
    check(a, s);
    return Type::boolean();
  }

  static const std::unordered_map<std::string, const char*> examples = {
      {"size", "size(signal.url)"},
      {"int", "int(signal.score)"},
      {"float", "float(account.employees)"},
      {"double", "double(account.employees)"},
      {"string", "string(account.employees)"},
      {"timestamp", "timestamp(\"2026-01-31T00:00:00Z\")"},
      {"duration", "duration(\"4h\")"},
      {"dyn", "dyn(signal.score)"}};
  auto ex = examples.find(f);
  if (ex == examples.end()) {
    std::string hint;
    for (const auto& m : kStringMethods)
      if (m == f && m != "size") hint = fmt::format("; '{}' is a method: write x.{}(...)", f, f);
    for (const auto& m : {"exists", "all", "filter", "map"})
      if (f == m) hint = fmt::format("; '{}' is a list macro: write l.{}(x, ...)", f, f);
    if (hint.empty()) hint = did_you_mean(f, kFunctions);
    d_.error("P0117", where, fmt::format("unknown function '{}'{}", f, hint));
    for (auto& a : e.args) check(*a, s);
    return Type::error();
  }
  if (!arity(1, ex->second)) return Type::error();
  ast::Expr& a = *e.args[0];
  TypeRef t = check(a, s);
  bool n = !is_error(t) && t->nullable;
  using TK = TypeKind;
  if (f == "size") {
    if (!kind_in(t, {TK::String, TK::List, TK::Map})) return wrong_arg(a, t, "a string, list or map");
    return Type::integer(n);
  }
  if (f == "int") {
    // Not a duration: its unit would be a guess (compare durations with
    // durations instead: `d > 4h`, or scale them: `d / 1h`).
    if (!kind_in(t, {TK::Int, TK::Float, TK::String, TK::Timestamp}))
      return wrong_arg(a, t, "a number, string or timestamp");
    return Type::integer(n);
  }
  if (f == "float" || f == "double") {
    if (!kind_in(t, {TK::Int, TK::Float, TK::String})) return wrong_arg(a, t, "a number or a string");
    return Type::floating(n);
  }
  if (f == "string") return Type::string(n);
  // dyn(x): x, typed as dyn (CEL's way to defer a type question to run time).
  if (f == "dyn") return Type::dyn();
  // timestamp("...") and duration("..."): a constant argument is validated now.
  // As in CEL, they also accept their own type, and timestamp() an int
  // (seconds since the epoch).
  bool ts = f == "timestamp";
  if (ts && kind_in(t, {TK::Int, TK::Timestamp}) && !loose(t) && t->kind != TK::Null)
    return Type::timestamp(n);
  if (!ts && kind_in(t, {TK::Duration}) && !loose(t) && t->kind != TK::Null) return Type::duration(n);
  if (!kind_in(t, {TK::String})) return wrong_arg(a, t, ts ? "a string or an int" : "a string");
  if (auto c = constant_string(a, p_)) {
    if (ts && !valid_rfc3339(*c))
      d_.error("P0216", a.span,
               fmt::format("\"{}\" is not an RFC 3339 timestamp, e.g. \"2026-06-21T10:00:00Z\"", *c));
    if (!ts && !valid_duration(*c))
      d_.error(
          "P0216", a.span,
          fmt::format("\"{}\" is not a duration; write a number and a unit (ms s m h d w), e.g. \"4h\" or "
                      "\"1h30m\"",
                      *c));
  }
  return ts ? Type::timestamp(n) : Type::duration(n);
}

TypeRef Checker::check_macro(ast::Expr& e, Scope& s, const TypeRef& recv) {
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
             fmt::format("{}() needs a list or a map, but this is {}", m, a_type(recv)));
  }
  ast::Expr& var = *e.args[1];
  var.ref = RefKind::MacroVar;
  var.index = static_cast<int32_t>(s.macro_vars.size());
  var.type = elem;
  s.macro_vars.push_back({var.name, elem});
  TypeRef body =
      m == "map" ? check(*e.args[2], s) : check_bool(*e.args[2], s, fmt::format("the condition of {}()", m));
  s.macro_vars.pop_back();
  bool n = !is_error(recv) && recv->nullable;
  if (m == "exists" || m == "all") return Type::boolean();
  if (m == "filter") return recv->kind == TypeKind::List ? with_nullable(recv, n) : Type::list(elem, n);
  return Type::list(is_error(body) ? Type::dyn() : body, n);
}

TypeRef Checker::check_method(ast::Expr& e, Scope& s) {
  const std::string& m = e.name;
  Span where = e.name_span.valid() ? e.name_span : e.span;
  TypeRef recv = check(*e.args[0], s);
  bool macro = m == "exists" || m == "all" || m == "filter" || m == "map";
  if (macro) return check_macro(e, s, recv);
  std::vector<TypeRef> args;
  for (size_t i = 1; i < e.args.size(); ++i) args.push_back(check(*e.args[i], s));
  size_t argc = args.size();
  bool n = !is_error(recv) && recv->nullable;

  auto arity = [&](size_t want, const char* example) {
    if (argc == want) return true;
    d_.error("P0219", e.span,
             fmt::format("{}() takes {} argument{}, but {} {} given: {}", m, want, want == 1 ? "" : "s", argc,
                         argc == 1 ? "was" : "were", example));
    return false;
  };
  auto need_string_recv = [&]() {
    if (loose(recv) || recv->kind == TypeKind::String || recv->kind == TypeKind::Null) return true;
    std::string hint = recv->kind == TypeKind::List && m == "contains" ? "; for lists write 'x in l'" : "";
    d_.error("P0220", e.args[0]->span,
             fmt::format("{}() needs a string, but this is {}{}", m, a_type(recv), hint));
    return false;
  };

  if (m == "size") {
    if (!arity(0, "l.size()")) return Type::error();
    if (!loose(recv) && recv->kind != TypeKind::String && recv->kind != TypeKind::List &&
        recv->kind != TypeKind::Map) {
      d_.error("P0220", e.args[0]->span,
               fmt::format("size() needs a string, list or map, but this is {}", a_type(recv)));
      return Type::error();
    }
    return Type::integer(n);
  }
  if (m == "contains" || m == "startsWith" || m == "endsWith" || m == "matches") {
    std::string example = m == "matches" ? "s.matches(\"^ab+c$\")" : "s." + m + "(\"text\")";
    bool ok = arity(1, example.c_str());
    ok = need_string_recv() && ok;
    if (!ok) return Type::error();
    if (!loose(args[0]) && args[0]->kind != TypeKind::String) {
      d_.error("P0220", e.args[1]->span,
               fmt::format("{}() needs a string argument, but this is {}", m, a_type(args[0])));
      return Type::error();
    }
    if (m == "matches")
      if (auto pattern = constant_string(*e.args[1], p_)) {
        RE2::Options opts;
        opts.set_log_errors(false);
        RE2 re(*pattern, opts);
        if (!re.ok())
          d_.error("P0223", e.args[1]->span,
                   fmt::format("invalid regular expression: {} (RE2 syntax)", re.error()));
      }
    return Type::boolean();  // null receiver -> false
  }
  if (m == "lower" || m == "upper") {
    bool ok = arity(0, "s.lower()");
    if (!(need_string_recv() && ok)) return Type::error();
    return loose(recv) ? recv : Type::string(n);
  }
  if (is_error(recv)) return Type::error();
  const std::vector<std::string>* candidates = &kStringMethods;
  if (recv->kind == TypeKind::List) candidates = &kListMethods;
  if (recv->kind == TypeKind::Map) candidates = &kMapMethods;
  std::vector<std::string> all = kStringMethods;
  all.insert(all.end(), kListMethods.begin(), kListMethods.end());
  if (recv->kind == TypeKind::Dyn) candidates = &all;
  std::string hint = did_you_mean(m, *candidates);
  if (hint.empty() && std::find(kFunctions.begin(), kFunctions.end(), m) != kFunctions.end())
    hint = fmt::format("; '{}' is a function: write {}(x)", m, m);
  d_.error("P0118", where, fmt::format("unknown method '{}' on {}{}", m, a_type(recv), hint));
  return Type::error();
}

}  // namespace play::sema
