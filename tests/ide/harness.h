// Small projects for the editor queries' tests: the stdlib plus user files
// given as text, and positions and spans named by the text they cover.
#pragma once

#include <string>
#include <vector>

#include "compiler/ide/ide.h"

namespace play::ide::testing {

struct Loaded {
  sema::Project project;
  Diagnostics diags;
  // The file id of a user file by path.
  uint32_t file(const std::string& path) const;
  // The position of the `nth` occurrence (0-based) of `needle` in `path`,
  // plus `delta` bytes.
  Position at(const std::string& path, const std::string& needle, int nth = 0, int delta = 0) const;
  // "path:line: text" of a span (the text it covers).
  std::string show(Span s) const;
  std::vector<std::string> show(const std::vector<Span>& spans) const;
  // The text of `path` after applying `edits` (all in that file).
  std::string apply(const std::vector<TextEdit>& edits) const;
  std::string dump() const;  // the diagnostics, for failure messages
};

// The stdlib plus the files given (path, text), as the language server loads them.
std::unique_ptr<Loaded> load(const std::vector<sema::SourceText>& files);
std::unique_ptr<Loaded> load(const std::string& text);  // one file, "a.play"

// A project of a play, an icp, consts and a test, used by most tests.
extern const char* kProject;
extern const char* kTest;

}  // namespace play::ide::testing
