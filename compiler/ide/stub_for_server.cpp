// A STUB of compiler/ide so `playc lsp` links before the real queries land
// (they are built in another branch). Every query answers "nothing here".
// Delete this file when compiler/ide has its implementation and its
// CMakeLists.txt (apps/playc/lsp/CMakeLists.txt then stops building it).
#include "compiler/ide/ide.h"

namespace play::ide {

std::optional<Hover> hover(const sema::Project&, Position) { return std::nullopt; }
std::vector<Span> definition(const sema::Project&, Position) { return {}; }
std::vector<Span> references(const sema::Project&, Position, bool) { return {}; }
RenameTarget prepare_rename(const sema::Project&, Position) { return {}; }
RenameResult rename(const sema::Project&, Position, const std::string&) { return {}; }
std::vector<Completion> complete(const sema::Project&, std::string_view, std::string_view, uint32_t) {
  return {};
}
std::vector<Symbol> document_symbols(const sema::Project&, uint32_t) { return {}; }
std::vector<Fix> quick_fixes(const sema::Project&, const Diagnostic&) { return {}; }

}  // namespace play::ide
