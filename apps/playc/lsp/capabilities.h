// What `playc lsp` tells the client it can do (the InitializeResult).
#pragma once

#include <string>

namespace play::lsp {

std::string initialize_result();

}  // namespace play::lsp
