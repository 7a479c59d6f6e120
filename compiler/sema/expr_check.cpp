// Names and types of expressions (LANGUAGE.md sections 2-3). Every error is
// reported where it happens and the expression gets the Error type, which
// fits everywhere, so one mistake gives one diagnostic, not a cascade.
#include <fmt/format.h>

#include "compiler/sema/checker.h"

namespace play::sema {

using ast::ExprKind;
using ast::RefKind;

namespace {

bool loose(const TypeRef& t) { return is_error(t) || t->kind == TypeKind::Dyn; }

bool comparable(const TypeRef& a, const TypeRef& b) {
  if (loose(a) || loose(b) || a->kind == TypeKind::Null || b->kind == TypeKind::Null) return true;
  if (a->is_numeric() && b->is_numeric()) return true;
  // Lists and maps compare element-wise, so their elements follow the same
  // rule ([1] == [1.0] holds: int and float mix freely).
  if (a->kind == b->kind && (a->kind == TypeKind::List || a->kind == TypeKind::Map))
    return !a->elem || !b->elem || comparable(a->elem, b->elem);
  return same_type(*a, *b);
}

bool orderable(const TypeRef& a, const TypeRef& b) {
  if (loose(a) || loose(b)) return true;
  if (a->is_numeric() && b->is_numeric()) return true;
  if (a->kind != b->kind) return false;
  // bool orders false < true, as in CEL.
  return a->kind == TypeKind::String || a->kind == TypeKind::Duration || a->kind == TypeKind::Timestamp ||
         a->kind == TypeKind::Bool;
}

// The result of an arithmetic operator, or null when the operands do not fit.
TypeRef arithmetic(ast::Operator op, const TypeRef& l, const TypeRef& r) {
  using O = ast::Operator;
  bool n = l->nullable || r->nullable;
  auto K = [](const TypeRef& t) { return t->kind; };
  using TK = TypeKind;
  if (l->is_numeric() && r->is_numeric()) {
    if (op == O::Mod) return K(l) == TK::Int && K(r) == TK::Int ? Type::integer(n) : nullptr;
    return K(l) == TK::Int && K(r) == TK::Int ? Type::integer(n) : Type::floating(n);
  }
  if (op == O::Add) {
    if (K(l) == TK::String && K(r) == TK::String) return Type::string(n);
    if (K(l) == TK::List && K(r) == TK::List) {
      auto u = unify(l, r);
      return u ? with_nullable(u, n) : Type::list(Type::dyn(), n);
    }
    if ((K(l) == TK::Timestamp && K(r) == TK::Duration) || (K(l) == TK::Duration && K(r) == TK::Timestamp))
      return Type::timestamp(n);
    if (K(l) == TK::Duration && K(r) == TK::Duration) return Type::duration(n);
  }
  if (op == O::Sub) {
    if (K(l) == TK::Timestamp && K(r) == TK::Timestamp) return Type::duration(n);
    if (K(l) == TK::Timestamp && K(r) == TK::Duration) return Type::timestamp(n);
    if (K(l) == TK::Duration && K(r) == TK::Duration) return Type::duration(n);
  }
  if (op == O::Mul) {
    if ((K(l) == TK::Duration && r->is_numeric()) || (l->is_numeric() && K(r) == TK::Duration))
      return Type::duration(n);
  }
  if (op == O::Div) {
    if (K(l) == TK::Duration && r->is_numeric()) return Type::duration(n);
    if (K(l) == TK::Duration && K(r) == TK::Duration) return Type::floating(n);
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> Checker::visible_names(const Scope& s) const {
  std::vector<std::string> names;
  for (const auto& v : s.macro_vars) names.push_back(v.name);
  if (s.lets)
    for (const auto& l : *s.lets) names.push_back(l.name);
  if (s.context) names.insert(names.end(), {"account", "contact", "now"});
  if (s.now && !s.context) names.push_back("now");
  for (const auto& v : p_.values) names.push_back(v.name);
  return names;
}

TypeRef Checker::check_bool(ast::Expr& e, Scope& s, const std::string& clause) {
  TypeRef t = check(e, s);
  if (!is_boolish(t))
    d_.error("P0201", e.span, fmt::format("{} must be a bool expression, but this is {}", clause, a_type(t)));
  return t;
}

namespace {
// A tree recovered from a syntax error may lack operands; such a node was
// already reported by the parser and is given the Error type.
bool well_formed(const ast::Expr& e) {
  size_t need = 0;
  switch (e.kind) {
    case ExprKind::Member:
    case ExprKind::Unary:
    case ExprKind::Method:
      need = 1;
      break;
    case ExprKind::Index:
    case ExprKind::Binary:
      need = 2;
      break;
    case ExprKind::Cond:
      need = 3;
      break;
    default:
      break;
  }
  if (e.args.size() < need) return false;
  for (const auto& a : e.args)
    if (!a) return false;
  return true;
}
}  // namespace

TypeRef Checker::check(ast::Expr& e, Scope& s) {
  TypeRef t;
  if (!well_formed(e)) {
    e.type = Type::error();
    return e.type;
  }
  switch (e.kind) {
    case ExprKind::Null:
      t = Type::null();
      break;
    case ExprKind::Bool:
      t = Type::boolean();
      break;
    case ExprKind::Int:
      t = Type::integer();
      break;
    case ExprKind::Float:
      t = Type::floating();
      break;
    case ExprKind::String:
      t = Type::string();
      break;
    case ExprKind::Duration:
      t = Type::duration();
      break;
    case ExprKind::Template:
      // Any value renders (null as nothing), so the parts only need to check.
      for (auto& part : e.parts)
        if (part.is_expr && part.expr) check(*part.expr, s);
      t = Type::string();
      break;
    case ExprKind::Ident:
      t = check_ident(e, s);
      break;
    case ExprKind::SignalVar:
      if (!s.signal_props && !s.signal_unknown && s.standalone) {
        d_.error("P0113", e.span, "'signal' is not bound here: `playc eval` binds it with --signal JSON");
        t = Type::error();
      } else if (!s.signal_props && !s.signal_unknown) {
        d_.error("P0113", e.span,
                 fmt::format("'signal' is not available in {}: only clauses inside a play see the signal",
                             s.what));
        t = Type::error();
      } else {
        e.ref = RefKind::SignalVar;
        t = Type::dyn();
      }
      break;
    case ExprKind::Member:
      t = check_member(e, s);
      break;
    case ExprKind::Index:
      t = check_index(e, s);
      break;
    case ExprKind::Call:
      t = check_call(e, s);
      break;
    case ExprKind::Method:
      t = check_method(e, s);
      break;
    case ExprKind::List:
      t = check_list(e, s);
      break;
    case ExprKind::Map:
      t = check_map(e, s);
      break;
    case ExprKind::Unary:
      t = check_unary(e, s);
      break;
    case ExprKind::Binary:
      t = check_binary(e, s);
      break;
    case ExprKind::Cond:
      t = check_cond(e, s);
      break;
  }
  if (!t) t = Type::error();
  e.type = t;
  return t;
}

TypeRef Checker::check_ident(ast::Expr& e, Scope& s) {
  const std::string& n = e.name;
  for (int i = static_cast<int>(s.macro_vars.size()) - 1; i >= 0; --i)
    if (s.macro_vars[i].name == n) {
      e.ref = RefKind::MacroVar;
      e.index = i;
      return s.macro_vars[i].type;
    }
  if (s.lets) {
    for (size_t i = 0; i < s.lets->size(); ++i) {
      LetInfo& let = (*s.lets)[i];
      if (let.name != n) continue;
      let.used = true;
      if (s.in_filter) {
        d_.error("P0114", e.span,
                 fmt::format("'{}' is a let, and lets are computed only after every where/unless clause has "
                             "passed, so {} cannot use it; write the expression here instead",
                             n, s.what));
        return Type::error();
      }
      if (static_cast<int>(i) >= s.lets_visible) {
        d_.error("P0115", e.span, fmt::format("let '{}' is used before it is defined; move its `let` up", n));
        return Type::error();
      }
      e.ref = RefKind::Let;
      e.index = static_cast<int32_t>(i);
      return let.type ? let.type : Type::error();
    }
  }
  if (n == "account" || n == "contact" || n == "now") {
    if (!s.context && !(n == "now" && s.now)) {
      if (s.standalone) {
        d_.error("P0113", e.span,
                 fmt::format("'{}' is not bound here: `playc eval` binds account and contact "
                             "with --context FILE (and --signal for whose they are)",
                             n));
        return Type::error();
      }
      d_.error("P0113", e.span,
               fmt::format("'{}' is not available in {}: its value must be known at check time", n, s.what));
      return Type::error();
    }
    if (n == "now") {
      e.ref = RefKind::Now;
      return Type::timestamp();
    }
    e.ref = n == "account" ? RefKind::Account : RefKind::Contact;
    return Type::dyn();
  }
  auto it = p_.value_index.find(n);
  if (it != p_.value_index.end()) {
    Value& v = p_.values[it->second];
    v.used = true;
    e.index = it->second;
    switch (v.kind) {
      case ast::ValueKind::Const:
        e.ref = RefKind::Const;
        break;
      case ast::ValueKind::List:
        e.ref = RefKind::List;
        break;
      case ast::ValueKind::Icp:
        e.ref = RefKind::Icp;
        break;
      case ast::ValueKind::Pool:
        e.ref = RefKind::Pool;
        d_.error(
            "P0119", e.span,
            fmt::format("pool '{}' can only be used as round_robin({}), which picks its next member", n, n));
        return Type::error();
    }
    if (v.kind == ast::ValueKind::Icp && s.constant) {
      d_.error(
          "P0113", e.span,
          fmt::format("icp '{}' is not available in {}: its value must be known at check time", n, s.what));
      return Type::error();
    }
    return value_type(it->second);
  }
  auto kind = name_kinds_.find(n);  // a play, action or score
  if (kind != name_kinds_.end()) {
    d_.error("P0101", e.span, fmt::format("'{}' is a {}, not a value", n, kind->second));
    return Type::error();
  }
  std::string near = closest_name(n, visible_names(s));
  auto meant = p_.value_index.find(near);
  if (meant != p_.value_index.end()) p_.values[meant->second].used = true;  // one mistake, one diagnostic
  d_.error("P0101", e.span,
           fmt::format("unknown name '{}'{}", n, near.empty() ? "" : "; did you mean '" + near + "'?"));
  return Type::error();
}

TypeRef Checker::check_member(ast::Expr& e, Scope& s) {
  ast::Expr& recv = *e.args[0];
  TypeRef rt = check(recv, s);
  const std::string& n = e.name;
  Span where = e.name_span.valid() ? e.name_span : e.span;
  if (recv.ref == RefKind::SignalVar) {
    if (s.signal_unknown) return Type::error();
    int env = envelope_find(n);
    // The envelope's keys (`signal.account`, `signal.contact`) give way to a property of the same
    // name: crm.contact_updated's `account` is the contact's new account, as it always was.
    bool shadowed = false;
    if (n == "account" || n == "contact")
      for (const auto& p : *s.signal_props) shadowed |= p.name == n;
    if (env >= 0 && !shadowed) {
      e.ref = RefKind::SignalField;
      e.index = env;
      return envelope_fields()[env].type;
    }
    const auto& props = *s.signal_props;
    for (size_t i = 0; i < props.size(); ++i)
      if (props[i].name == n) {
        e.ref = RefKind::SignalField;
        int slot = s.prop_slots ? (*s.prop_slots)[i] : -1;
        e.index = slot >= 0 ? kEnvelopeCount + slot : -1;
        return props[i].type;
      }
    if (s.partial_props)
      for (const auto& pp : *s.partial_props)
        if (pp == n) {
          d_.error(
              "P0103", where,
              fmt::format("property '{}' is not declared (with one type) by every signal of `on {}`; use "
                          "only properties they all share",
                          n, s.signal_label));
          return Type::error();
        }
    std::vector<std::string> names;
    for (const auto& f : envelope_fields()) names.push_back(f.name);
    for (const auto& f : props) names.push_back(f.name);
    d_.error("P0102", where,
             fmt::format("unknown property '{}' on signal {}{}", n, s.signal_label, did_you_mean(n, names)));
    return Type::error();
  }
  if (recv.ref == RefKind::Account || recv.ref == RefKind::Contact) {
    bool acc = recv.ref == RefKind::Account;
    const EntitySchema& ent = acc ? p_.account : p_.contact;
    int slot = ent.find(n);
    if (slot < 0) {
      std::vector<std::string> names;
      for (const auto& f : ent.fields) names.push_back(f.name);
      d_.error("P0104", where,
               fmt::format("unknown field '{}' on {}{}", n, ent.name, did_you_mean(n, names)));
      return Type::error();
    }
    e.ref = acc ? RefKind::AccountField : RefKind::ContactField;
    e.index = slot;
    return ent.fields[slot].type;
  }
  if (loose(rt)) return rt;
  if (rt->kind == TypeKind::Map) return rt->elem ? rt->elem->as_nullable() : Type::dyn();
  d_.error("P0206", where, fmt::format("{} has no fields, so '.{}' cannot be read from it", a_type(rt), n));
  return Type::error();
}

TypeRef Checker::check_index(ast::Expr& e, Scope& s) {
  TypeRef rt = check(*e.args[0], s);
  TypeRef it = check(*e.args[1], s);
  if (loose(rt)) return rt;
  if (rt->kind == TypeKind::List) {
    if (!loose(it) && it->kind != TypeKind::Int)
      d_.error("P0207", e.args[1]->span,
               fmt::format("a list index must be an int, but this is {}", a_type(it)));
    return rt->elem ? rt->elem->as_nullable() : Type::dyn();
  }
  if (rt->kind == TypeKind::Map) {
    if (!loose(it) && it->kind != TypeKind::String)
      d_.error("P0207", e.args[1]->span,
               fmt::format("a map key must be a string, but this is {}", a_type(it)));
    return rt->elem ? rt->elem->as_nullable() : Type::dyn();
  }
  d_.error("P0207", e.span,
           fmt::format("only lists and maps can be indexed with [ ], but this is {}", a_type(rt)));
  return Type::error();
}

TypeRef Checker::check_unary(ast::Expr& e, Scope& s) {
  TypeRef t = check(*e.args[0], s);
  if (loose(t)) return t;
  if (ast::meaning(e.op) == ast::OpMeaning::Negate) {
    if (t->is_numeric() || t->kind == TypeKind::Duration) return t;
    d_.error("P0208", e.span,
             fmt::format("unary '-' needs a number or a duration, but this is {}", a_type(t)));
    return Type::error();
  }
  if (t->kind == TypeKind::Null) return Type::boolean(true);
  if (t->kind == TypeKind::Bool) return t;
  d_.error("P0208", e.span, fmt::format("'{}' needs a bool, but this is {}", ast::spelling(e.op), a_type(t)));
  return Type::error();
}

TypeRef Checker::check_binary(ast::Expr& e, Scope& s) {
  using M = ast::OpMeaning;
  const M what = ast::meaning(e.op);
  const std::string_view op = ast::spelling(e.op);
  TypeRef l = check(*e.args[0], s);
  TypeRef r = check(*e.args[1], s);
  if (what == M::LogicalAnd || what == M::LogicalOr) {
    bool ok = true;
    for (int i = 0; i < 2; ++i) {
      const TypeRef& t = i == 0 ? l : r;
      if (!is_boolish(t)) {
        d_.error("P0209", e.args[i]->span,
                 fmt::format("'{}' needs bool operands, but its {} side is {}", op, i == 0 ? "left" : "right",
                             a_type(t)));
        ok = false;
      }
    }
    if (!ok || is_error(l) || is_error(r)) return Type::error();
    return Type::boolean(l->nullable || r->nullable);
  }
  if (is_error(l) || is_error(r)) {
    // Comparisons are bool whatever went wrong inside them: keeps `where` quiet.
    bool cmp = what == M::Equality || what == M::Ordering || what == M::Membership;
    return cmp ? Type::boolean() : Type::error();
  }
  switch (what) {
    case M::Coalesce: {
      auto u = unify(with_nullable(l, false), r);
      if (!u) {
        d_.error("P0210", e.span,
                 fmt::format("the two sides of '?"
                             "?' must have the same type, but they are {} and {}",
                             l->str(), r->str()));
        return Type::error();
      }
      // Non-null exactly when the fallback is.
      return u->kind == TypeKind::Dyn ? u : with_nullable(u, r->nullable);
    }
    case M::Equality:
      if (!comparable(l, r))
        d_.error("P0211", e.span,
                 fmt::format("'{}' compares {} with {}; they can never be equal", op, a_type(l), a_type(r)));
      return Type::boolean();
    case M::Ordering:
      if (!orderable(l, r))
        d_.error("P0211", e.span,
                 fmt::format("'{}' cannot order {} and {}: both sides must be numbers, strings, durations or "
                             "timestamps of the same kind",
                             op, a_type(l), a_type(r)));
      return Type::boolean();
    case M::Membership:
      check_membership(e, l, r);
      return Type::boolean();
    default:
      break;
  }
  // Arithmetic.
  if (loose(l) || loose(r)) return Type::dyn();
  if (l->kind == TypeKind::Null || r->kind == TypeKind::Null) {
    d_.error("P0213", e.span, fmt::format("'{}' with a null operand is always null", op));
    return Type::error();
  }
  if (auto t = arithmetic(e.op, l, r)) return t;
  d_.error("P0213", e.span, fmt::format("'{}' cannot be applied to {} and {}", op, a_type(l), a_type(r)));
  return Type::error();
}

// `x in l` / `x not in l`: l a list whose elements compare with x, or a map (its keys are strings).
void Checker::check_membership(const ast::Expr& e, const TypeRef& l, const TypeRef& r) {
  const std::string_view op = ast::spelling(e.op);
  if (loose(r)) return;
  if (r->kind == TypeKind::List) {
    if (r->elem && !comparable(l, r->elem))
      d_.error("P0212", e.span,
               fmt::format("'{}' looks for {} in a {}; the element types differ", op, a_type(l), r->str()));
  } else if (r->kind == TypeKind::Map) {
    if (!loose(l) && l->kind != TypeKind::String && l->kind != TypeKind::Null)
      d_.error("P0212", e.span,
               fmt::format("'{}' on a map tests its keys, which are strings, but this is {}", op, a_type(l)));
  } else {
    d_.error("P0212", e.args[1]->span,
             fmt::format("'{}' needs a list or a map on its right side, but this is {}", op, a_type(r)));
  }
}

TypeRef Checker::check_cond(ast::Expr& e, Scope& s) {
  check_bool(*e.args[0], s, "the condition of '? :'");
  TypeRef a = check(*e.args[1], s);
  TypeRef b = check(*e.args[2], s);
  auto u = unify(a, b);
  if (!u) {
    d_.error("P0210", e.span,
             fmt::format("the branches of '? :' must have the same type, but they are {} and {}", a->str(),
                         b->str()));
    return Type::error();
  }
  return u;
}

TypeRef Checker::check_list(ast::Expr& e, Scope& s) {
  TypeRef elem;
  bool mixed = false, error = false;
  for (auto& a : e.args) {
    TypeRef t = check(*a, s);
    if (is_error(t)) error = true;
    if (!elem) {
      elem = t;
    } else if (auto u = unify(elem, t)) {
      elem = u;
    } else {
      mixed = true;
    }
  }
  if (error) return Type::error();
  return Type::list(!elem || mixed ? Type::dyn() : elem);
}

TypeRef Checker::check_map(ast::Expr& e, Scope& s) {
  TypeRef value;
  bool mixed = false, error = false;
  for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
    TypeRef k = check(*e.args[i], s);
    if (!loose(k) && k->kind != TypeKind::String) {
      d_.error("P0215", e.args[i]->span, fmt::format("map keys must be strings, but this is {}", a_type(k)));
      error = true;
    }
    TypeRef t = check(*e.args[i + 1], s);
    if (is_error(t) || is_error(k)) error = true;
    if (!value) {
      value = t;
    } else if (auto u = unify(value, t)) {
      value = u;
    } else {
      mixed = true;
    }
  }
  if (error) return Type::error();
  return Type::map(!value || mixed ? Type::dyn() : value);
}

}  // namespace play::sema
