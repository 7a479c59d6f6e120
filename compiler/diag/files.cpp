#include "compiler/diag/files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace play {

bool expand_play_paths(const std::vector<std::string>& paths, std::vector<std::string>& files,
                       Diagnostics& diags) {
  bool ok = true;
  for (const auto& p : paths) {
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      diags.error("P0001", Span{}, "cannot read '" + p + "': no such file or directory");
      ok = false;
      continue;
    }
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto& e = *it;
        // Build trees and dependency folders are not the author's plays.
        if (e.is_directory()) {
          auto name = e.path().filename().string();
          if (name == "node_modules" || name.rfind("build", 0) == 0 || name.rfind(".", 0) == 0)
            it.disable_recursion_pending();
          continue;
        }
        if (e.path().extension() == ".play") found.push_back(e.path().lexically_normal().string());
      }
      if (ec) {
        diags.error("P0001", Span{}, "cannot read directory '" + p + "': " + ec.message());
        ok = false;
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  // The same file named twice (e.g. `plays/ plays/a.play`) is loaded once.
  std::vector<std::string> unique;
  for (auto& f : files)
    if (std::find(unique.begin(), unique.end(), f) == unique.end()) unique.push_back(f);
  files = std::move(unique);
  return ok;
}

bool read_file(const std::string& path, std::string& contents, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    error = "read error";
    return false;
  }
  contents = ss.str();
  return true;
}

bool write_file_atomic(const std::string& path, const std::string& contents, std::string& error) {
  std::string tmp = path + ".playc-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = std::strerror(errno);
      return false;
    }
    out << contents;
    out.flush();
    if (!out) {
      error = "write error";
      return false;
    }
  }
  std::error_code ec;
  // Keep the original file's permissions.
  auto perms = fs::status(path, ec).permissions();
  if (!ec) fs::permissions(tmp, perms, ec);
  fs::rename(tmp, path, ec);
  if (ec) {
    error = ec.message();
    fs::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace play
