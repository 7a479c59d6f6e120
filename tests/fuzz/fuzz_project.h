// A project for fuzz targets that compile one .play text: the standard
// library is parsed once per process and its syntax trees are lent to each
// project (the checker only annotates trees, and re-checking overwrites the
// annotations), so an input costs the parse of its own text, not the
// library's. Otherwise it is sema::load_project: stdlib files first, the
// input's file parsed, checked only when it has no syntax errors.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/sema/project.h"
#include "compiler/syntax/parse.h"

namespace play::fuzz {

class StdlibCache {
 public:
  StdlibCache() {
    sema::Project p;
    Diagnostics d;
    sema::load_project({}, p, d);
    for (uint32_t id = 1; id < p.sources.size(); ++id)
      texts_.emplace_back(p.sources.file(id).path(), p.sources.file(id).text());
    files_ = std::move(p.files);
  }

  // Fills `project` (which must be empty) with the library and `text` as the
  // file `path`; returns whether `text` parsed without syntax errors (then
  // the project is checked). Call give_back(project) before the next use.
  bool load(sema::Project& project, const std::string& path, std::string text, Diagnostics& diags) {
    for (const auto& [p, t] : texts_) project.sources.add(p, t);
    project.files = std::move(files_);
    project.stdlib_file_count = project.files.size();
    uint32_t id = project.sources.add(path, std::move(text));
    project.files.push_back(syntax::parse_file(project.sources, id, diags));
    if (diags.has_errors()) return false;
    sema::check_project(project, diags);
    return true;
  }

  void give_back(sema::Project& project) {
    files_.clear();
    for (size_t i = 0; i < project.stdlib_file_count; ++i) files_.push_back(std::move(project.files[i]));
  }

 private:
  std::vector<std::pair<std::string, std::string>> texts_;
  std::vector<ast::File> files_;
};

}  // namespace play::fuzz
