#include "apps/playc/lsp/snapshot.h"

#include <set>

#include "compiler/sema/stdlib.h"

namespace play::lsp {

bool is_syntax_code(const std::string& code) {
  return code.size() == 5 && code.compare(0, 3, "P00") == 0 && code != "P0001";
}

// What sema::load_sources does (compiler/sema/load.cpp), with the parses
// from the cache: the stdlib, then the user's files in the order given;
// checked unless a file had syntax errors.
static void load_cached(const std::vector<sema::SourceText>& files, ParseCache& cache, sema::Project& project,
                        Diagnostics& diags) {
  size_t syntax_errors = 0;
  auto parse = [&](uint32_t id) {
    size_t before = diags.error_count();
    project.files.push_back(cache.parse(project.sources, id, diags));
    syntax_errors += diags.error_count() - before;
  };
  for (const auto& f : sema::stdlib_files())
    parse(project.sources.add(std::string(f.path), std::string(f.text)));
  project.stdlib_file_count = project.files.size();
  for (const auto& f : files) parse(project.sources.add(f.path, f.text));
  if (syntax_errors == 0) sema::check_project(project, diags);
}

Snapshot::Snapshot(const std::vector<sema::SourceText>& files, ParseCache* cache) {
  if (cache) {
    load_cached(files, *cache, project_, diags_);
  } else {
    sema::load_sources(files, project_, diags_);
  }
  diags_.sort(project_.sources);
  for (const auto& d : diags_.all())
    if (d.severity == Severity::Error && is_syntax_code(d.code)) checked_ = false;
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
