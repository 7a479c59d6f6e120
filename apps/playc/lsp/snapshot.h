// One analysis of the whole project: sema::load_sources over every user file
// (sorted by path, as `playc check` loads them), its diagnostics sorted as
// `playc check` prints them, and the way back from the compiler's file ids to
// documents. Queries (hover, definition, ...) and diagnostics read the
// snapshot; the server makes a new one after text changes, when it is asked
// for or when the input has gone quiet.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "apps/playc/lsp/parse_cache.h"
#include "apps/playc/lsp/text_position.h"
#include "compiler/sema/project.h"

namespace play::lsp {

class Snapshot {
 public:
  // sema::load_sources(files), parsing through `cache` when one is given
  // (the same project and diagnostics either way: snapshot_test.cpp).
  explicit Snapshot(const std::vector<sema::SourceText>& files, ParseCache* cache = nullptr);

  const sema::Project& project() const { return project_; }
  const Diagnostics& diagnostics() const { return diags_; }
  // False when a user file had syntax errors: the project was then only parsed.
  bool checked() const { return project_.checked; }

  // The compiler's file id of a user file, or 0.
  uint32_t file_of(const std::string& path) const;
  const std::map<std::string, uint32_t>& user_files() const { return user_files_; }
  bool is_user_file(uint32_t file) const { return user_ids_.count(file) > 0; }
  const std::string& path_of(uint32_t file) const { return project_.sources.file(file).path(); }
  const LineMap& lines(uint32_t file) const;  // built on first use

 private:
  sema::Project project_;
  Diagnostics diags_;
  std::map<std::string, uint32_t> user_files_;
  std::map<uint32_t, std::string> user_ids_;
  mutable std::map<uint32_t, std::unique_ptr<LineMap>> lines_;
};

}  // namespace play::lsp
