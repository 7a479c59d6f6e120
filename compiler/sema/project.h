// A checked project: the standard library plus the user's files, parsed,
// name-resolved, type-checked and linted. This is what codegen, `playc test`,
// `playc registry` and the language server consume.
//
// What the checker writes into the AST (ast::Expr annotations), for every
// expression it reached (all of them, unless noted):
//
//   type   the expression's type (never null after checking). TypeKind::Error
//          means an error was already reported there; such a project has
//          errors and must not be compiled. `nullable` is true when the value
//          may be null at run time (context fields, `?` properties, member
//          access on a nullable value, arithmetic with a nullable operand).
//          Bare `account` / `contact` have type dyn (compare them with null);
//          bare `signal` has type dyn.
//   ref    what an Ident / Member / SignalVar names (ast::RefKind):
//          Const, List, Pool, Icp  index = position in Project::values
//          Let                     index = the let's slot in its play (0-based,
//                                  source order; Play::n_lets slots in all)
//          MacroVar                index = nesting depth of the macro that binds
//                                  it (0 = outermost macro of the expression)
//          SignalVar, Account, Contact, Now   index = -1
//          SignalField   Member on `signal`; Expr::name is the field's name.
//                        index = the field's slot in the signal's slot array,
//                        which is the envelope fields first (envelope_fields()
//                        order, kEnvelopeCount of them) and then the
//                        properties in SignalSchema::props order: so
//                        index < kEnvelopeCount is an envelope field and
//                        index - kEnvelopeCount is a property slot. For a play
//                        `on any of (...)` whose types put a property in
//                        different slots, index = -1: look it up per type
//                        with SignalSchema::find(name).
//          AccountField / ContactField   index = slot in Project::account /
//                        Project::contact .fields
//          None   everything else (literals, operators, calls, member access
//                 on a map or dyn value, where Expr::name is the key).
//   index  as above; -1 otherwise.
// Calls and methods keep their names (Expr::name); the checker guarantees
// the name exists, the arity and argument types fit, `round_robin`'s
// argument is an Ident with ref Pool, `has`'s argument is a Member, and a
// macro's first argument is an Ident with ref MacroVar (its binding).
// PlayItem::index: Let -> the let's slot; Do -> index into Project::actions;
// WhereIcp -> index into Project::values.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostics.h"

