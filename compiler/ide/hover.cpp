// Hover: what the name under the cursor is (its declaration, type and doc
// comment), or the type of the expression there.
#include <fmt/format.h>

#include "compiler/ide/describe.h"
#include "compiler/ide/ide.h"
#include "compiler/ide/occurrences.h"

namespace play::ide {

namespace {

std::string code(std::string_view text) { return fmt::format("```play\n{}\n```", text); }

std::string with_doc(std::string md, const std::string& doc) {
  if (!doc.empty()) md += "\n\n" + doc;
  return md;
}

std::string type_of(const ast::Expr* e) { return e && e->type ? e->type->str() : ""; }

struct Hoverer {
  const sema::Project& project;
  const Index& index;

  std::string value(const Sym& s) {
    auto it = index.values.find(s.name);
    if (it == index.values.end()) return "";
    const ast::ValueDecl& d = *it->second;
    std::string md = code(text_of(project, d.span));
    if (auto v = project.value_index.find(s.name);
        v != project.value_index.end() && project.values[v->second].type)
      md += fmt::format("\n\n{} `{}`: {}", ast::value_keyword(d.kind), s.name,
                        project.values[v->second].type->str());
    return with_doc(md, doc_comment(project, d.span));
  }

  std::string play(const Sym& s) {
    auto it = index.plays.find(s.name);
    if (it == index.plays.end()) return "";
    const ast::PlayDecl& d = *it->second;
    std::string lines = "play " + d.name;
    for (const auto& item : d.items)
      if (item.kind == ast::PlayItemKind::Meta || item.kind == ast::PlayItemKind::On)
        lines += "\n  " + std::string(text_of(project, item.span));
    std::string md = code(lines);
    if (auto p = project.play_index.find(s.name); p != project.play_index.end()) {
      const sema::Play& pl = project.plays[p->second];
      md += fmt::format("\n\nSLA {}, {} priority, {}",
                        pl.sla_ms % 3600000 == 0 ? fmt::format("{}h", pl.sla_ms / 3600000)
                                                 : fmt::format("{}m", pl.sla_ms / 60000),
                        pl.priority == sema::Priority::High  ? "high"
                        : pl.priority == sema::Priority::Low ? "low"
                                                             : "normal",
                        pl.mode == sema::Mode::Shadow ? "shadow" : "live");
      if (!pl.actions.empty()) {
        std::string acts;
        for (const auto& a : pl.actions) acts += (acts.empty() ? "" : ", ") + a;
        md += "; does " + acts;
      }
    }
    return with_doc(md, doc_comment(project, d.span));
  }

  std::string action(const Sym& s) {
    auto it = index.actions.find(s.name);
    if (it == index.actions.end()) return "";
    return with_doc(code(text_of(project, it->second->span)), doc_comment(project, it->second->span));
  }

  std::string param(const Sym& s) {
    auto it = index.actions.find(s.owner);
    if (it == index.actions.end()) return "";
    for (const auto& prm : it->second->params)
      if (prm.name == s.name)
        return code(text_of(project, prm.span)) +
               fmt::format("\n\nArgument of `{}`{}", s.owner,
                           prm.default_value ? " (may be left out)" : " (required)");
    return "";
  }

  std::string signal_type(const Sym& s) {
    auto it = index.signals.find(s.name);
    if (it == index.signals.end() || it->second.empty()) return "";
    std::string lines = "signal " + s.name + " {";
    for (const auto* f : index.properties(s.name))
      lines += fmt::format("\n  {}: {}", f->name, text_of(project, f->type.span));
    lines += "\n}";
    return with_doc(code(lines), doc_comment(project, it->second.front()->span)) +
           "\n\nEvery signal also has `id`, `type`, `source`, `occurred_at`, `received_at`, `account` and "
           "`contact`.";
  }

  std::string property(const Sym& s) {
    const ast::FieldDecl* f = index.property(s.owner, s.name);
    if (!f) return "";
    return with_doc(code(fmt::format("signal.{}: {}", s.name, text_of(project, f->type.span))) +
                        fmt::format("\n\nProperty of `{}`", s.owner),
                    doc_comment(project, f->span));
  }

  std::string envelope(const Sym& s) {
    int i = sema::envelope_find(s.name);
    if (i < 0) return "";
    return code(fmt::format("signal.{}: {}", s.name, sema::envelope_fields()[i].type->str())) +
           "\n\nEnvelope field (every signal has it). " + envelope_doc(s.name);
  }

