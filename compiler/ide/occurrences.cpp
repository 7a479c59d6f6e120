#include "compiler/ide/occurrences.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "compiler/builtins/builtins.h"

namespace play::ide {

namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The span of the word that follows `keyword` after `from` in a span's text:
// `expect p do enroll` has no span for `enroll` in the AST.
Span word_after(const sema::Project& project, Span within, uint32_t from, std::string_view keyword) {
  std::string_view text = text_of(project, within);
  if (text.empty() || from < within.begin || from > within.end) return {};
  size_t i = from - within.begin;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  skip_space();
  if (!keyword.empty()) {
    if (text.substr(i, keyword.size()) != keyword) return {};
    i += keyword.size();
    skip_space();
  }
  size_t b = i;
  while (i < text.size() && is_word_char(text[i])) ++i;
  if (i == b) return {};
  return Span{within.file, within.begin + uint32_t(b), within.begin + uint32_t(i)};
}

bool is_envelope_key_in_test(const std::string& n) {
  return n == "id" || n == "account" || n == "contact" || n == "source";
}

struct Walker {
  const sema::Project& project;
  const Index& index;
  std::vector<Occurrence>& out;
  std::vector<std::pair<const ast::Expr*, const ast::PlayDecl*>>* exprs;

  // Only the declarations holding this offset (locate), only names spelt
  // so (references): a query walks what it needs, on every keystroke.
  std::optional<uint32_t> only_at;
  const std::string* only_name = nullptr;

  Walker(const sema::Project& p, const Index& i, std::vector<Occurrence>& o,
         std::vector<std::pair<const ast::Expr*, const ast::PlayDecl*>>* e = nullptr)
      : project(p), index(i), out(o), exprs(e) {}

  const ast::PlayDecl* play = nullptr;
  std::vector<std::string> types;  // the play's `on` types
  std::vector<const ast::Expr*> macro_vars;
  const ast::Expr* current = nullptr;

  void add(SymKind kind, std::string name, Span span, bool decl = false, std::string owner = "",
           const void* scope = nullptr) {
    if (!span.valid() || name.empty() || (only_name && name != *only_name)) return;
    out.push_back({Sym{kind, std::move(name), std::move(owner), scope}, span, decl, current, play});
  }

  bool is_let(const std::string& n) const {
    if (!play || index.values.count(n) || n == "account" || n == "contact" || n == "now") return false;
    for (const auto& item : play->items)
      if (item.kind == ast::PlayItemKind::Let && item.name == n) return true;
    return false;
  }
  const ast::Expr* macro_var(const std::string& n) const {
    for (auto it = macro_vars.rbegin(); it != macro_vars.rend(); ++it)
      if ((*it)->name == n) return *it;
    return nullptr;
  }
  // Does this Ident name the account or contact record?
  bool is_entity(const ast::Expr& e) const {
    return e.kind == ast::ExprKind::Ident && (e.name == "account" || e.name == "contact") &&
           !macro_var(e.name);
  }

  void ident(const ast::Expr& e) {
    const std::string& n = e.name;
    if (const ast::Expr* bound = macro_var(n)) return add(SymKind::MacroVar, n, e.span, false, "", bound);
    if (is_let(n)) return add(SymKind::Let, n, e.span, false, "", play);
    if (n == "account" || n == "contact") return add(SymKind::Entity, n, e.span);
    if (n == "now") return add(SymKind::Now, n, e.span);
    if (index.values.count(n)) return add(SymKind::Value, n, e.span);
  }

  void member(const ast::Expr& e) {
    const ast::Expr* recv = e.args.empty() ? nullptr : e.args[0].get();
    if (!recv) return;
    const std::string& n = e.name;
    if (recv->kind == ast::ExprKind::SignalVar) {
      bool shadowed = false;
      if (n == "account" || n == "contact")
        for (const auto& t : types) shadowed |= index.property(t, n) != nullptr;
      if (sema::envelope_find(n) >= 0 && !shadowed) return add(SymKind::Envelope, n, e.name_span);
      for (const auto& t : types)
        if (index.property(t, n)) add(SymKind::Property, n, e.name_span, false, t);
      return;
    }
    if (is_entity(*recv) && index.field(recv->name, n))
      add(SymKind::EntityField, n, e.name_span, false, recv->name);
  }

