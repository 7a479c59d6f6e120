// libFuzzer target: the language server core (apps/playc/lsp/server.h)
// in-process, as an editor with a half-typed file drives it. The input's
// first part is a document's text; the rest picks operations: incremental and
// full changes at any position, every request the server answers (hover,
// definition, references, rename, completion, symbols, code actions,
// formatting) at any position, idle (diagnostics), and raw message bodies.
// The property: no crash, hang or sanitizer report, and no request answered
// with InternalError (a handler that threw: a bug, even though the server
// survives it).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "apps/playc/lsp/server.h"
#include "common/json/json.h"

namespace {

const char* kUri = "file:///fuzz/edited.play";

struct Session {
  std::string last;
  play::lsp::Server server{[this](const std::string& m) { last = m; }};
  int id = 1;
  Session() {
    server.handle(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}})");
    server.handle(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
  }
  void request(const std::string& method, const std::string& params) {
    last.clear();
    server.handle(R"({"jsonrpc":"2.0","id":)" + std::to_string(id++) + R"(,"method":")" + method +
                  R"(","params":)" + params + "}");
    if (last.find("\"code\":-32603") != std::string::npos) {
      std::fprintf(stderr, "fuzz_lsp: %s answered InternalError: %s\n", method.c_str(), last.c_str());
      std::abort();
    }
  }
};

std::string position(FuzzedDataProvider& in) {
  return R"({"line":)" + std::to_string(in.ConsumeIntegralInRange<int>(0, 80)) + R"(,"character":)" +
         std::to_string(in.ConsumeIntegralInRange<int>(0, 120)) + "}";
}

std::string at(FuzzedDataProvider& in) {
  return std::string(R"({"textDocument":{"uri":")") + kUri + R"("},"position":)" + position(in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One server per process (the stdlib's parse stays cached); each input
  // opens its document and closes it at the end, so inputs do not leak state.
  static std::unique_ptr<Session> session;
  if (!session || session->server.shutdown_requested() || session->server.exited())
    session = std::make_unique<Session>();
  Session& s = *session;
  FuzzedDataProvider in(data, size);
  std::string text = in.ConsumeRandomLengthString(8192);
  s.server.handle(
      std::string(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":")") +
      kUri + R"(","languageId":"play","version":1,"text":)" + play::json::quote(text) + "}}}");
  int version = 2;
  while (in.remaining_bytes() > 0) {
    switch (in.ConsumeIntegralInRange<int>(0, 13)) {
      case 0: {
        std::string range = R"({"start":)" + position(in) + R"(,"end":)" + position(in) + "}";
        std::string t = in.ConsumeRandomLengthString(64);
        s.server.handle(
            std::string(
                R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":")") +
            kUri + R"(","version":)" + std::to_string(version++) + R"(},"contentChanges":[{"range":)" +
            range + R"(,"text":)" + play::json::quote(t) + "}]}}");
        break;
      }
      case 1: {
        std::string t = in.ConsumeRandomLengthString(2048);
        s.server.handle(
            std::string(
                R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":")") +
            kUri + R"(","version":)" + std::to_string(version++) + R"(},"contentChanges":[{"text":)" +
            play::json::quote(t) + "}]}}");
        break;
      }
      case 2:
        s.request("textDocument/hover", at(in) + "}");
        break;
      case 3:
        s.request("textDocument/definition", at(in) + "}");
        break;
      case 4:
        s.request("textDocument/references", at(in) + R"(,"context":{"includeDeclaration":true}})");
        break;
      case 5:
        s.request("textDocument/prepareRename", at(in) + "}");
        break;
      case 6:
        s.request("textDocument/rename",
                  at(in) + R"(,"newName":)" + play::json::quote(in.ConsumeRandomLengthString(16)) + "}");
        break;
      case 7:
        s.request("textDocument/completion", at(in) + "}");
        break;
      case 8:
        s.request("textDocument/documentSymbol",
                  std::string(R"({"textDocument":{"uri":")") + kUri + R"("}})");
        break;
      case 9:
        s.request("textDocument/formatting", std::string(R"({"textDocument":{"uri":")") + kUri +
                                                 R"("},"options":{"tabSize":2,"insertSpaces":true}})");
        break;
      case 10: {
        // A diagnostic as the client echoes it: any code, any range.
        std::string range = R"({"start":)" + position(in) + R"(,"end":)" + position(in) + "}";
        std::string code = "P0" + std::to_string(in.ConsumeIntegralInRange<int>(100, 999));
        s.request("textDocument/codeAction", std::string(R"({"textDocument":{"uri":")") + kUri +
                                                 R"("},"range":)" + range +
                                                 R"(,"context":{"diagnostics":[{"range":)" + range +
                                                 R"(,"code":")" + code + R"(","message":"m"}]}})");
        break;
      }
      case 11:
        s.server.idle();
        break;
      case 12: {
        std::string body = in.ConsumeRandomLengthString(256);
        // exit / shutdown would end the session for the next inputs (handled above); anything else goes.
        s.server.handle(body);
        break;
      }
      default:
        s.request("no/such/method", "{}");
        break;
    }
  }
  s.server.idle();
  s.server.handle(
      std::string(R"({"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":")") +
      kUri + R"("}}})");
  s.server.idle();
  return 0;
}
