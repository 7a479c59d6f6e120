// The editor's questions about the project, answered by compiler/ide from the
// current snapshot; here only positions and JSON shapes are converted
// (LSP 3.17 Hover, Location[], WorkspaceEdit, CompletionItem[],
// DocumentSymbol[], CodeAction[]).
#include <algorithm>

#include "apps/playc/lsp/server.h"
#include "apps/playc/lsp/uri.h"
#include "common/json/json.h"

namespace play::lsp {

namespace {

int completion_kind(ide::CompletionKind k) {
  switch (k) {
    case ide::CompletionKind::Keyword:
      return 14;
    case ide::CompletionKind::SignalType:
      return 23;  // Event
    case ide::CompletionKind::Property:
      return 10;
    case ide::CompletionKind::Field:
      return 5;
    case ide::CompletionKind::Variable:
      return 6;
    case ide::CompletionKind::Constant:
      return 21;
    case ide::CompletionKind::Function:
      return 3;
    case ide::CompletionKind::Action:
      return 2;  // Method
    case ide::CompletionKind::Argument:
      return 5;  // Field: a named argument
    case ide::CompletionKind::Snippet:
      return 15;
    case ide::CompletionKind::Value:
      return 12;
  }
  return 1;
}

int symbol_kind(ide::SymbolKind k) {
  switch (k) {
    case ide::SymbolKind::Play:
      return 12;  // Function
    case ide::SymbolKind::Test:
      return 6;  // Method
    case ide::SymbolKind::Icp:
      return 11;  // Interface
    case ide::SymbolKind::List:
      return 18;  // Array
    case ide::SymbolKind::Pool:
      return 18;  // Array
    case ide::SymbolKind::Const:
      return 14;  // Constant
    case ide::SymbolKind::Signal:
      return 24;  // Event
    case ide::SymbolKind::Property:
      return 7;  // Property
    case ide::SymbolKind::Entity:
      return 23;  // Struct
    case ide::SymbolKind::Field:
      return 8;  // Field
    case ide::SymbolKind::Action:
      return 6;  // Method
    case ide::SymbolKind::Suppress:
      return 19;  // Object
    case ide::SymbolKind::Score:
      return 16;  // Number
    case ide::SymbolKind::Let:
      return 13;  // Variable
  }
  return 12;
}

void write_symbol(json::Writer& w, const LineMap& lines, const ide::Symbol& s, uint32_t file) {
  // LSP requires selectionRange inside range; a name span outside it is clamped.
  Span range = s.span, name = s.name_span;
  if (!range.valid() || range.file != file) range = name;
  if (!name.valid() || name.file != file) name = range;
  name.begin = std::clamp(name.begin, range.begin, range.end);
  name.end = std::clamp(name.end, name.begin, range.end);
  w.begin_object();
  w.key("name").value(s.name.empty() ? std::string("(unnamed)") : s.name);
  if (!s.detail.empty()) w.key("detail").value(s.detail);
  w.key("kind").value(symbol_kind(s.kind));
  w.key("range");
  write_range(w, lines, range.begin, range.end);
  w.key("selectionRange");
  write_range(w, lines, name.begin, name.end);
  w.key("children").begin_array();
  for (const auto& c : s.children) write_symbol(w, lines, c, file);
  w.end_array();
  w.end_object();
}

std::string locations(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& l : items) {
    if (l.empty()) continue;
    if (out.size() > 1) out += ",";
    out += l;
  }
  return out + "]";
}

}  // namespace

std::string Server::hover(Json params) {
  auto at = locate(params);
  if (!at) return "null";
  auto h = ide::hover(at->snapshot->project(), at->at);
  if (!h || h->markdown.empty()) return "null";
  std::string out;
  json::Writer w(out);
  w.begin_object()
      .key("contents")
      .begin_object()
      .key("kind")
      .value("markdown")
      .key("value")
      .value(h->markdown);
  w.end_object();
  if (h->span.valid() && h->span.file == at->at.file) {
    w.key("range");
    write_range(w, at->snapshot->lines(at->at.file), h->span.begin, h->span.end);
  }
  w.end_object();
  return out;
}

std::string Server::definition(Json params) {
  auto at = locate(params);
  if (!at) return "[]";
  std::vector<std::string> items;
  for (Span s : ide::definition(at->snapshot->project(), at->at))
    items.push_back(location_json(*at->snapshot, s));
  return locations(items);
}

std::string Server::references(Json params) {
  bool with_declaration = false;
  if (auto ctx = optional_field(params, "context"))
    with_declaration = bool_or(*ctx, "includeDeclaration", false);
  auto at = locate(params);
  if (!at) return "[]";
  std::vector<std::string> items;
  for (Span s : ide::references(at->snapshot->project(), at->at, with_declaration))
    items.push_back(location_json(*at->snapshot, s));
  return locations(items);
}

std::string Server::prepare_rename(Json params) {
  auto at = locate(params);
  if (!at) return "null";
  ide::RenameTarget t = ide::prepare_rename(at->snapshot->project(), at->at);
  if (!t.error.empty()) throw RpcError(rpc::kRequestFailed, t.error);
  if (!t.span.valid() || t.span.file != at->at.file) return "null";
  const std::string& text = at->snapshot->project().sources.file(t.span.file).text();
  std::string out;
  json::Writer w(out);
  w.begin_object().key("range");
  write_range(w, at->snapshot->lines(t.span.file), t.span.begin, t.span.end);
  uint32_t end = std::min<uint32_t>(t.span.end, static_cast<uint32_t>(text.size()));
  w.key("placeholder")
      .value(std::string_view(text).substr(std::min(t.span.begin, end), end - std::min(t.span.begin, end)));
  w.end_object();
  return out;
}