namespace play::sema {

struct Field {
  std::string name;
  TypeRef type;  // properties declared `T?` are nullable; entity fields always are
  Span span;
};

// A signal type's schema. Property slots are the indexes into `props`, in
// declaration order (stdlib first, then extensions in load order).
struct SignalSchema {
  std::string name;
  std::vector<Field> props;
  Span span;
  int find(const std::string& prop) const;  // slot or -1
};

// Envelope fields every signal has: `signal.id`, `.type`, `.source`,
// `.occurred_at`, `.received_at`, and its keys `.account`, `.contact` (a
// property of the same name wins over a key: expr_check.cpp).
const std::vector<Field>& envelope_fields();
constexpr int kEnvelopeCount = 7;
int envelope_find(const std::string& name);  // index in envelope_fields() or -1

// account / contact record layout: slots in `fields` order.
struct EntitySchema {
  std::string name;
  std::vector<Field> fields;
  int find(const std::string& field) const;
};

struct Value {  // list / const / pool / icp
  ast::ValueKind kind;
  std::string name;
  const ast::ValueDecl* decl = nullptr;
  TypeRef type;
  bool used = false;
};

struct Param {
  std::string name;
  TypeRef type;
  const ast::Expr* default_value = nullptr;  // null: required
};
struct ActionSig {
  std::string name;
  std::vector<Param> params;
  std::string sink;  // "" = named by the `sink` argument
  const ast::ActionDecl* decl = nullptr;
};

enum class Priority : uint8_t { Low, Normal, High };
enum class Mode : uint8_t { Live, Shadow };

// A play's own alert thresholds (`alert ...` lines, alerts.cpp); unset means
// playd's default for that rule. Values as the rules read them: shares as
// fractions (`alert volume below 30%` is volume_drop 0.3). `off` has one bit
// per rule silenced, in the order of kAlertRuleNames (`alert off`: all).
inline constexpr const char* kAlertRuleNames[] = {"volume_drop", "volume_spike", "success_rate",
                                                  "lag",         "latency_p95",  "undelivered"};
inline constexpr uint8_t kAllAlertRules = 63;
struct AlertOverrides {
  std::optional<double> volume_drop;      // daily volume below this share of the 7-day average
  std::optional<double> volume_spike;     // daily volume above this multiple of it
  std::optional<double> success_rate;     // actions delivered below this share
  std::optional<int64_t> lag_ms;          // oldest waiting signal of the play's lane older than this
  std::optional<int64_t> latency_ms;      // p95 signal-to-action latency above this
  std::optional<int64_t> undelivered_ms;  // an action still undelivered this long after it was issued
  uint8_t off = 0;
};

// A temporal trigger the checker accepted (`on count(...)`, `on all of
// (...)`; docs/language.md section 12): what codegen puts in vm::Pattern.
struct PatternMember {
  std::string signal_type;
  const ast::Expr* filter = nullptr;  // the member's `where`, checked over that type alone; null: none
};
struct Pattern {
  ast::OnKind kind = ast::OnKind::Signal;  // Signal: no pattern
  uint32_t threshold = 0;                  // count: N
  int64_t within_ms = 0;
  int64_t lateness_ms = 3600 * 1000;  // `lateness D` in the play's metadata; 1h by default
  ast::Per per = ast::Per::Account;
  std::vector<PatternMember> members;
  Span span;
};

struct Play {
  const ast::PlayDecl* decl = nullptr;
  std::string name;
  std::vector<std::string> signal_types;  // from `on` (one, or several for `any of`)
  std::string title, owner, oncall, runbook;
  std::vector<std::string> tags;
  Priority priority = Priority::Normal;
  int64_t sla_ms = 15 * 60 * 1000;
  Mode mode = Mode::Live;
  AlertOverrides alerts;
  int n_lets = 0;
  std::vector<std::string> icps_used;  // by `where icp N`, in order
  bool uses_suppression = false;
  uint32_t worst_case_cost = 0;        // checker's estimate (abstract steps), see cost.cpp
  bool temporal = false;               // `on` is a temporal form not supported yet (rejected with P0900)
  Pattern pattern;                     // `on count(...)` / `on all of (...)`
  std::optional<int64_t> lateness_ms;  // `lateness D`, only with a pattern
  std::vector<std::string> let_names;  // by slot
  std::vector<std::string> actions;    // action names of the `do` items, in order
};

struct Project {
  SourceSet sources;
  std::vector<ast::File> files;  // stdlib files first, then the user's, in path order
  std::map<std::string, SignalSchema> signals;
  EntitySchema account, contact;
  std::vector<Value> values;
  std::unordered_map<std::string, int> value_index;
  const ast::SuppressDecl* suppress = nullptr;
  std::vector<ActionSig> actions;
  std::unordered_map<std::string, int> action_index;
  std::vector<Play> plays;
  std::unordered_map<std::string, int> play_index;
  std::vector<const ast::TestDecl*> tests;
  size_t stdlib_file_count = 0;  // files[0 .. stdlib_file_count) are stdlib/*.play
  // check_project ran: no file had syntax errors, so the tables above and the
  // AST's annotations are filled (else only the parse is known).
  bool checked = false;
};

// Expands paths (a directory means every *.play below it, sorted), loads the
// embedded stdlib first, parses and checks everything. If any file has syntax
// errors, only those are reported: the project is not checked (a recovered
// tree would give errors about code the author did not write). Returns false on I/O
// errors (reported in `diags` with code P0001); check errors are in `diags`.
bool load_project(const std::vector<std::string>& paths, Project& project, Diagnostics& diags);

// A fixed word of the language and what it means (compiler/sema/words.cpp):
// the checker's lists of valid words, and the editor's hover and completion.
struct Word {
  const char* word;
  const char* doc;
};
const std::vector<Word>& meta_keys();  // a play's metadata keys (title, owner, ...)
const std::vector<Word>& outcomes();   // what `expect ... outcome` may name (fired, no_match, ...)
std::vector<std::string> names_of(const std::vector<Word>& words);
std::string listed(const std::vector<Word>& words);  // "a, b and c"

// A user file given as text (the language server's open documents and the
// files on disk it read): path as the diagnostics name it, and its contents.
struct SourceText {
  std::string path;
  std::string text;
};
// load_project over texts already in memory, in the order given (callers sort
// them by path as load_project does). Nothing is read from disk. `parse`
// parses one file (default syntax::parse_file; the language server passes
// its cache of unchanged files' trees).
using ParseFile = std::function<ast::File(const SourceSet& sources, uint32_t id, Diagnostics& diags)>;
void load_sources(const std::vector<SourceText>& files, Project& project, Diagnostics& diags,
                  const ParseFile& parse = {});

// A variable for a standalone expression (`playc eval --bindings`).
struct Binding {
  std::string name;
  TypeRef type;
};

// What a standalone expression may read besides consts, lists, builtins and
// its bindings (`playc eval --signal/--now/--context`).
struct ExpressionScope {
  const SignalSchema* signal = nullptr;  // `signal`, typed as in a play `on` this type; null: none
  bool now = false;                      // `now`
  bool records = false;                  // `account` and `contact`
};

// Checks `expr` (parsed into project.sources) as a standalone expression, for
// `playc eval` and the CEL conformance runner: the project's consts, lists and
// the built-in functions are visible, and `bindings` as variables (resolved as
// RefKind::Let, index = the binding's position); `signal`, `account`,
// `contact` and `now` only as `scope` allows; icps never. The project must
// have loaded without errors. Returns the expression's type (TypeKind::Error
// after diagnostics).
TypeRef check_expression(Project& project, ast::Expr& expr, const std::vector<Binding>& bindings,
                         Diagnostics& diags, const ExpressionScope& scope = {});

// Checks an already-parsed set of files (used by load_project and by tests).
void check_project(Project& project, Diagnostics& diags);

}  // namespace play::sema
