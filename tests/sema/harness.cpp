#include "tests/sema/harness.h"

#include <fmt/format.h>

#include "compiler/sema/stdlib.h"
#include "compiler/syntax/parse.h"

namespace play::sema::testing {

std::vector<std::string> Checked::codes() const {
  std::vector<std::string> out;
  for (const auto& d : diags.all()) out.push_back(d.code);
  return out;
}

bool Checked::has(const std::string& code) const { return first(code) != nullptr; }

int Checked::count(const std::string& code) const {
  int n = 0;
  for (const auto& d : diags.all()) n += d.code == code;
  return n;
}

const Diagnostic* Checked::first(const std::string& code) const {
  for (const auto& d : diags.all())
    if (d.code == code) return &d;
  return nullptr;
}

std::string Checked::text_at(const Diagnostic& d) const {
  if (d.span.file == 0) return "";
  return project.sources.file(d.span.file).text().substr(d.span.begin, d.span.end - d.span.begin);
}

std::string Checked::dump() const {
  std::string s;
  for (const auto& d : diags.all()) {
    auto lc = d.span.file ? project.sources.file(d.span.file).line_col(d.span.begin) : LineCol{};
    s += fmt::format("{}[{}] {}:{} {}\n", d.severity == Severity::Error ? "error" : "warning", d.code,
                     lc.line, lc.col, d.message);
  }
  return s;
}

const Play* Checked::play(const std::string& name) const {
  auto it = project.play_index.find(name);
  return it == project.play_index.end() ? nullptr : &project.plays[it->second];
}

std::unique_ptr<Checked> check_source(const std::string& source) {
  auto c = std::make_unique<Checked>();
  for (const auto& f : stdlib_files()) {
    uint32_t id = c->project.sources.add(std::string(f.path), std::string(f.text));
    c->project.files.push_back(syntax::parse_file(c->project.sources, id, c->diags));
  }
  c->project.stdlib_file_count = c->project.files.size();
  uint32_t id = c->project.sources.add("test.play", source);
  c->project.files.push_back(syntax::parse_file(c->project.sources, id, c->diags));
  check_project(c->project, c->diags);
  c->diags.sort(c->project.sources);
  return c;
}

namespace {
const ast::Expr* search(const ast::Expr* e, const std::string& src, const std::string& text) {
  if (!e) return nullptr;
  if (src.substr(e->span.begin, e->span.end - e->span.begin) == text) return e;
  for (const auto& a : e->args)
    if (auto* r = search(a.get(), src, text)) return r;
  for (const auto& p : e->parts)
    if (auto* r = search(p.expr.get(), src, text)) return r;
  return nullptr;
}
}  // namespace

const ast::Expr* find_expr(const Checked& c, const std::string& play, const std::string& text) {
  const Play* p = c.play(play);
  if (!p) return nullptr;
  const std::string& src = c.project.sources.file(p->decl->span.file).text();
  for (const auto& item : p->decl->items) {
    if (auto* r = search(item.expr.get(), src, text)) return r;
    for (const auto& a : item.args)
      if (auto* r = search(a.value.get(), src, text)) return r;
  }
  return nullptr;
}

}  // namespace play::sema::testing
