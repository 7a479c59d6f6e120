#include "apps/playc/lsp/parse_cache.h"

#include "apps/playc/lsp/ast_clone.h"
#include "compiler/syntax/parse.h"

namespace play::lsp {

ast::File ParseCache::parse(const SourceSet& sources, uint32_t id, Diagnostics& diags) {
  const SourceFile& f = sources.file(id);
  auto it = by_path_.find(f.path());
  if (it != by_path_.end() && it->second.file_id == id && it->second.text == f.text()) {
    ++hits_;
    for (const auto& d : it->second.diagnostics) diags.add(d);
    return clone(it->second.tree);
  }
  Diagnostics own;
  ast::File tree = syntax::parse_file(sources, id, own);
  for (const auto& d : own.all()) diags.add(d);
  by_path_[f.path()] = Entry{f.text(), id, clone(tree), own.all()};
  return tree;
}

void ParseCache::retain(const std::set<std::string>& paths) {
  for (auto it = by_path_.begin(); it != by_path_.end();)
    it = paths.count(it->first) ? std::next(it) : by_path_.erase(it);
}

}  // namespace play::lsp
