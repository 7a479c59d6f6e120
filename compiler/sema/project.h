// A checked project: the standard library plus the user's files, parsed,
// name-resolved, type-checked and linted. This is what codegen, `playc test`,
// `playc registry` and the language server consume.
#pragma once

#include <map>
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
// `.occurred_at`, `.received_at`.
const std::vector<Field>& envelope_fields();

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

struct Play {
  const ast::PlayDecl* decl = nullptr;
  std::string name;
  std::vector<std::string> signal_types;  // from `on` (one, or several for `any of`)
  std::string title, owner, oncall, runbook;
  std::vector<std::string> tags;
  Priority priority = Priority::Normal;
  int64_t sla_ms = 15 * 60 * 1000;
  Mode mode = Mode::Live;
  int n_lets = 0;
  std::vector<std::string> icps_used;  // by `where icp N`, in order
  bool uses_suppression = false;
  uint32_t worst_case_cost = 0;  // checker's estimate (abstract steps)
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
  size_t stdlib_file_count = 0;
};

// Expands paths (a directory means every *.play below it, sorted), loads the
// embedded stdlib first, parses and checks everything. Returns false on I/O
// errors (reported in `diags` with code P0001); check errors are in `diags`.
bool load_project(const std::vector<std::string>& paths, Project& project, Diagnostics& diags);

// Checks an already-parsed set of files (used by load_project and by tests).
void check_project(Project& project, Diagnostics& diags);

}  // namespace play::sema
