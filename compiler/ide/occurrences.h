// Every name in a file and what it names: the common ground of hover,
// definition, references and rename. A name is resolved the way the checker
// resolves it (expr_check.cpp: macro variables, then the play's lets, then
// account / contact / now, then the project's consts, lists, pools and
// icps), but from the syntax trees and by name, so it also works on a
// project that was not checked. Internal to compiler/ide.
#pragma once

#include <string>
#include <vector>

#include "compiler/ide/index.h"

namespace play::ide {

enum class SymKind : uint8_t {
  Value,        // const / list / pool / icp: name
  Play,         // name
  Test,         // name (the test's string)
  Action,       // name
  Param,        // owner = action, name
  SignalType,   // name (dotted)
  Property,     // owner = signal type, name
  Envelope,     // name (signal.id, .type, ...)
  Entity,       // name: account / contact
  EntityField,  // owner = account / contact, name
  Let,          // scope = the play, name
  MacroVar,     // scope = the binding Ident, name
  SignalVar,    // `signal`
  Now,          // `now`
  Function,     // a builtin function: name
  Method,       // a builtin method or macro: name
  MetaKey,      // a play's metadata key: name
  Outcome,      // an expectation's outcome word: name
};

struct Sym {
  SymKind kind = SymKind::Value;
  std::string name;
  std::string owner;
  const void* scope = nullptr;
  bool operator==(const Sym& o) const {
    return kind == o.kind && name == o.name && owner == o.owner && scope == o.scope;
  }
};

struct Occurrence {
  Sym sym;
  Span span;                            // the name itself
  bool declaration = false;             // where the name is declared (not a use)
  const ast::Expr* expr = nullptr;      // the expression the name is part of, if any
  const ast::PlayDecl* play = nullptr;  // the play it is in, if any
};

// Every occurrence of a name in one file, in source order (a `signal.x` of
// a play `on any of (A, B)` gives one occurrence per type); only those of
// names spelt `name` when it is given.
std::vector<Occurrence> occurrences(const sema::Project& project, const Index& index, const ast::File& file,
                                    const std::string* name = nullptr);

// What is at a position: the occurrences whose span holds it (the word's
// end counts: the cursor just after a name is on it), the innermost first;
// and the innermost expression there (for its type).
struct Located {
  std::vector<Occurrence> names;
  const ast::Expr* expr = nullptr;
  const ast::PlayDecl* play = nullptr;
};
Located locate(const sema::Project& project, const Index& index, uint32_t file, uint32_t offset);

// Where a symbol is declared (stdlib or user files); empty for builtins.
std::vector<Span> declarations(const sema::Project& project, const Index& index, const Sym& sym);

}  // namespace play::ide
