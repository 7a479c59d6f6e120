#include "apps/playc/lsp/diagnostics.h"

#include <cctype>

#include "apps/playc/lsp/json_rpc.h"
#include "apps/playc/lsp/uri.h"
#include "compiler/diag/render.h"

namespace play::lsp {

namespace {

int lsp_severity(Severity s) {
  switch (s) {
    case Severity::Error:
      return 1;
    case Severity::Warning:
      return 2;
    case Severity::Note:
      return 3;  // Information
  }
  return 1;
}

void write_position(json::Writer& w, TextPosition p) {
  w.begin_object();
  w.key("line").value(static_cast<int64_t>(p.line));
  w.key("character").value(static_cast<int64_t>(p.character));
  w.end_object();
}

}  // namespace

// An empty span (a missing token) covers the character at it, as `playc
// check` reports it, so the editor has something to underline.
uint32_t visible_end(std::string_view text, Span span) {
  if (span.end > span.begin || span.begin >= text.size() || text[span.begin] == '\n') return span.end;
  uint32_t end = span.begin + 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return end;
}

void write_range(json::Writer& w, const LineMap& lines, uint32_t begin, uint32_t end) {
  if (end < begin) end = begin;
  w.begin_object();
  w.key("start");
  write_position(w, lines.position(begin));
  w.key("end");
  write_position(w, lines.position(end));
  w.end_object();
}

std::string diagnostics_json(const Snapshot& snapshot, uint32_t file,
                             const std::vector<const Diagnostic*>& list) {
  const std::string& text = snapshot.project().sources.file(file).text();
  std::string out;
  json::Writer w(out);
  w.begin_array();
  for (const Diagnostic* p : list) {
    const Diagnostic& d = *p;
    std::string anchor = d.code;
    for (char& c : anchor) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    w.begin_object();
    w.key("range");
    write_range(w, snapshot.lines(file), d.span.begin, visible_end(text, d.span));
    w.key("severity").value(lsp_severity(d.severity));
    w.key("code").value(d.code);
    w.key("codeDescription")
        .begin_object()
        .key("href")
        .value(std::string(kDiagnosticsHelpBase) + "#" + anchor);
    w.end_object();
    w.key("source").value("playc");
    w.key("message").value(d.message);
    w.end_object();
  }
  w.end_array();
  return out;
}

void DiagnosticsPublisher::publish(const Snapshot& snapshot, const Documents& open,
                                   const std::set<std::string>& edited, const Send& send) {
  std::map<std::string, int64_t> versions;  // by path
  std::map<std::string, std::string> uris;  // by path: the editor's own spelling for open ones
  for (const auto& [uri, d] : open.all()) {
    versions[d.path] = d.version;
    uris[d.path] = uri;
  }
  std::map<uint32_t, std::vector<const Diagnostic*>> by_file;  // grouped once: a project may have thousands
  for (const auto& d : snapshot.diagnostics().all()) by_file[d.span.file].push_back(&d);
  std::map<std::string, std::string> now;
  for (const auto& [path, file] : snapshot.user_files()) {
    std::string uri = uris.count(path) ? uris[path] : path_to_uri(path);
    std::string list = diagnostics_json(snapshot, file, by_file[file]);
    auto old = sent_.find(uri);
    bool changed = old == sent_.end() || old->second != list;
    if (changed || edited.count(path)) {
      std::string params;
      json::Writer w(params);
      w.begin_object().key("uri").value(uri);
      if (versions.count(path)) w.key("version").value(versions[path]);
      w.key("diagnostics").raw(list).end_object();
      send(notification("textDocument/publishDiagnostics", params));
    }
    now[uri] = std::move(list);
  }
  for (const auto& [uri, list] : sent_) {
    if (now.count(uri) || list == "[]") continue;
    send(notification("textDocument/publishDiagnostics",
                      "{\"uri\":" + json::quote(uri) + ",\"diagnostics\":[]}"));
  }
  sent_ = std::move(now);
}

}  // namespace play::lsp
