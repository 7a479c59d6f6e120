// The server core in-process: lifecycle, errors, sync and diagnostics. The
// same behaviour over stdio, as an editor sees it, is tests/lsp/*.test.mjs.
#include "apps/playc/lsp/server.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "apps/playc/lsp/uri.h"

namespace fs = std::filesystem;
using play::lsp::Server;

namespace {

const char* kPlay =
    "play p {\n"
    "  title \"T\"\n"
    "  owner \"revops@acme.com\"\n"
    "  oncall \"#gtm-oncall\"\n"
    "  runbook \"https://wiki.acme.com/p\"\n"
    "  on website.page_viewed\n"
    "  where signal.categroy == \"pricing\"\n"
    "  do notify(channel: \"#alerts\", text: \"x\")\n"
    "}\n";

struct Harness {
  std::vector<std::string> out;
  Server server{[this](const std::string& m) { out.push_back(m); }};
  simdjson::dom::parser parser;
  fs::path dir;

  Harness() {
    static int count = 0;  // two harnesses in one test get two folders
    dir = fs::temp_directory_path() /
          ("lsp_test_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" + std::to_string(count++));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Harness() { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; }
  std::string uri(const std::string& name) { return play::lsp::path_to_uri((dir / name).string()); }
  void send(const std::string& body) { server.handle(body); }
  void initialize() {
    send(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":")" +
         play::lsp::path_to_uri(dir.string()) + R"(","capabilities":{}}})");
    send(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
    out.clear();
  }
  // The last message sent, parsed.
  simdjson::dom::element last() {
    EXPECT_FALSE(out.empty());
    return parser.parse(out.back());
  }
  int64_t error_code() {
    int64_t code = 0;
    EXPECT_EQ(last()["error"]["code"].get_int64().get(code), simdjson::SUCCESS) << out.back();
    return code;
  }
  // The diagnostics' codes published for `name` (the last publication).
  std::vector<std::string> published(const std::string& name, bool* found = nullptr) {
    std::vector<std::string> codes;
    if (found) *found = false;
    for (const auto& m : out) {
      auto doc = parser.parse(m);
      std::string_view method, u;
      if (doc["method"].get_string().get(method) || method != "textDocument/publishDiagnostics") continue;
      if (doc["params"]["uri"].get_string().get(u) || u != uri(name)) continue;
      if (found) *found = true;
      codes.clear();
      simdjson::dom::array list;
      EXPECT_EQ(doc["params"]["diagnostics"].get(list), simdjson::SUCCESS);
      for (simdjson::dom::element d : list) {
        std::string_view code;
        EXPECT_EQ(d["code"].get(code), simdjson::SUCCESS);
        codes.emplace_back(code);
      }
    }
    return codes;
  }
};

}  // namespace

TEST(Server, MalformedJsonIsAParseErrorAndTheServerGoesOn) {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"id\":1,");
  EXPECT_EQ(h.error_code(), -32700);
  h.initialize();
  h.send(R"({"jsonrpc":"2.0","id":2,"method":"shutdown"})");
  simdjson::dom::element result;
  ASSERT_EQ(h.last()["result"].get(result), simdjson::SUCCESS);
  EXPECT_TRUE(result.is_null());
}

TEST(Server, RequestsBeforeInitializeAreRefused) {
  Harness h;
  h.send(R"({"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}})");
  EXPECT_EQ(h.error_code(), -32002);
}

TEST(Server, UnknownMethodsAndBadParams) {
  Harness h;
  h.initialize();
  h.send(R"({"jsonrpc":"2.0","id":3,"method":"textDocument/inlayHint","params":{}})");
  EXPECT_EQ(h.error_code(), -32601);
  h.send(R"({"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"textDocument":{}}})");
  EXPECT_EQ(h.error_code(), -32602);
  size_t before = h.out.size();
  h.send(R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":3}})");
  h.send(R"({"jsonrpc":"2.0","method":"some/unknownNotification"})");
  EXPECT_EQ(h.out.size(), before);  // notifications are never answered
}

TEST(Server, ShutdownThenExit) {
  Harness h;
  h.initialize();
  h.send(R"({"jsonrpc":"2.0","id":5,"method":"shutdown"})");
  h.send(R"({"jsonrpc":"2.0","id":6,"method":"textDocument/hover","params":{}})");
  EXPECT_EQ(h.error_code(), -32600);
  EXPECT_FALSE(h.server.exited());
  h.send(R"({"jsonrpc":"2.0","method":"exit"})");
  EXPECT_TRUE(h.server.exited());
  EXPECT_EQ(h.server.exit_code(), 0);
}