  void expr(const ast::Expr* e) {
    if (!e) return;
    const ast::Expr* outer = current;
    current = e;
    if (exprs) exprs->push_back({e, play});
    switch (e->kind) {
      case ast::ExprKind::Ident:
        ident(*e);
        break;
      case ast::ExprKind::SignalVar:
        add(SymKind::SignalVar, "signal", e->span);
        break;
      case ast::ExprKind::Member:
        if (!e->args.empty()) expr(e->args[0].get());
        current = e;
        member(*e);
        break;
      case ast::ExprKind::Call:
        add(SymKind::Function, e->name, e->name_span);
        for (const auto& a : e->args) expr(a.get());
        break;
      case ast::ExprKind::Method: {
        if (!e->args.empty()) expr(e->args[0].get());
        current = e;
        add(SymKind::Method, e->name, e->name_span);
        const builtins::Builtin* b = builtins::method(e->name);
        bool macro = b && b->form == builtins::Form::Macro && e->args.size() == 3 && e->args[1] &&
                     e->args[1]->kind == ast::ExprKind::Ident;
        if (macro) {
          const ast::Expr* var = e->args[1].get();
          current = var;
          if (exprs) exprs->push_back({var, play});
          add(SymKind::MacroVar, var->name, var->span, true, "", var);
          macro_vars.push_back(var);
          expr(e->args[2].get());
          macro_vars.pop_back();
        } else {
          for (size_t i = 1; i < e->args.size(); ++i) expr(e->args[i].get());
        }
        break;
      }
      case ast::ExprKind::Template:
        for (const auto& part : e->parts)
          if (part.is_expr) expr(part.expr.get());
        break;
      default:
        for (const auto& a : e->args) expr(a.get());
        break;
    }
    current = outer;
  }

  void play_decl(const ast::PlayDecl& decl) {
    play = &decl;
    types = on_types(decl);
    add(SymKind::Play, decl.name, decl.name_span, true);
    for (const auto& item : decl.items) {
      switch (item.kind) {
        case ast::PlayItemKind::Meta:
          add(SymKind::MetaKey, item.name, item.name_span);
          break;
        case ast::PlayItemKind::On:
          for (const auto& s : item.on.signals) {
            add(SymKind::SignalType, s.name, s.span);
            expr(s.filter.get());
          }
          expr(item.on.value.get());
          break;
        case ast::PlayItemKind::Where:
        case ast::PlayItemKind::Unless:
          expr(item.expr.get());
          break;
        case ast::PlayItemKind::WhereIcp:
          if (index.values.count(item.name)) add(SymKind::Value, item.name, item.name_span);
          break;
        case ast::PlayItemKind::Let:
          if (is_let(item.name)) add(SymKind::Let, item.name, item.name_span, true, "", play);
          expr(item.expr.get());
          break;
        case ast::PlayItemKind::Do:
          add(SymKind::Action, item.name, item.name_span);
          for (const auto& a : item.args) {
            add(SymKind::Param, a.name, a.name_span, false, item.name);
            expr(a.value.get());
          }
          break;
        case ast::PlayItemKind::UnlessSuppressed:
        case ast::PlayItemKind::UnlessFired:
        case ast::PlayItemKind::Alert:
          break;
      }
    }
    play = nullptr;
    types.clear();
  }