  std::string entity_field(const Sym& s) {
    const ast::FieldDecl* f = index.field(s.owner, s.name);
    if (!f) return "";
    std::string t(text_of(project, f->type.span));
    if (!t.empty() && t.back() != '?') t += "?";  // a record may be unknown, or lack the field
    return with_doc(code(fmt::format("{}.{}: {}", s.owner, s.name, t)) +
                        fmt::format("\n\nField of the {} record", s.owner),
                    doc_comment(project, f->span));
  }

  std::string entity(const Sym& s) {
    std::string lines = "entity " + s.name + " {";
    for (const auto* f : index.fields(s.name))
      lines += fmt::format("\n  {}: {}", f->name, text_of(project, f->type.span));
    lines += "\n}";
    return code(lines) +
           fmt::format("\n\nThe {} the signal is about (null when unknown); every field may be null.",
                       s.name);
  }

  std::string let(const Sym& s, const Occurrence& o) {
    const auto* play = static_cast<const ast::PlayDecl*>(s.scope);
    for (const auto& item : play->items)
      if (item.kind == ast::PlayItemKind::Let && item.name == s.name) {
        std::string md = code(text_of(project, item.span));
        std::string t = type_of(item.expr.get());
        if (t.empty() && !o.declaration) t = type_of(o.expr);
        if (!t.empty()) md += fmt::format("\n\nlet `{}`: {}", s.name, t);
        return md;
      }
    return "";
  }

  std::string macro_var(const Sym& s) {
    const auto* var = static_cast<const ast::Expr*>(s.scope);
    std::string t = type_of(var);
    return code(t.empty() ? s.name : s.name + ": " + t) +
           "\n\nThe variable of a list macro: each element in turn.";
  }

  std::string signal_var(const Occurrence& o) {
    std::vector<std::string> types = o.play ? on_types(*o.play) : std::vector<std::string>{};
    std::string label;
    for (const auto& t : types) label += (label.empty() ? "" : ", ") + t;
    if (types.size() > 1) label = "any of (" + label + ")";
    return code("signal") + "\n\nThe signal that triggered the play" +
           (label.empty() ? "" : ": `" + label + "`") + ".";
  }

  std::string markdown(const Occurrence& o) {
    const Sym& s = o.sym;
    switch (s.kind) {
      case SymKind::Value:
        return value(s);
      case SymKind::Play:
        return play(s);
      case SymKind::Test:
        return code("test " + s.name);
      case SymKind::Action:
        return action(s);
      case SymKind::Param:
        return param(s);
      case SymKind::SignalType:
        return signal_type(s);
      case SymKind::Property:
        return property(s);
      case SymKind::Envelope:
        return envelope(s);
      case SymKind::Entity:
        return entity(s);
      case SymKind::EntityField:
        return entity_field(s);
      case SymKind::Let:
        return let(s, o);
      case SymKind::MacroVar:
        return macro_var(s);
      case SymKind::SignalVar:
        return signal_var(o);
      case SymKind::Now:
        return code("now: timestamp") + "\n\nThe time the play runs.";
      case SymKind::Function:
        if (const auto* b = builtins::function(s.name)) return builtin_doc(*b);
        return "";
      case SymKind::Method:
        if (const auto* b = builtins::method(s.name)) return builtin_doc(*b);
        return "";
      case SymKind::MetaKey:
        for (const auto& k : meta_keys())
          if (s.name == k.word) return code(s.name) + "\n\n" + k.doc;
        return "";
      case SymKind::Outcome:
        for (const auto& k : outcomes())
          if (s.name == k.word) return code(s.name) + "\n\nOutcome: " + k.doc;
        return "";
    }
    return "";
  }
};

}  // namespace

std::optional<Hover> hover(const sema::Project& project, Position at) {
  Index index(project);
  Located here = locate(project, index, at.file, at.offset);
  Hoverer h{project, index};
  if (!here.names.empty()) {
    std::string md;
    for (const auto& o : here.names) {  // a property of `on any of`: each type's
      std::string one = h.markdown(o);
      if (!one.empty()) md += (md.empty() ? "" : "\n\n---\n\n") + one;
    }
    if (!md.empty()) return Hover{md, here.names.front().span};
  }
  if (here.expr && here.expr->type) {
    // A long expression is shown by its start: the type is the point.
    std::string text(text_of(project, here.expr->span));
    if (text.size() > 60) {
      size_t cut = 57;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;  // not inside a UTF-8 character
      text = text.substr(0, cut) + "...";
    }
    if (text.find('\n') != std::string::npos) text = text.substr(0, text.find('\n')) + " ...";
    return Hover{code(fmt::format("{}: {}", text, here.expr->type->str())), here.expr->span};
  }
  return std::nullopt;
}

}  // namespace play::ide
