// Loading a project: the embedded stdlib first, then the user's files in
// path order (a directory means every *.play below it, sorted).
#include "compiler/diag/files.h"
#include "compiler/sema/project.h"
#include "compiler/sema/stdlib.h"
#include "compiler/syntax/parse.h"

namespace play::sema {

namespace {

// Parses the stdlib, then each user file; checks unless a file had syntax errors.
struct Loader {
  Project& project;
  Diagnostics& diags;
  const ParseFile& parse_file;
  size_t syntax_errors = 0;

  void parse(uint32_t id) {
    size_t before = diags.error_count();
    project.files.push_back(parse_file ? parse_file(project.sources, id, diags)
                                       : syntax::parse_file(project.sources, id, diags));
    syntax_errors += diags.error_count() - before;
  }
  void stdlib() {
    for (const auto& f : stdlib_files()) parse(project.sources.add(std::string(f.path), std::string(f.text)));
    project.stdlib_file_count = project.files.size();
  }
  // A tree recovered from a syntax error is a guess: checking it would add
  // errors about code the author did not write. Fix the syntax first.
  void check() {
    if (syntax_errors == 0) check_project(project, diags);
  }
};

}  // namespace

bool load_project(const std::vector<std::string>& paths, Project& project, Diagnostics& diags) {
  Loader loader{project, diags, {}};
  loader.stdlib();
  std::vector<std::string> files;
  bool ok = expand_play_paths(paths, files, diags);
  for (const auto& path : files) {
    std::string text, error;
    if (!read_file(path, text, error)) {
      diags.error("P0001", Span{}, "cannot read '" + path + "': " + error);
      ok = false;
      continue;
    }
    loader.parse(project.sources.add(path, std::move(text)));
  }
  loader.check();
  return ok;
}

void load_sources(const std::vector<SourceText>& files, Project& project, Diagnostics& diags,
                  const ParseFile& parse) {
  Loader loader{project, diags, parse};
  loader.stdlib();
  for (const auto& f : files) loader.parse(project.sources.add(f.path, f.text));
  loader.check();
}

}  // namespace play::sema
