// Words the editor shows for what the language itself defines: builtin
// functions (from the builtins table), metadata keys, outcomes, envelope
// fields. Shared by hover and completion. Internal to compiler/ide.
#pragma once

#include <string>
#include <vector>

#include "compiler/builtins/builtins.h"
#include "compiler/sema/project.h"

namespace play::ide {

// `size(x)`, `s.contains(x)`, `l.exists(v, condition)`
std::string builtin_signature(const builtins::Builtin& b);
// What it takes and gives, and its example, in markdown.
std::string builtin_doc(const builtins::Builtin& b);
// The result type as a word: "int", "bool", "string", ...
std::string builtin_result(const builtins::Builtin& b);

// A play's metadata keys and the outcomes, with their docs: sema::meta_keys()
// and sema::outcomes() (the checker's own lists).
using sema::meta_keys;
using sema::outcomes;
using sema::Word;
// The envelope fields' meanings, by name ("" for an unknown name).
std::string envelope_doc(const std::string& name);

}  // namespace play::ide
