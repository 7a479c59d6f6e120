// The standard library (stdlib/*.play), embedded at build time so `playc`
// needs no files at run time. Paths are shown as "stdlib/actions.play".
#pragma once

#include <string_view>
#include <vector>

namespace play::sema {

struct StdlibFile {
  std::string_view path;  // "stdlib/actions.play"
  std::string_view text;
};

// In path order; load_project loads them before the user's files.
const std::vector<StdlibFile>& stdlib_files();

}  // namespace play::sema
