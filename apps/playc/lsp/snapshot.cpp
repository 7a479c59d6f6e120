#include "apps/playc/lsp/snapshot.h"

#include <set>

namespace play::lsp {

Snapshot::Snapshot(const std::vector<sema::SourceText>& files, ParseCache* cache) {
  sema::ParseFile parse;
  if (cache)
    parse = [cache](const SourceSet& sources, uint32_t id, Diagnostics& d) {
      return cache->parse(sources, id, d);
    };
  sema::load_sources(files, project_, diags_, parse);
  diags_.sort(project_.sources);
  std::set<std::string> wanted;
  for (const auto& f : files) wanted.insert(f.path);
  // User files were added after the stdlib's, in order; match by path from there.
  for (size_t i = 0; i < project_.files.size(); ++i) {
    if (i < project_.stdlib_file_count) continue;
    uint32_t id = project_.files[i].file_id;
    const std::string& path = project_.sources.file(id).path();
    if (wanted.count(path)) {
      user_files_[path] = id;
      user_ids_[id] = path;
    }
  }
}

uint32_t Snapshot::file_of(const std::string& path) const {
  auto it = user_files_.find(path);
  return it == user_files_.end() ? 0 : it->second;
}

const LineMap& Snapshot::lines(uint32_t file) const {
  auto& slot = lines_[file];
  if (!slot) slot = std::make_unique<LineMap>(project_.sources.file(file).text());
  return *slot;
}

}  // namespace play::lsp
