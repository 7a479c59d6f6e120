// The outline of one file: its declarations, with a play's lets, a signal's
// properties and an entity's fields as children.
#include "compiler/ide/ide.h"
#include "compiler/ide/index.h"

namespace play::ide {

namespace {

SymbolKind value_kind(ast::ValueKind k) {
  switch (k) {
    case ast::ValueKind::List:
      return SymbolKind::List;
    case ast::ValueKind::Const:
      return SymbolKind::Const;
    case ast::ValueKind::Pool:
      return SymbolKind::Pool;
    case ast::ValueKind::Icp:
      return SymbolKind::Icp;
  }
  return SymbolKind::Const;
}

std::vector<Symbol> fields(const sema::Project& project, const std::vector<ast::FieldDecl>& fs,
                           SymbolKind kind) {
  std::vector<Symbol> out;
  for (const auto& f : fs)
    out.push_back({f.name, std::string(text_of(project, f.type.span)), kind, f.span, f.name_span, {}});
  return out;
}

Symbol play_symbol(const sema::Project& project, const ast::PlayDecl& p, Span span) {
  Symbol s{p.name, "", SymbolKind::Play, span, p.name_span, {}};
  std::string on;
  for (const auto& item : p.items) {
    if (item.kind == ast::PlayItemKind::Meta && item.name == "title" && item.expr)
      s.detail = std::string(text_of(project, item.expr->span));
    if (item.kind == ast::PlayItemKind::On && on.empty()) on = std::string(text_of(project, item.span));
    if (item.kind == ast::PlayItemKind::Let)
      s.children.push_back({item.name,
                            item.expr ? std::string(text_of(project, item.expr->span)) : "",
                            SymbolKind::Let,
                            item.span,
                            item.name_span,
                            {}});
    if (item.kind == ast::PlayItemKind::Do)
      s.children.push_back({item.name, "do", SymbolKind::Action, item.span, item.name_span, {}});
  }
  if (s.detail.empty()) s.detail = on;
  return s;
}

}  // namespace

std::vector<Symbol> document_symbols(const sema::Project& project, uint32_t file_id) {
  std::vector<Symbol> out;
  const ast::File* file = file_of(project, file_id);
  if (!file) return out;
  for (const auto& d : file->decls) {
    switch (d.kind) {
      case ast::DeclKind::Signal:
        if (d.signal)
          out.push_back({d.signal->name, "signal", SymbolKind::Signal, d.span, d.signal->name_span,
                         fields(project, d.signal->fields, SymbolKind::Property)});
        break;
      case ast::DeclKind::Entity:
        if (d.entity)
          out.push_back({d.entity->name, "entity", SymbolKind::Entity, d.span, d.entity->name_span,
                         fields(project, d.entity->fields, SymbolKind::Field)});
        break;
      case ast::DeclKind::Value:
        if (d.value)
          out.push_back({d.value->name,
                         d.value->value ? std::string(text_of(project, d.value->value->span)) : "",
                         value_kind(d.value->kind),
                         d.span,
                         d.value->name_span,
                         {}});
        break;
      case ast::DeclKind::Suppress:
        if (d.suppress) {
          Symbol s{
              "suppress", "", SymbolKind::Suppress, d.span, Span{d.span.file, d.span.begin, d.span.begin + 8},
              {}};
          for (const auto& r : d.suppress->rules)
            s.children.push_back({r.reason,
                                  r.cond ? std::string(text_of(project, r.cond->span)) : "",
                                  SymbolKind::Suppress,
                                  r.span,
                                  r.reason_span,
                                  {}});
          out.push_back(std::move(s));
        }
        break;
      case ast::DeclKind::Action:
        if (d.action)
          out.push_back(
              {d.action->name, d.action->sink, SymbolKind::Action, d.span, d.action->name_span, {}});
        break;
      case ast::DeclKind::Play:
        if (d.play) out.push_back(play_symbol(project, *d.play, d.span));
        break;
      case ast::DeclKind::Test:
        if (d.test) out.push_back({d.test->name, "test", SymbolKind::Test, d.span, d.test->name_span, {}});
        break;
      case ast::DeclKind::Score:
        if (d.score)
          out.push_back({d.score->name, "score", SymbolKind::Score, d.span, d.score->name_span, {}});
        break;
    }
  }
  // A name's span must lie within its declaration's (the protocol's rule); a
  // recovered tree may break it.
  auto fix = [](auto& self, std::vector<Symbol>& syms) -> void {
    for (auto& s : syms) {
      if (!s.name_span.valid() || s.name_span.begin < s.span.begin || s.name_span.end > s.span.end)
        s.name_span = s.span;
      if (s.name.empty()) s.name = "?";
      self(self, s.children);
    }
  };
  fix(fix, out);
  return out;
}

}  // namespace play::ide
