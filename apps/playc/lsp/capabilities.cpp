#include "apps/playc/lsp/capabilities.h"

namespace play::lsp {

// Only what the server answers: every capability here has a handler in
// server.cpp's tables (tests/lsp/protocol.test.mjs asserts the list).
std::string initialize_result() {
  return R"({"capabilities":{)"
         R"("positionEncoding":"utf-16",)"
         R"("textDocumentSync":{"openClose":true,"change":2,"save":{"includeText":false}},)"
         R"("hoverProvider":true,)"
         R"("definitionProvider":true,)"
         R"("referencesProvider":true,)"
         R"("renameProvider":{"prepareProvider":true},)"
         R"("completionProvider":{"triggerCharacters":["."," "],"resolveProvider":false},)"
         R"("documentSymbolProvider":true,)"
         R"("codeActionProvider":{"codeActionKinds":["quickfix"]},)"
         R"("documentFormattingProvider":true},)"
         R"("serverInfo":{"name":"playc","version":"0.1.0"}})";
}

}  // namespace play::lsp
