// The AST: our own tree, with source spans, independent of ANTLR.
//
// compiler/syntax builds it (the only code that sees ANTLR types);
// compiler/sema resolves names and fills the `type` and `ref` annotations;
// compiler/fmt prints it back; compiler/codegen lowers it to bytecode.
//
// Nodes are plain structs with a kind tag (like Lua's and Wren's compilers):
// easy to walk, easy to print, no visitor ceremony.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ast/operators.h"
#include "compiler/ast/type.h"
#include "compiler/diag/source.h"

namespace play::ast {

// ------------------------------------------------------------------ expressions

enum class ExprKind : uint8_t {
  Null,
  Bool,       // bool_value
  Int,        // int_value
  Float,      // float_value
  String,     // string_value (escapes decoded); not a template
  Duration,   // int_value = milliseconds
  Template,   // a string literal in an action argument: parts (literal text and {expr})
  Ident,      // name
  SignalVar,  // the `signal` keyword
  Member,     // args[0].name
  Index,      // args[0][args[1]]
  Call,       // name(args...)          size(x), round_robin(p), timestamp("..."), has(x.f)
  Method,     // args[0].name(args[1..]) s.contains(t), l.exists(v, p) (v is an Ident arg)
  List,       // [args...]
  Map,        // {args[0]: args[1], args[2]: args[3], ...}
  Unary,      // op args[0]            (operators.h)
  Binary,     // args[0] op args[1]    (operators.h)
  Cond,       // args[0] ? args[1] : args[2]
};

// What a name or member access refers to, filled in by the checker.
enum class RefKind : uint8_t {
  None,
  Const,         // project-level const; decl_index into Project::values
  List,          // project-level list
  Pool,          // project-level pool (only valid as round_robin's argument)
  Icp,           // named icp (used as a bool expression)
  Let,           // a play's let binding; index = position among the play's lets
  MacroVar,      // the variable of a list macro; index = nesting depth
  SignalVar,     // `signal`
  Account,       // `account` record
  Contact,       // `contact` record
  Now,           // `now`
  SignalField,   // signal.<name>: envelope field or declared property (name in Expr::name)
  AccountField,  // account.<name>; index = field slot in the entity
  ContactField,  // contact.<name>; index = field slot in the entity
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct TemplatePart {
  bool is_expr = false;
  std::string text;  // literal text (braces already unescaped)
  ExprPtr expr;      // when is_expr
  Span span;
};

struct Expr {
  ExprKind kind = ExprKind::Null;
  Span span;
  bool bool_value = false;
  int64_t int_value = 0;
  double float_value = 0;
  std::string string_value;
  std::string name;             // Ident / Member / Call / Method name
  Operator op = Operator::Add;  // Unary / Binary only
  Span name_span;               // span of the name alone (for "unknown property" carets)
  std::vector<ExprPtr> args;
  std::vector<TemplatePart> parts;
  // Did the source spell this string with a non-default quote style? (fmt keeps it)
  std::string raw;  // the literal's exact source text, for String/Int/Float/Duration

