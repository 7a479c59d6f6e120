// The declarations of a project by name, read from the syntax trees rather
// than from the checker's tables: a project whose files had syntax errors is
// not checked (Project::values, ::signals, ... are empty), yet the editor
// still navigates what was parsed. Internal to compiler/ide.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/sema/project.h"

namespace play::ide {

struct Index {
  std::map<std::string, const ast::ValueDecl*> values;  // first declaration of each name
  std::map<std::string, const ast::PlayDecl*> plays;
  std::map<std::string, const ast::ActionDecl*> actions;
  std::map<std::string, std::vector<const ast::SignalDecl*>> signals;   // declaration and extensions
  std::map<std::string, std::vector<const ast::EntityDecl*>> entities;  // account, contact
  const ast::SuppressDecl* suppress = nullptr;

  explicit Index(const sema::Project& project);

  // The declaration of a signal type's property / an entity's field (the
  // first one, in load order), or null.
  const ast::FieldDecl* property(const std::string& type, const std::string& name) const;
  const ast::FieldDecl* field(const std::string& entity, const std::string& name) const;
  // Property names of a signal type, declaration order (extensions after).
  std::vector<const ast::FieldDecl*> properties(const std::string& type) const;
  std::vector<const ast::FieldDecl*> fields(const std::string& entity) const;

 private:
  // Per signal type / entity: its properties / fields, first declaration of each name.
  std::map<std::string, std::vector<const ast::FieldDecl*>> props_, fields_;
};

// Was the project checked (no syntax errors anywhere)? Only then are the
// AST's types and refs filled in.
bool checked(const sema::Project& project);
// Is `file` one of the standard library's files?
bool is_stdlib(const sema::Project& project, uint32_t file);
// The syntax tree of a file id, or null.
const ast::File* file_of(const sema::Project& project, uint32_t file);
// The text a span covers ("" for a span outside its file).
std::string_view text_of(const sema::Project& project, Span span);
// The `//` comment documenting a declaration: the comment after it on the
// same line, else the comment lines right above it (not a `// ----` section
// rule). Without the slashes; "" when there is none.
std::string doc_comment(const sema::Project& project, Span declaration);
// Sorted by file and position, each span once.
void sort_unique(std::vector<Span>& spans);
// The signal types of a play's `on` clause, as written.
std::vector<std::string> on_types(const ast::PlayDecl& play);

}  // namespace play::ide