  void test_decl(const ast::TestDecl& decl) {
    add(SymKind::Test, decl.name, decl.name_span, true);
    for (const auto& item : decl.items) {
      switch (item.kind) {
        case ast::TestItemKind::Given:
          add(SymKind::Entity, item.entity, word_after(project, item.span, item.span.begin, "given"));
          for (const auto& f : item.fields) {
            if (index.field(item.entity, f.name))
              add(SymKind::EntityField, f.name, f.name_span, false, item.entity);
            expr(f.value.get());
          }
          break;
        case ast::TestItemKind::Signal:
          add(SymKind::SignalType, item.signal_type, item.type_span);
          for (const auto& f : item.fields) {
            if (is_envelope_key_in_test(f.name))
              add(SymKind::Envelope, f.name, f.name_span);
            else if (index.property(item.signal_type, f.name))
              add(SymKind::Property, f.name, f.name_span, false, item.signal_type);
            expr(f.value.get());
          }
          break;
        case ast::TestItemKind::ExpectAction:
          add(SymKind::Play, item.play, item.play_span);
          if (item.play_span.valid())
            add(SymKind::Action, item.action, word_after(project, item.span, item.play_span.end, "do"));
          for (const auto& a : item.args) {
            add(SymKind::Param, a.name, a.name_span, false, item.action);
            expr(a.value.get());
          }
          break;
        case ast::TestItemKind::ExpectOutcome:
          add(SymKind::Play, item.play, item.play_span);
          add(SymKind::Outcome, item.outcome, item.outcome_span);
          break;
        case ast::TestItemKind::ExpectNothingElse:
        case ast::TestItemKind::After:
          break;
      }
    }
  }

  void fields(SymKind kind, const std::string& owner, const std::vector<ast::FieldDecl>& fs) {
    for (const auto& f : fs) add(kind, f.name, f.name_span, true, owner);
  }

  void file(const ast::File& f) {
    for (const auto& d : f.decls) {
      if (only_at && !(d.span.begin <= *only_at && *only_at <= d.span.end)) continue;
      switch (d.kind) {
        case ast::DeclKind::Signal:
          if (!d.signal) break;
          add(SymKind::SignalType, d.signal->name, d.signal->name_span, true);
          fields(SymKind::Property, d.signal->name, d.signal->fields);
          break;
        case ast::DeclKind::Entity:
          if (!d.entity) break;
          add(SymKind::Entity, d.entity->name, d.entity->name_span, true);
          fields(SymKind::EntityField, d.entity->name, d.entity->fields);
          break;
        case ast::DeclKind::Value:
          if (!d.value) break;
          add(SymKind::Value, d.value->name, d.value->name_span, true);
          expr(d.value->value.get());
          break;
        case ast::DeclKind::Suppress:
          if (!d.suppress) break;
          for (const auto& r : d.suppress->rules) expr(r.cond.get());
          break;
        case ast::DeclKind::Action:
          if (!d.action) break;
          add(SymKind::Action, d.action->name, d.action->name_span, true);
          for (const auto& prm : d.action->params) {
            add(SymKind::Param, prm.name, prm.name_span, true, d.action->name);
            expr(prm.default_value.get());
          }
          break;
        case ast::DeclKind::Play:
          if (d.play) play_decl(*d.play);
          break;
        case ast::DeclKind::Test:
          if (d.test) test_decl(*d.test);
          break;
        case ast::DeclKind::Score:
          if (!d.score) break;
          for (const auto& r : d.score->rules) {
            add(SymKind::SignalType, r.signal.name, r.signal.span);
            expr(r.signal.filter.get());
            expr(r.weight.get());
          }
          break;
      }
    }
  }
};

bool holds(Span s, uint32_t offset) { return s.begin <= offset && offset <= s.end; }
// Strictly inside beats touching the end: in `a+b` at `+`'s offset, `+`
// not `a`.
bool better(Span a, Span b, uint32_t offset) {
  bool ai = offset < a.end, bi = offset < b.end;
  if (ai != bi) return ai;
  return a.end - a.begin < b.end - b.begin;
}

}  // namespace

