// The language server's core, without the stdio loop (run.cpp) so tests and
// the fuzz target drive it in-process: handle() takes one JSON-RPC message
// body, idle() says no more input is waiting. Answers and notifications go
// out through `send`, one JSON text per message.
//
// Analysis is lazy: text changes mark the project dirty; a request that needs
// the project (hover, definition, ...) re-checks it first, and so does idle(),
// which then publishes diagnostics. A burst of edits therefore costs one
// check, with no timer to tune.
//
// Each message is handled inside a try block: a handler that throws answers
// its request with InternalError (or the RpcError it threw) and the server
// keeps running, so half-typed text can never kill it.
#pragma once

#include <simdjson.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "apps/playc/lsp/diagnostics.h"
#include "apps/playc/lsp/documents.h"
#include "apps/playc/lsp/json_rpc.h"
#include "apps/playc/lsp/snapshot.h"
#include "apps/playc/lsp/workspace.h"
#include "compiler/ide/ide.h"

namespace play::lsp {

class Server {
 public:
  using Send = std::function<void(const std::string& message)>;
  using Log = std::function<void(const std::string& line)>;
  explicit Server(Send send, Log log = {});

  void handle(std::string_view body);
  void idle();
  bool exited() const { return exited_; }
  int exit_code() const { return shutdown_ ? 0 : 1; }  // LSP: exit without shutdown is 1
  bool shutdown_requested() const { return shutdown_; }

 private:
  using Request = std::string (Server::*)(Json params);  // returns the result as JSON
  using Notification = void (Server::*)(Json params);
  static const std::map<std::string, Request>& requests();
  static const std::map<std::string, Notification>& notifications();

  void dispatch(const std::string& id, const std::string& method, Json params, bool has_id);
  void log(const std::string& line);
  void show_error(const std::string& message);  // window/showMessage, type Error

  // Lifecycle (server.cpp).
  std::string initialize(Json params);
  std::string shutdown(Json params);
  void initialized(Json params);
  // Text synchronization and the workspace (sync.cpp).
  void did_open(Json params);
  void did_change(Json params);
  void did_close(Json params);
  void did_save(Json params);
  void did_change_watched_files(Json params);
  void changed(const std::string& path);
  // Answers (queries.cpp, formatting in format_request.cpp).
  std::string formatting(Json params);
  std::string hover(Json params);
  std::string definition(Json params);
  std::string references(Json params);
  std::string prepare_rename(Json params);
  std::string rename(Json params);
  std::string completion(Json params);
  std::string document_symbol(Json params);
  std::string code_action(Json params);

  // The current snapshot, re-checked first if the text changed; null only if
  // checking threw (reported), until the next change.
  const Snapshot* snapshot();
  // Where a TextDocumentPositionParams points in the current snapshot.
  struct Located {
    const Snapshot* snapshot;
    ide::Position at;
  };
  std::optional<Located> locate(Json params);
  std::string uri_of(const std::string& path) const;
  // {"uri":..,"range":..} for a span in a user file, else "".
  std::string location_json(const Snapshot& s, Span span) const;
  std::string workspace_edit_json(const Snapshot& s, const std::vector<ide::TextEdit>& edits) const;

  Send send_;
  Log log_;
  simdjson::dom::parser parser_;
  bool initialized_ = false, shutdown_ = false, exited_ = false;
  bool watch_files_ = false;  // the client registers file watchers when asked
  int next_request_ = 1;

  Documents docs_;
  Workspace workspace_;
  ParseCache parses_;
  std::shared_ptr<Snapshot> snapshot_;      // the newest analysis
  std::shared_ptr<Snapshot> last_checked_;  // the newest one without syntax errors (completion)
  bool dirty_ = true, analysis_failed_ = false, published_ = false;
  std::set<std::string> edited_;  // paths changed since diagnostics were last published
  DiagnosticsPublisher publisher_;
};

}  // namespace play::lsp
