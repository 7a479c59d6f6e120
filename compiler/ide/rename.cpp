// Renaming a declaration and its uses in the user's files. Refused, with a
// reason, for what the language or the standard library declares, in a
// project that did not parse (its trees are guesses), and for a new name
// that is not a name, is a keyword or collides with one in its namespace.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "compiler/ide/ide.h"
#include "compiler/ide/occurrences.h"

namespace play::ide {

namespace {

// Words the grammar never takes as a name (grammar/Play.g4: `ident`).
const char* const kKeywords[] = {"signal", "entity", "list",  "const",  "pool", "icp",   "suppress",
                                 "play",   "on",     "where", "unless", "let",  "do",    "as",
                                 "in",     "not",    "and",   "or",     "true", "false", "null"};

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::ranges::all_of(s,
                             [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_keyword(std::string_view s) {
  return std::ranges::any_of(kKeywords, [&](const char* k) { return s == k; });
}

// Property, field and argument names may be any word, keywords included
// (`to: string`); the other names are `ident`s.
bool takes_keywords(SymKind k) {
  return k == SymKind::Property || k == SymKind::EntityField || k == SymKind::Param;
}

std::string what_is(const Sym& s) {
  switch (s.kind) {
    case SymKind::Envelope:
      return fmt::format("'{}' is an envelope field every signal has", s.name);
    case SymKind::SignalVar:
    case SymKind::Now:
      return fmt::format("'{}' is built into the language", s.name);
    case SymKind::Entity:
      return fmt::format("'{}' is one of the context records the language defines", s.name);
    case SymKind::Function:
    case SymKind::Method:
      return fmt::format("'{}' is a built-in function", s.name);
    case SymKind::MetaKey:
      return fmt::format("'{}' is a metadata key of the language", s.name);
    case SymKind::Outcome:
      return fmt::format("'{}' is an outcome the language defines", s.name);
    case SymKind::Test:
      return "a test's name is a string: edit it in place";
    default:
      return "";
  }
}

struct Target {
  std::vector<Occurrence> names;  // the symbol(s) at the position
  std::string error;
};

Target target(const sema::Project& project, const Index& index, Position at) {
  Target t;
  Located here = locate(project, index, at.file, at.offset);
  if (here.names.empty()) {
    t.error = "there is no name here to rename";
    return t;
  }
  const Sym& sym = here.names.front().sym;
  if (std::string why = what_is(sym); !why.empty()) {
    t.error = sym.kind == SymKind::Test ? why : why + ", so it cannot be renamed";
    return t;
  }
  if (!checked(project)) {
    t.error = "the project has syntax errors; fix them before renaming";
    return t;
  }
  for (const auto& o : here.names) {
    auto decls = declarations(project, index, o.sym);
    if (decls.empty()) {
      t.error = fmt::format("'{}' is not declared anywhere, so there is nothing to rename", sym.name);
      return t;
    }
    if (std::ranges::any_of(decls, [&](Span s) { return is_stdlib(project, s.file); })) {
      t.error = fmt::format("'{}' is declared in the standard library; stdlib declarations cannot be renamed",
                            sym.name);
      return t;
    }
  }
  t.names = std::move(here.names);
  return t;
}

std::string where(const sema::Project& project, Span s) {
  if (s.file == 0 || s.file >= project.sources.size()) return "?";
  const auto& f = project.sources.file(s.file);
  return fmt::format("{}:{}", f.path(), f.line_col(s.begin).line);
}

// Why `to` cannot be the new name of `sym`, or "".
std::string collision(const sema::Project& project, const Index& index, const Occurrence& at,
                      const std::string& to) {
  const Sym& sym = at.sym;
  auto taken = [&](const char* what, Span s) {
    return fmt::format("'{}' already names {} ({})", to, what, where(project, s));
  };
  switch (sym.kind) {
    case SymKind::Value:
    case SymKind::Play:
    case SymKind::Action: {
      if (to == "account" || to == "contact" || to == "now" || to == "signal")
        return fmt::format("'{}' is a built-in name", to);
      if (auto v = index.values.find(to); v != index.values.end())
        return taken("a const, list, pool or icp", v->second->name_span);
      if (auto p = index.plays.find(to); p != index.plays.end()) return taken("a play", p->second->name_span);
      if (auto a = index.actions.find(to); a != index.actions.end())
        return taken("an action", a->second->name_span);
      for (const auto& f : project.files)
        for (const auto& d : f.decls)
          if (d.kind == ast::DeclKind::Score && d.score && d.score->name == to)
            return taken("a score", d.score->name_span);
      if (sym.kind == SymKind::Value)
        for (const auto& [name, play] : index.plays)
          for (const auto& item : play->items)
            if (item.kind == ast::PlayItemKind::Let && item.name == to)
              return fmt::format("'{}' is a let of play '{}', which a project-level name would hide", to,
                                 name);
      return "";
    }
    case SymKind::Let:
    case SymKind::MacroVar: {
      if (to == "account" || to == "contact" || to == "now" || to == "signal")
        return fmt::format("'{}' is a built-in name", to);
      if (auto v = index.values.find(to); v != index.values.end())
        return taken("a const, list, pool or icp", v->second->name_span);
      // Another variable of the same play (or declaration) with that name would capture or be captured.
      const ast::File* file = file_of(project, at.span.file);
      if (!file) return "";
      for (const auto& o : occurrences(project, index, *file, &to))
        if (o.play == at.play && o.sym.name == to &&
            (o.sym.kind == SymKind::Let || o.sym.kind == SymKind::MacroVar))
          return taken(o.sym.kind == SymKind::Let ? "a let of this play" : "a variable of this play", o.span);
      return "";
    }
    case SymKind::Property:
      if (sema::envelope_find(to) >= 0) return fmt::format("'{}' is an envelope field every signal has", to);
      if (const auto* f = index.property(sym.owner, to))
        return taken(("a property of " + sym.owner).c_str(), f->name_span);
      return "";
    case SymKind::EntityField:
      if (const auto* f = index.field(sym.owner, to))
        return taken(("a field of " + sym.owner).c_str(), f->name_span);
      return "";
    case SymKind::Param:
      if (auto a = index.actions.find(sym.owner); a != index.actions.end())
        for (const auto& prm : a->second->params)
          if (prm.name == to) return taken(("a parameter of " + sym.owner).c_str(), prm.name_span);
      return "";
    case SymKind::SignalType:
      if (auto s = index.signals.find(to); s != index.signals.end() && !s->second.empty())
        return taken("a signal type", s->second.front()->name_span);
      return "";
    default:
      return "";
  }
}

std::string bad_name(SymKind kind, const std::string& to) {
  if (kind == SymKind::SignalType) {
    size_t dots = 0, start = 0;
    for (size_t i = 0; i <= to.size(); ++i)
      if (i == to.size() || to[i] == '.') {
        if (!is_identifier(std::string_view(to).substr(start, i - start)))
          return fmt::format("'{}' is not a signal type name: write category.name, e.g. website.page_viewed",
                             to);
        dots += i < to.size();
        start = i + 1;
      }
    if (dots == 0)
      return fmt::format("'{}' is not a signal type name: it must be dotted as category.name", to);
    return "";
  }
  if (!is_identifier(to))
    return fmt::format("'{}' is not a name: a name is letters, digits and _, and does not start with a digit",
                       to);
  if (!takes_keywords(kind) && is_keyword(to))
    return fmt::format("'{}' is a keyword and cannot be a name", to);
  return "";
}

}  // namespace

RenameTarget prepare_rename(const sema::Project& project, Position at) {
  Index index(project);
  Target t = target(project, index, at);
  if (!t.error.empty()) return {Span{}, t.error};
  return {t.names.front().span, ""};
}

RenameResult rename(const sema::Project& project, Position at, const std::string& new_name) {
  Index index(project);
  RenameResult r;
  Target t = target(project, index, at);
  if (!t.error.empty()) {
    r.error = t.error;
    return r;
  }
  const Occurrence& here = t.names.front();
  if (std::string bad = bad_name(here.sym.kind, new_name); !bad.empty()) {
    r.error = bad;
    return r;
  }
  if (new_name == here.sym.name) return r;
  for (const auto& o : t.names)
    if (std::string c = collision(project, index, o, new_name); !c.empty()) {
      r.error = c;
      return r;
    }
  std::vector<Span> spans;
  const std::string& here_name = here.sym.name;
  for (size_t i = project.stdlib_file_count; i < project.files.size(); ++i)
    for (const auto& o : occurrences(project, index, project.files[i], &here_name))
      if (std::ranges::any_of(t.names, [&](const Occurrence& h) { return h.sym == o.sym; }))
        spans.push_back(o.span);
  sort_unique(spans);
  for (Span s : spans) r.edits.push_back({s, new_name});
  return r;
}

}  // namespace play::ide
