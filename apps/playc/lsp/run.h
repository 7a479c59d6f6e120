// `playc lsp`: the language server over standard input and output.
#pragma once

namespace play::lsp {

// Serves until the client sends `exit` (or closes the input); returns the exit code.
int run_stdio();

}  // namespace play::lsp
