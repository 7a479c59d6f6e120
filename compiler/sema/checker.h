// The checker's internal state, shared by the files of compiler/sema (one
// concept per file: declare, types, expressions, builtins, plays, tests,
// lints, cost). Not part of the public API: use project.h.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/builtins/builtins.h"
#include "compiler/sema/project.h"

namespace play::sema {

// A play's `let` bindings while the play is checked.
struct LetInfo {
  std::string name;
  Span name_span;
  TypeRef type;
  bool used = false;
};

struct MacroVar {
  std::string name;
  TypeRef type;
};

// What an expression may see. Built per clause by the code that checks it.
struct Scope {
  // What is being checked, for messages: "a const", "a where clause", ...
  std::string what;
  // The `signal` variable: props of the `on` type(s); null when `signal` is
  // not available here (const, icp, suppress rule).
  const std::vector<Field>* signal_props = nullptr;
  std::string signal_label;  // "website.page_viewed" or "any of (a, b)"
  // The play's signal is unknown (bad or temporal `on`): an error was already
  // reported, so `signal.x` quietly has the Error type.
  bool signal_unknown = false;
  // For `on any of`: properties that exist in some listed type but not all.
  const std::vector<std::string>* partial_props = nullptr;
  // The slot of each of signal_props in its SignalSchema; -1 where the types
  // of `on any of` put the property in different slots.
  const std::vector<int>* prop_slots = nullptr;
  bool context = false;     // account, contact, now
  bool now = false;         // now alone (a standalone expression given a clock)
  bool standalone = false;  // `playc eval`: an unavailable name is one it was not given
  bool constant = false;    // only literals and const/list names (const, list, pool)
  std::vector<LetInfo>* lets = nullptr;
  int lets_visible = 0;    // lets [0, lets_visible) may be used here
  bool in_filter = false;  // a where/unless clause: lets are not computed yet
  std::vector<MacroVar> macro_vars;
};

// The signal scope of a play: the properties `signal.x` may name.
struct SignalScope {
  std::vector<Field> props;
  std::vector<int> slots;  // per prop: its slot, or -1 (on any of, different slots)
  std::vector<std::string> partial;
  std::string label;
  bool unknown = false;
};

// The signal scope of a play `on` these types (play_check.cpp).
SignalScope signal_scope(const std::vector<const SignalSchema*>& types);

// What the clauses of one play may see: its signal scope and its lets.
struct PlayScope {
  SignalScope signal;
  std::vector<LetInfo> lets;
  // The scope of one clause; `filter`: a where/unless clause (no lets yet).
  Scope clause(const std::string& what, bool filter);
};

// What check_clauses found that the play's lints need.
struct ClauseSummary {
  bool has_suppressed = false, has_fired = false;
  const ast::PlayItem* enroll = nullptr;  // the first `do enroll`
};

enum class ValueState : uint8_t { Unchecked, Checking, Done };

class Checker {
 public:
  Checker(Project& project, Diagnostics& diags) : p_(project), d_(diags) {}
  void run();
  // expression.cpp: a standalone expression after run() on another Checker.
  TypeRef check_standalone(ast::Expr& expr, const std::vector<Binding>& bindings,
                           const ExpressionScope& scope);

  // declare.cpp: the project-wide namespace and schemas.
  void declare_all();
  void declare_signal(const ast::SignalDecl& s);
  void declare_entity(const ast::EntityDecl& e);
  void declare_action(const ast::ActionDecl& a);
  bool claim_name(const std::string& name, Span span, const std::string& what);

  // types.cpp: types as written -> TypeRef.
  TypeRef resolve_type(const ast::TypeExpr& t);

  // expr_check.cpp: every expression goes through check().
  TypeRef check(ast::Expr& e, Scope& s);
  TypeRef check_bool(ast::Expr& e, Scope& s, const std::string& clause);
  TypeRef value_type(int value_index);  // checks the value's declaration on first use

  // builtins.cpp: calls of the builtins table's functions, methods and macros.
  TypeRef check_call(ast::Expr& e, Scope& s);
  TypeRef check_method(ast::Expr& e, Scope& s);

  // play_check.cpp, test_check.cpp, lints.cpp, cost.cpp
  void check_values();
  void check_suppress();
  void check_play(ast::PlayDecl& decl);
  // pattern_score.cpp: `score` declarations, `on score NAME crosses N`, the unused-score lint
  void check_score(const ast::ScoreDecl& decl);
  void lint_unused_scores();
  void check_test(ast::TestDecl& decl);
  // Named arguments against an action's parameters. `subset`: a test's
  // expectation, which may leave out required ones.
  void check_action_args(const ActionSig& sig, std::vector<ast::NamedArg>& args, Scope& s, Span call,
                         bool subset);
  void lint_unused_values();
  void lint_double_enrollment();
  uint32_t play_cost(const Play& play);

  bool is_user_span(Span s) const { return s.file > stdlib_last_file_; }
  Project& project() { return p_; }
  Diagnostics& diags() { return d_; }

