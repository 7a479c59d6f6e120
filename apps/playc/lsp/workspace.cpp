#include "apps/playc/lsp/workspace.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "compiler/diag/files.h"

namespace play::lsp {

namespace fs = std::filesystem;

void Workspace::set_folders(std::vector<std::string> folders, std::vector<std::string> include) {
  folders_ = std::move(folders);
  include_ = std::move(include);
  disk_.clear();
  rescan();
}

void Workspace::rescan(const std::vector<std::string>& changed) {
  std::vector<std::string> roots;
  for (const auto& f : folders_) {
    if (include_.empty()) roots.push_back(f);
    for (const auto& i : include_) roots.push_back((fs::path(f) / i).lexically_normal().string());
  }
  std::vector<std::string> files;
  Diagnostics ignored;  // a folder that vanished lists nothing; the editor shows that
  std::vector<std::string> existing;
  for (const auto& r : roots) {
    std::error_code ec;
    if (fs::exists(r, ec)) existing.push_back(r);
  }
  expand_play_paths(existing, files, ignored);
  std::set<std::string> listed;
  for (auto& f : files) listed.insert(fs::path(f).lexically_normal().string());
  std::set<std::string> reread(changed.begin(), changed.end());
  for (auto it = disk_.begin(); it != disk_.end();)
    it = listed.count(it->first) ? std::next(it) : disk_.erase(it);
  for (const auto& path : listed) {
    if (disk_.count(path) && !reread.count(path)) continue;
    std::string text, error;
    if (read_file(path, text, error))
      disk_[path] = std::move(text);
    else
      disk_.erase(path);
  }
}

std::vector<sema::SourceText> Workspace::sources(const Documents& open) const {
  std::map<std::string, std::string> texts(disk_.begin(), disk_.end());
  for (const auto& [uri, d] : open.all()) texts[d.path] = d.text;
  std::vector<sema::SourceText> out;
  out.reserve(texts.size());
  for (auto& [path, text] : texts) out.push_back({path, text});
  return out;  // std::map: sorted by path
}

}  // namespace play::lsp
