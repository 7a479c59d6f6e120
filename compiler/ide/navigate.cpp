// Go to definition and find references, over the occurrences of names
// (occurrences.h): a name's declarations, and every occurrence of the same
// symbol in the user's files.
#include <algorithm>

#include "compiler/ide/ide.h"
#include "compiler/ide/occurrences.h"

namespace play::ide {

std::vector<Span> definition(const sema::Project& project, Position at) {
  Index index(project);
  Located here = locate(project, index, at.file, at.offset);
  std::vector<Span> out;
  for (const auto& o : here.names)
    for (Span s : declarations(project, index, o.sym)) out.push_back(s);
  sort_unique(out);
  return out;
}

std::vector<Span> references(const sema::Project& project, Position at, bool include_declaration) {
  Index index(project);
  Located here = locate(project, index, at.file, at.offset);
  std::vector<Span> out;
  if (here.names.empty()) return out;
  const std::string& here_name = here.names.front().sym.name;  // the same for every symbol here
  for (size_t i = project.stdlib_file_count; i < project.files.size(); ++i)
    for (const auto& o : occurrences(project, index, project.files[i], &here_name))
      if (!o.declaration &&
          std::ranges::any_of(here.names, [&](const Occurrence& h) { return h.sym == o.sym; }))
        out.push_back(o.span);
  if (include_declaration)
    for (const auto& o : here.names)
      for (Span s : declarations(project, index, o.sym)) out.push_back(s);
  sort_unique(out);
  return out;
}

}  // namespace play::ide
