// textDocument/formatting: one edit replacing the whole document with what
// `playc fmt` would write, none when it is formatted already, and none plus an
// error message when `playc fmt` would refuse (formatting.h).
#include "apps/playc/lsp/formatting.h"
#include "apps/playc/lsp/server.h"
#include "common/json/json.h"

namespace play::lsp {

std::string Server::formatting(Json params) {
  std::string uri(string_field(field(params, "textDocument", "textDocument"), "uri", "textDocument.uri"));
  Document* d = docs_.find(uri);
  if (!d) throw RpcError(rpc::kInvalidParams, "the document is not open: " + uri);
  Formatted f = format_document(d->path, d->text);
  if (!f.refusal.empty()) {
    show_error(f.refusal);
    return "[]";
  }
  if (f.text == d->text) return "[]";
  std::string out;
  json::Writer w(out);
  w.begin_array().begin_object().key("range");
  write_range(w, LineMap(d->text), 0, static_cast<uint32_t>(d->text.size()));
  w.key("newText").value(f.text).end_object().end_array();
  return out;
}

}  // namespace play::lsp
