// file:// URIs (what LSP names documents by) and the paths the compiler
// names files by. Only the file scheme names a .play file we can read; other
// schemes (untitled:, vscode-notebook-cell:, ...) keep their URI as the path
// so an unsaved buffer still gets diagnostics.
#pragma once

#include <string>
#include <string_view>

namespace play::lsp {

// "file:///a/./b%20c.play" -> "/a/b c.play" (normalized); another scheme -> the URI itself.
std::string uri_to_path(std::string_view uri);
// "/a/b c.play" -> "file:///a/b%20c.play"; a path that is a URI already stays.
std::string path_to_uri(std::string_view path);

}  // namespace play::lsp