  // --- filled by the checker
  TypeRef type;
  RefKind ref = RefKind::None;
  int32_t index = -1;
};

// ------------------------------------------------------------------ types as written

struct TypeExpr {
  std::string name;  // "string", "list", "map", ...
  std::vector<TypeExpr> params;
  bool nullable = false;
  Span span;
};

// ------------------------------------------------------------------ declarations

struct FieldDecl {
  std::string name;
  Span span;  // whole field
  Span name_span;
  TypeExpr type;
};

struct SignalDecl {  // `signal T { ... }` (declares or extends)
  std::string name;  // dotted
  Span span, name_span;
  std::vector<FieldDecl> fields;
};

struct EntityDecl {  // `entity account { ... }` (extends a context record)
  std::string name;
  Span span, name_span;
  std::vector<FieldDecl> fields;
};

enum class ValueKind : uint8_t { List, Const, Pool, Icp };
// The keyword that declares such a value, as messages and hovers name it.
inline const char* value_keyword(ValueKind k) {
  switch (k) {
    case ValueKind::List:
      return "list";
    case ValueKind::Const:
      return "const";
    case ValueKind::Pool:
      return "pool";
    case ValueKind::Icp:
      return "icp";
  }
  return "value";
}
struct ValueDecl {  // list / const / pool / icp NAME = expr
  ValueKind kind;
  std::string name;
  Span span, name_span;
  ExprPtr value;
};

struct SuppressRule {
  ExprPtr cond;
  std::string reason;
  Span span, reason_span;
};
struct SuppressDecl {
  Span span;
  std::vector<SuppressRule> rules;
};

struct ParamDecl {
  std::string name;
  Span span, name_span;
  TypeExpr type;
  ExprPtr default_value;  // may be null: required
};
struct ActionDecl {  // stdlib: action enroll(sequence: string, rep: string? = null) to "sequencer"
  std::string name;
  Span span, name_span;
  std::vector<ParamDecl> params;
  std::string sink;  // "" = the sink named by the `sink` argument (webhook)
  Span sink_span;
};

// ------------------------------------------------------------------ plays

struct SignalRef {  // a signal type name, optionally filtered (temporal forms only)
  std::string name;
  Span span;
  ExprPtr filter;
};

enum class OnKind : uint8_t {
  Signal,  // on T
  AnyOf,   // on any of (T1, T2)
  // temporal (section 10): parsed, rejected by the checker with "not supported yet"
  Absence,  // on absence of T for D per X
  Count,    // on count(T where e) >= N within D per X
  AllOf,    // on all of (T where e, ...) within D per X
  Rate,     // on rate(T [where e], D) < k * baseline(T, H) per X
  Score,    // on score N crosses e
};

struct OnClause {
  OnKind kind = OnKind::Signal;
  Span span;
  std::vector<SignalRef> signals;
  // temporal parts, kept so the formatter can print them back
  std::string cmp_op;      // Count, Rate
  ExprPtr value;           // Count: N; Rate: right side; Score: threshold
  int64_t window_ms = 0;   // Absence: for D; Count/AllOf: within D; Rate: rate window
  std::string window_raw;  // the duration as written
  std::string per;         // "" or the per-clause name
  std::string score_name;  // Score
};

struct NamedArg {
  std::string name;
  Span span, name_span;
  ExprPtr value;
};

enum class PlayItemKind : uint8_t {
  Meta,              // key value           (title, owner, oncall, priority, sla, runbook, tags, mode)
  On,                // on ...
  Where,             // where expr          -> no_match
  WhereIcp,          // where icp NAME      -> not_icp
  Unless,            // unless expr as "r"  -> excluded
  UnlessSuppressed,  // unless suppressed   -> suppressed (rule's reason)
  UnlessFired,       // unless fired within D [per contact|per account] -> deduplicated
  Let,               // let NAME = expr
  Do,                // do action(name: value, ...)
  Alert,  // alert off | alert RULE off | alert MEASURE below|above|after THRESHOLD (playd's alerts)
};

enum class Per : uint8_t { Default, Contact, Account };

// How an alert threshold is written: `30%`, `5x`, `30m`, or a bare number
// (which the checker refuses, naming the unit the measure needs).
enum class AlertUnit : uint8_t { Percent, Factor, Duration, None };
enum class AlertDir : uint8_t { Below, Above, After };

struct AlertItem {
  bool off = false;     // `alert off` (measure empty) or `alert RULE off` (measure is the rule)
  std::string measure;  // "volume", "success_rate", "volume_drop" (as written; the checker knows them)
  Span measure_span;
  AlertDir dir = AlertDir::Below;
  AlertUnit unit = AlertUnit::None;
  double number = 0;  // Percent: 30 for `30%`; Factor: 5 for `5x`; None: the number
  int64_t ms = 0;     // Duration
  std::string raw;    // the threshold as written, without spaces: "30%", "5x", "30m"
  Span value_span;
};

struct PlayItem {
  PlayItemKind kind;
  Span span;
  std::string name;  // Meta key, WhereIcp icp name, Let name, Do action name
  Span name_span;
  ExprPtr expr;        // Meta value, Where/Unless condition, Let value
  std::string reason;  // Unless
  Span reason_span;
  int64_t within_ms = 0;       // UnlessFired
  std::string within_raw;      // UnlessFired: the duration as written
  Per per = Per::Default;      // UnlessFired
  OnClause on;                 // On
  std::vector<NamedArg> args;  // Do
  AlertItem alert;             // Alert
  int32_t index = -1;          // filled by the checker: Let -> let slot; Do -> action decl index
};

struct PlayDecl {
  std::string name;
  Span span, name_span;
  std::vector<PlayItem> items;  // in source order (clause order is semantics)
};

// ------------------------------------------------------------------ tests (section 9)

struct RecordField {
  std::string name;
  Span span, name_span;
  ExprPtr value;
};

enum class TestItemKind : uint8_t {
  Given,          // given account|contact { field: value, ... }
  Signal,         // signal T [at D] [{ id: .., account: .., contact: .., source: .., <properties> }]
  ExpectAction,   // expect PLAY do ACTION[(arg: value, ...)] [times N]
  ExpectOutcome,  // expect PLAY outcome KIND ["reason"] [on "signal-id"] [times N]
  ExpectNothingElse,
  After,  // after D: the test's clock moves on by D (temporal triggers' timers fire)
};

struct TestItem {
  TestItemKind kind;
  Span span;
  std::string entity;               // Given: "account" / "contact"
  std::vector<RecordField> fields;  // Given, Signal
  std::string signal_type;          // Signal
  Span type_span;
  int64_t at_ms = 0;  // Signal: offset from the test's start; After: how far the clock moves
  std::string at_raw;
  std::string play;  // Expect*
  Span play_span;
  std::string action;     // ExpectAction
  bool has_args = false;  // ExpectAction: argument subset given (even "()")
  std::vector<NamedArg> args;
  std::string outcome;  // ExpectOutcome: fired, no_match, not_icp, excluded, suppressed, deduplicated, error
  Span outcome_span;
  bool has_reason = false;
  std::string reason;
  bool has_signal_id = false;
  std::string signal_id;  // ExpectOutcome ... on "id"
  bool has_times = false;
  int64_t times = 1;
};

struct TestDecl {
  std::string name;
  Span span, name_span;
  std::vector<TestItem> items;
};

// ------------------------------------------------------------------ temporal score (reserved)

struct ScoreRule {
  SignalRef signal;
  ExprPtr weight;
  Span span;
};
struct ScoreDecl {
  std::string name;
  Span span, name_span;
  std::string per;
  int64_t half_life_ms = 0;
  std::string half_life_raw;
  std::vector<ScoreRule> rules;
};

// ------------------------------------------------------------------ file

enum class DeclKind : uint8_t { Signal, Entity, Value, Suppress, Action, Play, Test, Score };

// One top-level declaration; exactly the member matching `kind` is set.
struct Decl {
  DeclKind kind;
  Span span;
  std::unique_ptr<SignalDecl> signal;
  std::unique_ptr<EntityDecl> entity;
  std::unique_ptr<ValueDecl> value;
  std::unique_ptr<SuppressDecl> suppress;
  std::unique_ptr<ActionDecl> action;
  std::unique_ptr<PlayDecl> play;
  std::unique_ptr<TestDecl> test;
  std::unique_ptr<ScoreDecl> score;
};

struct Comment {
  Span span;
  std::string text;  // including the // or /* */
  bool own_line;     // nothing but whitespace before it on its line
};

struct File {
  uint32_t file_id = 0;  // into the SourceSet
  std::vector<Decl> decls;
  std::vector<Comment> comments;  // in source order (for the formatter)
};

}  // namespace play::ast
