// The formatter's safety net: `playc fmt` writes (or prints, or lists under --check)
// only text that parses back, without errors, to the same tree and the same comments
// as the file it read, and that formatting again leaves unchanged. Anything else is a
// formatter bug; the file is then left as it is and the command says why (P0960),
// instead of writing a file that no longer parses or means something else.
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/diag/source.h"

namespace play::fmt {

struct Verified {
  std::string text;     // the formatted file, when `refusal` is empty
  std::string refusal;  // why the formatted text cannot be used, else ""
};

// format_file(sources, file), checked as above. `file` must have parsed without errors.
Verified format_verified(const SourceSet& sources, const ast::File& file);

// The check alone: may `formatted` stand for `file`?
Verified verify_formatted(const SourceSet& sources, const ast::File& file, std::string formatted);

}  // namespace play::fmt
