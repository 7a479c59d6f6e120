// The project the server checks: every .play file under the workspace's
// folders (found as `playc check DIR` finds them: build*, node_modules and
// hidden folders skipped), read from disk, with each open document's text in
// place of its file's, plus open documents that are not under a folder. The
// disk copies are kept and re-read when the client reports changed files
// (workspace/didChangeWatchedFiles) so the server never re-reads the tree on
// each keystroke.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "apps/playc/lsp/documents.h"
#include "compiler/sema/project.h"

namespace play::lsp {

class Workspace {
 public:
  // The folders' paths (absolute). `include` narrows each folder to some of
  // its files or subfolders (initializationOptions.paths), default the whole folder.
  void set_folders(std::vector<std::string> folders, std::vector<std::string> include);
  const std::vector<std::string>& folders() const { return folders_; }
  // Lists the .play files again: new ones are read, gone ones dropped, the
  // others re-read only if named in `changed`.
  void rescan(const std::vector<std::string>& changed = {});
  // Every user file of the project, sorted by path as `playc check` sorts them.
  std::vector<sema::SourceText> sources(const Documents& open) const;
  bool on_disk(const std::string& path) const { return disk_.count(path) > 0; }

 private:
  std::vector<std::string> folders_, include_;
  std::map<std::string, std::string> disk_;  // path -> text as last read
};

}  // namespace play::lsp