std::string Server::rename(Json params) {
  std::string new_name(string_field(params, "newName", "newName"));
  auto at = locate(params);
  if (!at) throw RpcError(rpc::kRequestFailed, "nothing to rename here: the file is not part of the project");
  ide::RenameResult r = ide::rename(at->snapshot->project(), at->at, new_name);
  if (!r.error.empty()) throw RpcError(rpc::kRequestFailed, r.error);
  return workspace_edit_json(*at->snapshot, r.edits);
}

std::string Server::completion(Json params) {
  std::string uri(string_field(field(params, "textDocument", "textDocument"), "uri", "textDocument.uri"));
  Json pos = field(params, "position", "position");
  TextPosition p{uint_field(pos, "line", "position.line"),
                 uint_field(pos, "character", "position.character")};
  Document* d = docs_.find(uri);
  if (!d) return "[]";
  // Names come from the newest project that was checked: half-typed text has
  // syntax errors, and a project with them is only parsed (ide.h).
  const Snapshot* current = snapshot();
  const Snapshot* names = last_checked_ ? last_checked_.get() : current;
  if (!names) return "[]";
  uint32_t offset = LineMap(d->text).offset(p);
  std::string out;
  json::Writer w(out);
  w.begin_array();
  for (const auto& c : ide::complete(names->project(), d->path, d->text, offset)) {
    w.begin_object().key("label").value(c.label).key("kind").value(completion_kind(c.kind));
    if (!c.detail.empty()) w.key("detail").value(c.detail);
    if (!c.documentation.empty())
      w.key("documentation")
          .begin_object()
          .key("kind")
          .value("markdown")
          .key("value")
          .value(c.documentation)
          .end_object();
    if (!c.insert_text.empty()) w.key("insertText").value(c.insert_text);
    w.key("insertTextFormat").value(c.snippet ? 2 : 1);
    w.end_object();
  }
  w.end_array();
  return out;
}

std::string Server::document_symbol(Json params) {
  std::string uri(string_field(field(params, "textDocument", "textDocument"), "uri", "textDocument.uri"));
  const Snapshot* s = snapshot();
  if (!s) return "[]";
  Document* d = docs_.find(uri);
  uint32_t file = s->file_of(d ? d->path : uri_to_path(uri));
  if (file == 0) return "[]";
  std::string out;
  json::Writer w(out);
  w.begin_array();
  for (const auto& sym : ide::document_symbols(s->project(), file))
    write_symbol(w, s->lines(file), sym, file);
  w.end_array();
  return out;
}

std::string Server::code_action(Json params) {
  std::string uri(string_field(field(params, "textDocument", "textDocument"), "uri", "textDocument.uri"));
  Json context = field(params, "context", "context");
  // Only quick fixes are offered; a client asking only for other kinds gets none.
  simdjson::dom::array kinds;
  if (auto only = optional_field(context, "only");
      only && only->get_array().get(kinds) == simdjson::SUCCESS) {
    bool wants = false;
    for (Json k : kinds) {
      std::string_view kind;
      if (k.get_string().get(kind) == simdjson::SUCCESS && (kind == "quickfix" || kind == "")) wants = true;
    }
    if (!wants) return "[]";
  }
  const Snapshot* s = snapshot();
  if (!s) return "[]";
  Document* d = docs_.find(uri);
  uint32_t file = s->file_of(d ? d->path : uri_to_path(uri));
  if (file == 0) return "[]";
  simdjson::dom::array asked;
  if (field(context, "diagnostics", "context.diagnostics").get_array().get(asked) != simdjson::SUCCESS)
    throw RpcError(rpc::kInvalidParams, "context.diagnostics must be an array");
  const LineMap& lines = s->lines(file);
  std::string out;
  json::Writer w(out);
  w.begin_array();
  for (Json lsp_diag : asked) {
    // The client's copy names a diagnostic by code and range; find ours.
    std::string code;
    if (auto c = optional_field(lsp_diag, "code")) {
      std::string_view sv;
      if (c->get_string().get(sv) == simdjson::SUCCESS) code = sv;
    }
    Json range = field(lsp_diag, "range", "diagnostics[].range");
    Json start = field(range, "start", "range.start"), end = field(range, "end", "range.end");
    uint32_t b = lines.offset(
        {uint_field(start, "line", "start.line"), uint_field(start, "character", "start.character")});
    uint32_t e =
        lines.offset({uint_field(end, "line", "end.line"), uint_field(end, "character", "end.character")});
    for (const auto& ours : s->diagnostics().all()) {
      if (ours.span.file != file || ours.code != code || ours.span.begin != b) continue;
      if (visible_end(s->project().sources.file(file).text(), ours.span) != e) continue;
      auto fixes = ide::quick_fixes(s->project(), ours);
      for (const auto& fix : fixes) {
        w.begin_object().key("title").value(fix.title).key("kind").value("quickfix");
        w.key("diagnostics").begin_array().raw(minified(lsp_diag)).end_array();
        w.key("isPreferred").value(fixes.size() == 1);
        w.key("edit").raw(workspace_edit_json(*s, fix.edits));
        w.end_object();
      }
      break;
    }
  }
  w.end_array();
  return out;
}

}  // namespace play::lsp
