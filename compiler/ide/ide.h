// What an editor asks of a project, by position: hover, go to definition,
// references, rename, completion, document symbols and quick fixes. The
// language server (`playc lsp`, apps/playc/lsp) speaks the protocol and
// converts positions; this stage answers from the checker's own results
// (sema::Project, its annotated AST and its diagnostics), so the editor and
// `playc check` never disagree.
//
// Positions are (file id in Project::sources, byte offset into that file's
// text); answers are Spans in the same terms. Nothing here throws, and every
// query tolerates a project whose user files had syntax errors (then not
// checked: only what the parse gave is known) and offsets past the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/sema/project.h"

namespace play::ide {

struct Position {
  uint32_t file = 0;
  uint32_t offset = 0;
};

// Markdown shown on hover, and the span of the word it is about.
struct Hover {
  std::string markdown;
  Span span;
};
// Expressions: their type (and for names, what they name and its doc);
// `signal.x`: the property's type and its doc comment from the catalog;
// `account.x` / `contact.x`: the field's type and doc; a play's name: its
// metadata; icp / list / pool / const names: their definition; actions,
// signal types after `on`, builtin functions (the builtins table's synopsis).
std::optional<Hover> hover(const sema::Project& project, Position at);

// Where the name at `at` is declared (icp, list, pool, const, let, signal
// type, signal property, entity field, action, play): usually one span.
std::vector<Span> definition(const sema::Project& project, Position at);

// Every use of the declaration named at `at` (at a use or at the declaration
// itself) across all user files; with its declaration if asked.
std::vector<Span> references(const sema::Project& project, Position at, bool include_declaration);

struct TextEdit {
  Span span;  // replaced text (begin == end: an insertion)
  std::string new_text;
};

// The span of the name that a rename at `at` would change, or an error saying
// why it cannot be renamed here ("stdlib declarations cannot be renamed").
struct RenameTarget {
  Span span;
  std::string error;  // "" when renaming is possible
};
RenameTarget prepare_rename(const sema::Project& project, Position at);
// Edits renaming the declaration at `at` and every use, in user files only;
// `error` set (and no edits) when the new name is not an identifier, is a
// keyword, or already names something the declaration would collide with.
struct RenameResult {
  std::vector<TextEdit> edits;
  std::string error;
};
RenameResult rename(const sema::Project& project, Position at, const std::string& new_name);

enum class CompletionKind {
  Keyword,
  SignalType,
  Property,
  Field,
  Variable,
  Constant,
  Function,
  Action,
  Argument,
  Snippet,
  Value
};
struct Completion {
  std::string label;
  CompletionKind kind = CompletionKind::Keyword;
  std::string detail;         // e.g. the type: "string?"
  std::string documentation;  // markdown, may be ""
  std::string insert_text;    // "" = label; LSP snippet syntax when `snippet`
  bool snippet = false;
};
// Completions at `offset` in `text`, the document as the editor has it now
// (possibly half-typed and unparsable); `project` is the newest project that
// was checked, used for what names exist (signal types, properties, fields,
// consts, lists, icps, pools, actions and their parameters). The context is
// read from the text before `offset`: signal types after `on` / `any of (`,
// properties after `signal.` (of the enclosing play's `on` type), fields after
// `account.` / `contact.`, named arguments inside an action's parentheses,
// durations after `within` / `sla`, metadata keys at the start of a play's
// line, and otherwise names in scope, keywords and actions. `path` names the
// document (it may be absent from `project`).
std::vector<Completion> complete(const sema::Project& project, std::string_view path, std::string_view text,
                                 uint32_t offset);

enum class SymbolKind {
  Play,
  Test,
  Icp,
  List,
  Pool,
  Const,
  Signal,
  Property,
  Entity,
  Field,
  Action,
  Suppress,
  Score,
  Let
};
struct Symbol {
  std::string name;
  std::string detail;  // e.g. the play's title or the signal type
  SymbolKind kind = SymbolKind::Play;
  Span span;       // the whole declaration
  Span name_span;  // its name
  std::vector<Symbol> children;
};
// The declarations of one file, as an outline (a play's lets, a signal's
// properties and an entity's fields as children).
std::vector<Symbol> document_symbols(const sema::Project& project, uint32_t file);

// A quick fix for a diagnostic: every "did you mean 'x'?" (replace the
// misspelt word with x, wherever the word is), and the lint for an enroll
// without `unless suppressed` (insert the clause, indented like the play).
struct Fix {
  std::string title;  // "Change to 'category'"
  std::vector<TextEdit> edits;
};
std::vector<Fix> quick_fixes(const sema::Project& project, const Diagnostic& diagnostic);

}  // namespace play::ide