std::vector<Occurrence> occurrences(const sema::Project& project, const Index& index, const ast::File& file,
                                    const std::string* name) {
  std::vector<Occurrence> out;
  Walker w(project, index, out);
  w.only_name = name;
  w.file(file);
  return out;
}

Located locate(const sema::Project& project, const Index& index, uint32_t file_id, uint32_t offset) {
  Located at;
  const ast::File* file = file_of(project, file_id);
  if (!file) return at;
  std::vector<Occurrence> all;
  std::vector<std::pair<const ast::Expr*, const ast::PlayDecl*>> exprs;
  Walker w(project, index, all, &exprs);
  w.only_at = offset;
  w.file(*file);
  for (auto& o : all)
    if (o.span.file == file_id && holds(o.span, offset)) at.names.push_back(std::move(o));
  std::stable_sort(at.names.begin(), at.names.end(),
                   [&](const Occurrence& a, const Occurrence& b) { return better(a.span, b.span, offset); });
  // Keep the innermost name only (several occurrences when it is shared, as
  // a property of `on any of`).
  if (!at.names.empty()) {
    Span best = at.names.front().span;
    std::erase_if(at.names,
                  [&](const Occurrence& o) { return o.span.begin != best.begin || o.span.end != best.end; });
  }
  for (const auto& [e, play] : exprs)
    if (e->span.file == file_id && holds(e->span, offset) &&
        (!at.expr || better(e->span, at.expr->span, offset)))
      at.expr = e;
  for (const auto& d : file->decls)
    if (d.kind == ast::DeclKind::Play && d.play && holds(d.span, offset)) at.play = d.play.get();
  return at;
}

std::vector<Span> declarations(const sema::Project& project, const Index& index, const Sym& sym) {
  (void)project;
  std::vector<Span> out;
  auto field_decls = [&](const auto* decls) {
    if (!decls) return;
    for (const auto* d : *decls)
      for (const auto& f : d->fields)
        if (f.name == sym.name) out.push_back(f.name_span);
  };
  switch (sym.kind) {
    case SymKind::Value:
      if (auto it = index.values.find(sym.name); it != index.values.end())
        out.push_back(it->second->name_span);
      break;
    case SymKind::Play:
      if (auto it = index.plays.find(sym.name); it != index.plays.end()) out.push_back(it->second->name_span);
      break;
    case SymKind::Action:
      if (auto it = index.actions.find(sym.name); it != index.actions.end())
        out.push_back(it->second->name_span);
      break;
    case SymKind::Param:
      if (auto it = index.actions.find(sym.owner); it != index.actions.end())
        for (const auto& prm : it->second->params)
          if (prm.name == sym.name) out.push_back(prm.name_span);
      break;
    case SymKind::SignalType:
      if (auto it = index.signals.find(sym.name); it != index.signals.end())
        for (const auto* d : it->second) out.push_back(d->name_span);
      break;
    case SymKind::Property:
      if (auto it = index.signals.find(sym.owner); it != index.signals.end()) field_decls(&it->second);
      break;
    case SymKind::Entity:
      if (auto it = index.entities.find(sym.name); it != index.entities.end())
        for (const auto* d : it->second) out.push_back(d->name_span);
      break;
    case SymKind::EntityField:
      if (auto it = index.entities.find(sym.owner); it != index.entities.end()) field_decls(&it->second);
      break;
    case SymKind::Let:
      for (const auto& item : static_cast<const ast::PlayDecl*>(sym.scope)->items)
        if (item.kind == ast::PlayItemKind::Let && item.name == sym.name) {
          out.push_back(item.name_span);
          break;
        }
      break;
    case SymKind::MacroVar:
      out.push_back(static_cast<const ast::Expr*>(sym.scope)->span);
      break;
    case SymKind::Test:
    case SymKind::Envelope:
    case SymKind::SignalVar:
    case SymKind::Now:
    case SymKind::Function:
    case SymKind::Method:
    case SymKind::MetaKey:
    case SymKind::Outcome:
      break;
  }
  return out;
}

}  // namespace play::ide