  // Checked args of `do` items, for `expect P do A`: which actions a play issues.
  std::unordered_map<std::string, std::vector<std::string>> play_actions;
  // Unless-reasons per play, for `expect P outcome excluded "r"`.
  std::unordered_map<std::string, std::vector<std::string>> play_unless_reasons;

 private:
  TypeRef check_ident(ast::Expr& e, Scope& s);
  TypeRef check_member(ast::Expr& e, Scope& s);
  TypeRef check_index(ast::Expr& e, Scope& s);
  TypeRef check_unary(ast::Expr& e, Scope& s);
  TypeRef check_binary(ast::Expr& e, Scope& s);
  void check_membership(const ast::Expr& e, const TypeRef& l, const TypeRef& r);
  TypeRef check_cond(ast::Expr& e, Scope& s);
  TypeRef check_list(ast::Expr& e, Scope& s);
  TypeRef check_map(ast::Expr& e, Scope& s);
  TypeRef check_macro(ast::Expr& e, Scope& s, const TypeRef& recv, const builtins::Builtin& b);
  // play_check.cpp: the steps of check_play
  void check_play_metadata(ast::PlayDecl& decl, Play& play, bool user);
  bool check_meta_value(const std::string& key, const ast::Expr& value, Play& play);
  // alerts.cpp: the play's `alert` lines -> Play::alerts
  void check_play_alerts(const ast::PlayDecl& decl, Play& play);
  uint8_t check_alert_threshold(const ast::AlertItem& a, Play& play);  // the rule's bit, 0 on an error
  SignalScope check_on(ast::PlayDecl& decl, Play& play);
  SignalScope check_pattern(ast::OnClause& on, Play& play);
  // pattern_rate.cpp: `on rate(T, W) OP k * baseline(T, H)` (P0335-P0339)
  void check_rate(const ast::OnClause& on, Pattern& pat);
  void check_rate_lateness(const ast::PlayDecl& decl, const Pattern& pat);
  SignalScope check_score_trigger(ast::OnClause& on, Play& play);  // pattern_score.cpp
  SignalScope check_absence(ast::OnClause& on, Play& play);        // pattern_absence.cpp
  std::vector<LetInfo> declare_lets(ast::PlayDecl& decl, Play& play);
  ClauseSummary check_clauses(ast::PlayDecl& decl, Play& play, PlayScope& scope);
  void check_where_icp(ast::PlayItem& item, Play& play);
  bool check_do(ast::PlayItem& item, Play& play, const std::string& play_name, Scope& s);
  void lint_play(const ast::PlayDecl& decl, const ClauseSummary& summary, const std::vector<LetInfo>& lets,
                 bool user);
  // mistakes.cpp: common mistakes visible in one expression (P0507, P0508)
  void lint_not_of_nullable(const ast::Expr& where);
  void lint_literal_template(const ast::Expr& e, const std::string& where);
  // test_check.cpp: the steps of check_test
  void check_test_value(ast::RecordField& f, const TypeRef& want, const std::string& what, Scope& s);
  const Play* find_test_play(const ast::TestItem& item);
  void check_given(ast::TestItem& item, Scope& s);
  void check_test_signal(ast::TestItem& item, Scope& s);
  void check_expect_action(ast::TestItem& item, Scope& s);
  void check_expect_outcome(const ast::TestItem& item);
  bool check_arity(const ast::Expr& e, const builtins::Builtin& b, size_t given);
  void check_constant_arg(const builtins::Builtin& b, const ast::Expr& arg);
  TypeRef check_pool_arg(ast::Expr& arg);
  TypeRef unknown_function(ast::Expr& e, Scope& s);
  TypeRef unknown_method(const ast::Expr& e, const TypeRef& recv);
  std::vector<std::string> visible_names(const Scope& s) const;

  Project& p_;
  Diagnostics& d_;
  uint32_t stdlib_last_file_ = 0;
  std::unordered_map<std::string, Span> names_;              // project-wide namespace: first declaration
  std::unordered_map<std::string, std::string> name_kinds_;  // "play", "action", ...
  std::vector<ast::ValueDecl*> value_decls_;
  std::vector<ValueState> value_state_;

  friend void declare_files(Checker&);
};

// ---- helpers shared by the checker's files (types.cpp)

// The type both branches fit (for `? :`, `??`, list literals), or null.
TypeRef unify(const TypeRef& a, const TypeRef& b);
bool is_error(const TypeRef& t);
bool is_boolish(const TypeRef& t);  // bool, bool?, dyn, null, error
TypeRef with_nullable(const TypeRef& t, bool nullable);
// "int", "string?", ... for messages, with an article: "an int", "a string?".
std::string a_type(const TypeRef& t);

// A check-time constant string (a literal, or a const naming one), or null.
std::optional<std::string> constant_string(const ast::Expr& e, const Project& p);
// Does `e` read anything that varies per signal (signal, account, contact,
// now, lets, icps) or rotate a pool?
bool is_constant_expr(const ast::Expr& e, const Project& p);

}  // namespace play::sema
