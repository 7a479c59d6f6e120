#include "compiler/ide/index.h"

#include <algorithm>
#include <tuple>

namespace play::ide {

namespace {
template <typename Decls>
std::vector<const ast::FieldDecl*> all_fields(const Decls& decls) {
  std::vector<const ast::FieldDecl*> out;
  for (const auto* d : decls)
    for (const auto& f : d->fields)
      if (std::ranges::none_of(out, [&](const ast::FieldDecl* o) { return o->name == f.name; }))
        out.push_back(&f);
  return out;
}
const std::vector<const ast::FieldDecl*>& find_in(
    const std::map<std::string, std::vector<const ast::FieldDecl*>>& m, const std::string& key) {
  static const std::vector<const ast::FieldDecl*> none;
  auto it = m.find(key);
  return it == m.end() ? none : it->second;
}
}  // namespace

Index::Index(const sema::Project& project) {
  for (const auto& file : project.files)
    for (const auto& d : file.decls) {
      switch (d.kind) {
        case ast::DeclKind::Value:
          if (d.value) values.emplace(d.value->name, d.value.get());
          break;
        case ast::DeclKind::Play:
          if (d.play) plays.emplace(d.play->name, d.play.get());
          break;
        case ast::DeclKind::Action:
          if (d.action) actions.emplace(d.action->name, d.action.get());
          break;
        case ast::DeclKind::Signal:
          if (d.signal) signals[d.signal->name].push_back(d.signal.get());
          break;
        case ast::DeclKind::Entity:
          if (d.entity) entities[d.entity->name].push_back(d.entity.get());
          break;
        case ast::DeclKind::Suppress:
          if (d.suppress && !suppress) suppress = d.suppress.get();
          break;
        case ast::DeclKind::Test:
        case ast::DeclKind::Score:
          break;
      }
    }
  for (const auto& [name, decls] : signals) props_[name] = all_fields(decls);
  for (const auto& [name, decls] : entities) fields_[name] = all_fields(decls);
}

std::vector<const ast::FieldDecl*> Index::properties(const std::string& type) const {
  return find_in(props_, type);
}
std::vector<const ast::FieldDecl*> Index::fields(const std::string& entity) const {
  return find_in(fields_, entity);
}
const ast::FieldDecl* Index::property(const std::string& type, const std::string& name) const {
  for (const auto* f : find_in(props_, type))
    if (f->name == name) return f;
  return nullptr;
}
const ast::FieldDecl* Index::field(const std::string& entity, const std::string& name) const {
  for (const auto* f : find_in(fields_, entity))
    if (f->name == name) return f;
  return nullptr;
}

bool checked(const sema::Project& project) { return project.checked; }

bool is_stdlib(const sema::Project& project, uint32_t file) {
  for (size_t i = 0; i < project.stdlib_file_count && i < project.files.size(); ++i)
    if (project.files[i].file_id == file) return true;
  return false;
}

const ast::File* file_of(const sema::Project& project, uint32_t file) {
  for (const auto& f : project.files)
    if (f.file_id == file) return &f;
  return nullptr;
}

std::string_view text_of(const sema::Project& project, Span span) {
  if (span.file == 0 || span.file >= project.sources.size() || span.end < span.begin) return {};
  const std::string& text = project.sources.file(span.file).text();
  if (span.end > text.size()) return {};
  return std::string_view(text).substr(span.begin, span.end - span.begin);
}

namespace {
std::string strip_slashes(const std::string& c) {
  std::string s = c.rfind("//", 0) == 0 ? c.substr(2) : c;
  size_t b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b);
}
}  // namespace

std::string doc_comment(const sema::Project& project, Span decl) {
  const ast::File* file = file_of(project, decl.file);
  if (!file || decl.file >= project.sources.size()) return "";
  const SourceFile& src = project.sources.file(decl.file);
  uint32_t line = src.line_col(decl.begin).line;
  // After it on the same line.
  for (const auto& c : file->comments)
    if (!c.own_line && c.span.begin >= decl.begin && src.line_col(c.span.begin).line == line &&
        c.text.rfind("//", 0) == 0)
      return strip_slashes(c.text);
  // Right above it, one or more whole lines.
  std::vector<std::string> lines;
  uint32_t want = line - 1;
  for (auto it = file->comments.rbegin(); it != file->comments.rend() && want > 0; ++it) {
    if (it->span.begin >= decl.begin) continue;
    uint32_t at = src.line_col(it->span.begin).line;
    if (at > want) continue;
    if (at < want || !it->own_line || it->text.rfind("//", 0) != 0) break;
    std::string t = strip_slashes(it->text);
    if (t.rfind("--", 0) == 0) break;  // `// ---- product`: a section rule, not a doc
    lines.insert(lines.begin(), t);
    --want;
  }
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : " ") + l;
  return out;
}

void sort_unique(std::vector<Span>& spans) {
  auto key = [](const Span& s) { return std::tuple(s.file, s.begin, s.end); };
  std::sort(spans.begin(), spans.end(), [&](const Span& a, const Span& b) { return key(a) < key(b); });
  spans.erase(
      std::unique(spans.begin(), spans.end(), [&](const Span& a, const Span& b) { return key(a) == key(b); }),
      spans.end());
}

std::vector<std::string> on_types(const ast::PlayDecl& play) {
  std::vector<std::string> out;
  for (const auto& item : play.items)
    if (item.kind == ast::PlayItemKind::On) {
      for (const auto& s : item.on.signals) out.push_back(s.name);
      break;
    }
  return out;
}

}  // namespace play::ide
