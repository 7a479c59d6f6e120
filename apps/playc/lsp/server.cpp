#include "apps/playc/lsp/server.h"

#include <filesystem>

#include "apps/playc/lsp/capabilities.h"
#include "apps/playc/lsp/uri.h"
#include "common/json/json.h"

namespace play::lsp {

Server::Server(Send send, Log log) : send_(std::move(send)), log_(std::move(log)) {}

const std::map<std::string, Server::Request>& Server::requests() {
  static const std::map<std::string, Request> table = {
      {"initialize", &Server::initialize},
      {"shutdown", &Server::shutdown},
      {"textDocument/formatting", &Server::formatting},
      {"textDocument/hover", &Server::hover},
      {"textDocument/definition", &Server::definition},
      {"textDocument/references", &Server::references},
      {"textDocument/prepareRename", &Server::prepare_rename},
      {"textDocument/rename", &Server::rename},
      {"textDocument/completion", &Server::completion},
      {"textDocument/documentSymbol", &Server::document_symbol},
      {"textDocument/codeAction", &Server::code_action},
  };
  return table;
}

const std::map<std::string, Server::Notification>& Server::notifications() {
  static const std::map<std::string, Notification> table = {
      {"initialized", &Server::initialized},
      {"textDocument/didOpen", &Server::did_open},
      {"textDocument/didChange", &Server::did_change},
      {"textDocument/didClose", &Server::did_close},
      {"textDocument/didSave", &Server::did_save},
      {"workspace/didChangeWatchedFiles", &Server::did_change_watched_files},
  };
  return table;
}

void Server::log(const std::string& line) {
  if (log_) log_(line);
}

void Server::show_error(const std::string& message) {
  std::string params;
  json::Writer w(params);
  w.begin_object().key("type").value(1).key("message").value(message).end_object();
  send_(notification("window/showMessage", params));
}

void Server::handle(std::string_view body) {
  simdjson::padded_string padded(body);
  Json msg;
  if (parser_.parse(padded).get(msg) != simdjson::SUCCESS) {
    send_(error_response("null", rpc::kParseError, "the message is not valid JSON"));
    return;
  }
  if (!msg.is_object()) {
    send_(error_response("null", rpc::kInvalidRequest, "a JSON-RPC message is an object"));
    return;
  }
  auto id = optional_field(msg, "id");
  auto method = optional_field(msg, "method");
  std::string id_json = "null";
  if (id) {
    if (!id->is_string() && !id->is_int64() && !id->is_uint64()) {
      send_(error_response("null", rpc::kInvalidRequest, "id must be a number or a string"));
      return;
    }
    id_json = minified(*id);
  }
  if (!method) {
    // A response to one of our requests (client/registerCapability): nothing waits on it.
    if (id) return;
    send_(error_response("null", rpc::kInvalidRequest, "a message without a method or an id"));
    return;
  }
  std::string_view name;
  if (method->get_string().get(name) != simdjson::SUCCESS) {
    if (id) send_(error_response(id_json, rpc::kInvalidRequest, "method must be a string"));
    return;
  }
  Json params = optional_field(msg, "params").value_or(Json());
  dispatch(id_json, std::string(name), params, id.has_value());
}

void Server::dispatch(const std::string& id, const std::string& method, Json params, bool has_id) {
  if (!has_id) {
    if (method == "exit") {
      exited_ = true;
      return;
    }
    if (!initialized_) return;  // LSP: notifications before initialize are dropped
    auto it = notifications().find(method);
    if (it == notifications().end()) return;  // $/cancelRequest, $/setTrace, unknown: ignored
    try {
      (this->*it->second)(params);
    } catch (const std::exception& e) {
      log(method + " failed: " + e.what());
    } catch (...) {
      log(method + " failed");
    }
    return;
  }
  if (!initialized_ && method != "initialize") {
    send_(error_response(id, rpc::kServerNotInitialized, "initialize first"));
    return;
  }
  if (shutdown_) {
    send_(error_response(id, rpc::kInvalidRequest, "the server is shutting down"));
    return;
  }
  auto it = requests().find(method);
  if (it == requests().end()) {
    send_(error_response(id, rpc::kMethodNotFound, "unsupported method: " + method));
    return;
  }
  std::string result;
  try {
    result = (this->*it->second)(params);
  } catch (const RpcError& e) {
    send_(error_response(id, e.code, e.what()));
    return;
  } catch (const std::exception& e) {
    log(method + " failed: " + e.what());
    send_(error_response(id, rpc::kInternalError, method + " failed: " + e.what()));
    return;
  } catch (...) {
    send_(error_response(id, rpc::kInternalError, method + " failed"));
    return;
  }
  send_(response(id, result));
}

std::string Server::initialize(Json params) {
  if (initialized_) throw RpcError(rpc::kInvalidRequest, "initialize was already called");
  // The folders: workspaceFolders, else rootUri, else the deprecated rootPath.
  std::vector<std::string> folders;
  simdjson::dom::array list;
  if (auto wf = optional_field(params, "workspaceFolders");
      wf && wf->get_array().get(list) == simdjson::SUCCESS) {
    for (Json f : list) folders.push_back(uri_to_path(string_field(f, "uri", "workspaceFolders[].uri")));
  } else if (auto root = optional_field(params, "rootUri")) {
    folders.push_back(uri_to_path(string_field(params, "rootUri", "rootUri")));
  } else if (auto path = optional_field(params, "rootPath")) {
    folders.push_back(std::string(string_field(params, "rootPath", "rootPath")));
  }
  for (auto& f : folders) f = std::filesystem::path(f).lexically_normal().string();
  std::vector<std::string> include;
  if (auto opts = optional_field(params, "initializationOptions"))
    if (auto paths = optional_field(*opts, "paths");
        paths && paths->get_array().get(list) == simdjson::SUCCESS)
      for (Json p : list) {
        std::string_view s;
        if (p.get_string().get(s) != simdjson::SUCCESS)
          throw RpcError(rpc::kInvalidParams, "initializationOptions.paths must be strings");
        include.emplace_back(s);
      }
  if (auto caps = optional_field(params, "capabilities"))
    if (auto ws = optional_field(*caps, "workspace"))
      if (auto watched = optional_field(*ws, "didChangeWatchedFiles"))
        watch_files_ = bool_or(*watched, "dynamicRegistration", false);
  workspace_.set_folders(folders, include);
  initialized_ = true;
  dirty_ = true;
  return initialize_result();
}

void Server::initialized(Json) {
  if (!watch_files_) return;
  // Files changed outside the editor (git checkout, codegen) come back as didChangeWatchedFiles.
  send_(request(std::to_string(next_request_++), "client/registerCapability",
                R"({"registrations":[{"id":"play-files","method":"workspace/didChangeWatchedFiles",)"
                R"("registerOptions":{"watchers":[{"globPattern":"**/*.play"}]}}]})"));
}

std::string Server::shutdown(Json) {
  shutdown_ = true;
  return "null";
}

const Snapshot* Server::snapshot() {
  if (dirty_ && !analysis_failed_) {
    dirty_ = false;
    published_ = false;
    try {
      snapshot_ = std::make_shared<Snapshot>(workspace_.sources(docs_), &parses_);
      std::set<std::string> paths;
      for (uint32_t id = 1; id < snapshot_->project().sources.size(); ++id)
        paths.insert(snapshot_->project().sources.file(id).path());
      parses_.retain(paths);
      if (snapshot_->checked()) last_checked_ = snapshot_;
    } catch (const std::exception& e) {
      analysis_failed_ = true;
      snapshot_.reset();
      log(std::string("checking the project failed: ") + e.what());
    }
  }
  return snapshot_.get();
}

void Server::idle() {
  if (!initialized_ || shutdown_) return;
  try {
    const Snapshot* s = snapshot();
    if (!s || published_) return;
    publisher_.publish(*s, docs_, edited_, send_);
    edited_.clear();
    published_ = true;
  } catch (const std::exception& e) {
    log(std::string("publishing diagnostics failed: ") + e.what());
  }
}

std::string Server::uri_of(const std::string& path) const {
  for (const auto& [uri, d] : docs_.all())
    if (d.path == path) return uri;
  return path_to_uri(path);
}

std::string Server::location_json(const Snapshot& s, Span span) const {
  if (!s.is_user_file(span.file)) return "";  // the stdlib is built in: no file to open
  std::string out;
  json::Writer w(out);
  w.begin_object().key("uri").value(uri_of(s.path_of(span.file))).key("range");
  write_range(w, s.lines(span.file), span.begin, span.end);
  w.end_object();
  return out;
}

std::string Server::workspace_edit_json(const Snapshot& s, const std::vector<ide::TextEdit>& edits) const {
  std::map<std::string, std::string> by_uri;  // uri -> TextEdit[] entries
  for (const auto& e : edits) {
    if (!s.is_user_file(e.span.file)) continue;
    std::string& list = by_uri[uri_of(s.path_of(e.span.file))];
    json::Writer w(list);
    if (!list.empty()) list += ",";
    w.begin_object().key("range");
    write_range(w, s.lines(e.span.file), e.span.begin, e.span.end);
    w.key("newText").value(e.new_text).end_object();
  }
  std::string out = "{\"changes\":{";
  bool first = true;
  for (const auto& [uri, list] : by_uri) {
    if (!first) out += ",";
    first = false;
    out += json::quote(uri) + ":[" + list + "]";
  }
  return out + "}}";
}

std::optional<Server::Located> Server::locate(Json params) {
  std::string uri(string_field(field(params, "textDocument", "textDocument"), "uri", "textDocument.uri"));
  Json pos = field(params, "position", "position");
  TextPosition p{uint_field(pos, "line", "position.line"),
                 uint_field(pos, "character", "position.character")};
  const Snapshot* s = snapshot();
  if (!s) return std::nullopt;
  Document* d = docs_.find(uri);
  uint32_t file = s->file_of(d ? d->path : uri_to_path(uri));
  if (file == 0) return std::nullopt;  // not a file of the project
  return Located{s, ide::Position{file, s->lines(file).offset(p)}};
}

}  // namespace play::lsp