TEST(Server, ExitWithoutShutdownIsCodeOne) {
  Harness h;
  h.initialize();
  h.send(R"({"jsonrpc":"2.0","method":"exit"})");
  EXPECT_TRUE(h.server.exited());
  EXPECT_EQ(h.server.exit_code(), 1);
}

TEST(Server, DiagnosticsFollowIncrementalEdits) {
  Harness h;
  h.write("a.play", kPlay);
  h.initialize();
  h.server.idle();
  EXPECT_EQ(h.published("a.play"), std::vector<std::string>{"P0102"});  // from disk, not open
  std::string open = R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":")" +
                     h.uri("a.play") + R"(","languageId":"play","version":1,"text":)" +
                     play::json::quote(kPlay) + "}}}";
  h.send(open);
  // Fix the typo: line 6 "  where signal.categroy": replace "categroy" (characters 15-23).
  h.send(
      R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":")" +
      h.uri("a.play") +
      R"(","version":2},"contentChanges":[{"range":{"start":{"line":6,"character":15},"end":{"line":6,"character":23}},"text":"category"}]}})");
  h.out.clear();
  h.server.idle();
  bool found = false;
  EXPECT_TRUE(h.published("a.play", &found).empty());
  EXPECT_TRUE(found);
  // A full-text change brings the error back.
  h.send(R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":")" +
         h.uri("a.play") + R"(","version":3},"contentChanges":[{"text":)" + play::json::quote(kPlay) +
         "}]}}");
  h.out.clear();
  h.server.idle();
  EXPECT_EQ(h.published("a.play"), std::vector<std::string>{"P0102"});
}

TEST(Server, AnOpenDocumentOutsideTheFolderIsChecked) {
  Harness h;
  h.initialize();
  h.send(
      R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:x","languageId":"play","version":1,"text":"play {"}}})");
  h.server.idle();
  bool found = false;
  for (const auto& m : h.out) found = found || m.find("untitled:x") != std::string::npos;
  EXPECT_TRUE(found);
}

TEST(Server, AsksForFileWatchersWhenTheClientCanRegisterThem) {
  Harness h;
  h.send(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{"workspace":{"didChangeWatchedFiles":{"dynamicRegistration":true}}}}})");
  h.send(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
  std::string_view method, glob;
  ASSERT_EQ(h.last()["method"].get(method), simdjson::SUCCESS);
  EXPECT_EQ(method, "client/registerCapability");
  ASSERT_EQ(
      h.last()["params"]["registrations"].at(0)["registerOptions"]["watchers"].at(0)["globPattern"].get(glob),
      simdjson::SUCCESS);
  EXPECT_EQ(glob, "**/*.play");
  // The client's answer to that request is taken without a reply.
  size_t before = h.out.size();
  h.send(R"({"jsonrpc":"2.0","id":1,"result":null})");
  EXPECT_EQ(h.out.size(), before);
}

TEST(Server, NoWatchersForAClientThatCannotRegisterThem) {
  Harness h;
  h.out.clear();
  h.send(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
  h.send(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
  EXPECT_EQ(h.out.size(), 1u);  // the initialize result only
}

TEST(Server, FindsTheWorkspaceFromFoldersOrRootPathNarrowedByPaths) {
  Harness h;
  fs::create_directories(h.dir / "one");
  fs::create_directories(h.dir / "two/plays");
  fs::create_directories(h.dir / "two/fixtures");
  std::ofstream(h.dir / "one/a.play") << kPlay;
  std::ofstream(h.dir / "two/plays/b.play") << kPlay;
  std::ofstream(h.dir / "two/fixtures/c.play") << kPlay;
  auto uri = [&](const char* rel) { return play::lsp::path_to_uri((h.dir / rel).string()); };
  auto published = [&](const char* rel) {
    for (const auto& m : h.out)
      if (m.find("publishDiagnostics") != std::string::npos && m.find(uri(rel) + "\"") != std::string::npos)
        return true;
    return false;
  };
  // Both folders, the second narrowed to its plays/ (initializationOptions.paths is per folder).
  h.send(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"workspaceFolders":[{"uri":")" +
         uri("one") + R"(","name":"one"},{"uri":")" + uri("two") +
         R"(","name":"two"}],"initializationOptions":{"paths":["plays","a.play"]},"capabilities":{}}})");
  h.send(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
  h.server.idle();
  EXPECT_TRUE(published("one/a.play"));
  EXPECT_TRUE(published("two/plays/b.play"));
  EXPECT_FALSE(published("two/fixtures/c.play"));

  Harness old;  // a client of LSP 2: rootPath only
  std::ofstream(old.dir / "d.play") << kPlay;
  old.send(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootPath":")" + old.dir.string() +
           R"(","capabilities":{}}})");
  old.send(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
  old.server.idle();
  EXPECT_EQ(old.published("d.play"), std::vector<std::string>{"P0102"});
}
