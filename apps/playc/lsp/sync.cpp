// Text synchronization: open documents, their changes, and files changed on
// disk. Every change marks the project dirty; it is checked again lazily
// (server.h).
#include "apps/playc/lsp/server.h"
#include "apps/playc/lsp/uri.h"

namespace play::lsp {

namespace {

TextPosition position_of(Json p, const char* what) {
  return {uint_field(p, "line", what), uint_field(p, "character", what)};
}

int64_t version_of(Json doc) {
  int64_t v = 0;
  if (auto f = optional_field(doc, "version"); !f || f->get_int64().get(v) != simdjson::SUCCESS) return 0;
  return v;
}

}  // namespace

void Server::changed(const std::string& path) {
  edited_.insert(path);
  dirty_ = true;
  analysis_failed_ = false;
}

void Server::did_open(Json params) {
  Json doc = field(params, "textDocument", "textDocument");
  std::string uri(string_field(doc, "uri", "textDocument.uri"));
  std::string text(string_field(doc, "text", "textDocument.text"));
  changed(docs_.open(uri, std::move(text), version_of(doc)).path);
}

void Server::did_change(Json params) {
  Json doc = field(params, "textDocument", "textDocument");
  std::string uri(string_field(doc, "uri", "textDocument.uri"));
  Document* d = docs_.find(uri);
  if (!d) {
    log("didChange for a document that is not open: " + uri);
    return;
  }
  Json changes = field(params, "contentChanges", "contentChanges");
  simdjson::dom::array list;
  if (changes.get_array().get(list) != simdjson::SUCCESS)
    throw RpcError(rpc::kInvalidParams, "contentChanges must be an array");
  // Applied in order: each change's range is in the text as the previous one left it.
  for (Json c : list) {
    std::string_view text = string_field(c, "text", "contentChanges[].text");
    if (auto range = optional_field(c, "range")) {
      TextRange r{position_of(field(*range, "start", "range.start"), "range.start"),
                  position_of(field(*range, "end", "range.end"), "range.end")};
      apply_change(d->text, r, text);
    } else {
      d->text.assign(text);
    }
  }
  d->version = version_of(doc);
  changed(d->path);
}

void Server::did_close(Json params) {
  std::string uri(string_field(field(params, "textDocument", "textDocument"), "uri", "textDocument.uri"));
  Document* d = docs_.find(uri);
  if (!d) return;
  std::string path = d->path;
  docs_.close(uri);
  // The file on disk speaks for it again (if it is one of the workspace's).
  workspace_.rescan({path});
  changed(path);
}

void Server::did_save(Json params) {
  std::string uri(string_field(field(params, "textDocument", "textDocument"), "uri", "textDocument.uri"));
  // The open text still wins; the disk copy is refreshed for when the document is closed.
  workspace_.rescan({uri_to_path(uri)});
}

void Server::did_change_watched_files(Json params) {
  Json changes = field(params, "changes", "changes");
  simdjson::dom::array list;
  if (changes.get_array().get(list) != simdjson::SUCCESS)
    throw RpcError(rpc::kInvalidParams, "changes must be an array");
  std::vector<std::string> paths;
  for (Json c : list) paths.push_back(uri_to_path(string_field(c, "uri", "changes[].uri")));
  workspace_.rescan(paths);
  for (const auto& p : paths) changed(p);
}

}  // namespace play::lsp
