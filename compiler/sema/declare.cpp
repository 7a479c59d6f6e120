// The project-wide namespace: signal schemas, context records, actions,
// values, plays. A second `signal`/`entity` declaration extends the first;
// any other second declaration of a name is an error (LANGUAGE.md intro, 4).
#include <fmt/format.h>

#include "compiler/sema/checker.h"

namespace play::sema {

namespace {

std::string position(const SourceSet& sources, Span s) {
  if (s.file == 0 || s.file >= sources.size()) return "?";
  const auto& f = sources.file(s.file);
  auto lc = f.line_col(s.begin);
  return fmt::format("{}:{}:{}", f.path(), lc.line, lc.col);
}

// Names the language gives a meaning of its own inside plays.
bool reserved(const std::string& n) {
  return n == "account" || n == "contact" || n == "now" || n == "signal";
}

}  // namespace

bool Checker::claim_name(const std::string& name, Span span, const std::string& what) {
  if (reserved(name)) {
    d_.error("P0109", span,
             fmt::format("'{}' is a built-in name and cannot be declared as a {}", name, what));
    return false;
  }
  auto [it, fresh] = names_.emplace(name, span);
  if (!fresh) {
    d_.error(
        "P0108", span,
        fmt::format("'{}' is already declared (as a {} at {}); names are project-wide, pick another name",
                    name, name_kinds_[name], position(p_.sources, it->second)));
    return false;
  }
  name_kinds_[name] = what;
  return true;
}

void Checker::declare_signal(const ast::SignalDecl& s) {
  if (s.name.find('.') == std::string::npos) {
    d_.error(
        "P0110", s.name_span,
        fmt::format("signal type '{}' must be dotted as category.name, e.g. 'website.{}'", s.name, s.name));
    return;
  }
  auto [it, fresh] = p_.signals.try_emplace(s.name);
  SignalSchema& schema = it->second;
  if (fresh) schema.name = s.name, schema.span = s.name_span;
  for (const auto& f : s.fields) {
    TypeRef t = resolve_type(f.type);
    int slot = schema.find(f.name);
    if (slot < 0) {
      schema.props.push_back({f.name, t, f.name_span});
      continue;
    }
    const Field& old = schema.props[slot];
    if (!is_error(t) && !is_error(old.type) &&
        (!same_type(*t, *old.type) || t->nullable != old.type->nullable))
      d_.error("P0111", f.type.span,
               fmt::format(
                   "property '{}' of signal {} is declared as {} at {}; an extension cannot change it to {}",
                   f.name, s.name, old.type->str(), position(p_.sources, old.span), t->str()));
  }
}

void Checker::declare_entity(const ast::EntityDecl& e) {
  EntitySchema* schema = e.name == "account" ? &p_.account : e.name == "contact" ? &p_.contact : nullptr;
  if (!schema) {
    d_.error("P0112", e.name_span,
             fmt::format("unknown entity '{}': only the context records 'account' and 'contact' can be "
                         "extended{}",
                         e.name, did_you_mean(e.name, {"account", "contact"})));
    return;
  }
  for (const auto& f : e.fields) {
    // Every context field is nullable: a record may be unknown or lack the field.
    TypeRef t = resolve_type(f.type);
    if (!is_error(t)) t = t->as_nullable();
    int slot = schema->find(f.name);
    if (slot < 0) {
      schema->fields.push_back({f.name, t, f.name_span});
      continue;
    }
    const Field& old = schema->fields[slot];
    if (!is_error(t) && !is_error(old.type) && !same_type(*t, *old.type))
      d_.error("P0111", f.type.span,
               fmt::format("field '{}' of {} is declared as {} at {}; an extension cannot change it to {}",
                           f.name, e.name, old.type->str(), position(p_.sources, old.span), t->str()));
  }
}

void Checker::declare_action(const ast::ActionDecl& a) {
  if (!claim_name(a.name, a.name_span, "action")) return;
  ActionSig sig;
  sig.name = a.name;
  sig.sink = a.sink;
  sig.decl = &a;
  for (const auto& prm : a.params) {
    for (const auto& other : sig.params)
      if (other.name == prm.name)
        d_.error("P0403", prm.name_span, fmt::format("parameter '{}' is declared twice", prm.name));
    sig.params.push_back({prm.name, resolve_type(prm.type), prm.default_value.get()});
  }
  p_.action_index[a.name] = static_cast<int>(p_.actions.size());
  p_.actions.push_back(std::move(sig));
}

void Checker::declare_all() {
  p_.account.name = "account";
  p_.contact.name = "contact";
  stdlib_last_file_ = p_.files.empty() ? 0 : 0;
  for (size_t i = 0; i < p_.stdlib_file_count && i < p_.files.size(); ++i)
    stdlib_last_file_ = std::max(stdlib_last_file_, p_.files[i].file_id);

  for (auto& file : p_.files) {
    for (auto& d : file.decls) {
      switch (d.kind) {
        case ast::DeclKind::Signal:
          declare_signal(*d.signal);
          break;
        case ast::DeclKind::Entity:
          declare_entity(*d.entity);
          break;
        case ast::DeclKind::Action:
          declare_action(*d.action);
          break;
        case ast::DeclKind::Value: {
          auto& v = *d.value;
          if (!claim_name(v.name, v.name_span, ast::value_keyword(v.kind))) break;
          p_.value_index[v.name] = static_cast<int>(p_.values.size());
          p_.values.push_back({v.kind, v.name, &v, nullptr, false});
          value_decls_.push_back(&v);
          value_state_.push_back(ValueState::Unchecked);
          break;
        }
        case ast::DeclKind::Suppress:
          if (p_.suppress) {
            d_.error("P0310", d.span,
                     fmt::format("a project has at most one suppress block; the first is at {}; merge the "
                                 "rules into it",
                                 position(p_.sources, p_.suppress->span)));
          } else {
            p_.suppress = d.suppress.get();
          }
          break;
        case ast::DeclKind::Play: {
          auto& pl = *d.play;
          if (!claim_name(pl.name, pl.name_span, "play")) break;
          Play play;
          play.decl = &pl;
          play.name = pl.name;
          p_.play_index[pl.name] = static_cast<int>(p_.plays.size());
          p_.plays.push_back(std::move(play));
          break;
        }
        case ast::DeclKind::Score:
          claim_name(d.score->name, d.score->name_span, "score");
          break;
        case ast::DeclKind::Test:
          p_.tests.push_back(d.test.get());
          break;
      }
    }
  }
}

void Checker::run() {
  declare_all();
  check_values();
  check_suppress();
  for (auto& file : p_.files)
    for (auto& d : file.decls) {
      if (d.kind == ast::DeclKind::Play && p_.play_index.count(d.play->name) &&
          p_.plays[p_.play_index[d.play->name]].decl == d.play.get())
        check_play(*d.play);
      if (d.kind == ast::DeclKind::Score) check_score(*d.score);
    }
  for (auto& file : p_.files)
    for (auto& d : file.decls)
      if (d.kind == ast::DeclKind::Test) check_test(*d.test);
  lint_unused_values();
  lint_double_enrollment();
}

void check_project(Project& project, Diagnostics& diags) {
  Checker checker(project, diags);
  checker.run();
  project.checked = true;
}

}  // namespace play::sema
