#include "compiler/diag/render.h"

#include <fmt/format.h>

#include <cctype>
#include <map>

#include "common/json/json.h"
#include "compiler/diag/codes.h"

namespace play {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

// Number of code points in a byte range (carets are counted in characters).
static size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string render_text(const SourceSet& sources, const Diagnostic& d) {
  std::string out;
  if (d.span.file == 0 || d.span.file >= sources.size()) {
    out = fmt::format("playc: {}[{}]: {}\n", severity_name(d.severity), d.code, d.message);
    return out;
  }
  const SourceFile& f = sources.file(d.span.file);
  LineCol lc = f.line_col(d.span.begin);
  out = fmt::format("{}:{}:{}: {}[{}]: {}\n", f.path(), lc.line, lc.col, severity_name(d.severity), d.code,
                    d.message);
  std::string_view line = f.line_text(lc.line);
  out += fmt::format("{:>5} | {}\n", lc.line, line);
  // The caret line copies tabs from the source prefix so the caret lines up.
  std::string pad;
  size_t col = 1;
  for (size_t i = 0; i < line.size() && col < lc.col; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    pad.push_back(c == '\t' ? '\t' : ' ');
    ++col;
  }
  // The underline covers the span within this line (at least one character).
  size_t start_in_line = 0;
  {
    std::string_view text = f.text();
    size_t nl = text.substr(0, d.span.begin).rfind('\n');
    start_in_line = nl == std::string_view::npos ? d.span.begin : d.span.begin - nl - 1;
  }
  size_t end_in_line = start_in_line + (d.span.end > d.span.begin ? d.span.end - d.span.begin : 1);
  if (end_in_line > line.size()) end_in_line = std::max(line.size(), start_in_line + 1);
  size_t width =
      start_in_line < line.size() ? code_points(line.substr(start_in_line, end_in_line - start_in_line)) : 1;
  if (width == 0) width = 1;
  out += "      | " + pad + "^" + std::string(width - 1, '~') + "\n";
  return out;
}

struct Position {
  std::string file;
  LineCol begin, end;
};

static Position position(const SourceSet& sources, const Diagnostic& d) {
  Position p;
  if (d.span.file == 0 || d.span.file >= sources.size()) return p;
  const SourceFile& f = sources.file(d.span.file);
  p.file = f.path();
  p.begin = f.line_col(d.span.begin);
  p.end = f.line_col(d.span.end > d.span.begin ? d.span.end : d.span.begin + 1);
  return p;
}

std::string render_json(const SourceSet& sources, const Diagnostics& diags) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("diagnostics").begin_array();
  for (const auto& d : diags.all()) {
    Position p = position(sources, d);
    w.begin_object();
    w.key("file").value(p.file);
    w.key("line").value(static_cast<int64_t>(p.begin.line));
    w.key("column").value(static_cast<int64_t>(p.begin.col));
    w.key("end_line").value(static_cast<int64_t>(p.end.line));
    w.key("end_column").value(static_cast<int64_t>(p.end.col));
    w.key("severity").value(severity_name(d.severity));
    w.key("code").value(d.code);
    w.key("message").value(d.message);
    w.end_object();
  }
  w.end_array();
  w.key("errors").value(static_cast<int64_t>(diags.error_count()));
  w.key("warnings").value(static_cast<int64_t>(diags.warning_count()));
  w.end_object();
  out.push_back('\n');
  return out;
}

std::string render_sarif(const SourceSet& sources, const Diagnostics& diags, const std::string& help_base) {
  std::string base = help_base.empty() ? kDiagnosticsHelpBase : help_base;
  std::string out;
  json::Writer w(out);
  std::map<std::string, const Diagnostic*> rules;
  for (const auto& d : diags.all()) rules.emplace(d.code, &d);
  w.begin_object();
  w.key("$schema").value("https://json.schemastore.org/sarif-2.1.0.json");
  w.key("version").value("2.1.0");
  w.key("runs").begin_array().begin_object();
  w.key("tool").begin_object().key("driver").begin_object();
  w.key("name").value("playc");
  w.key("informationUri").value(base);
  w.key("rules").begin_array();
  for (const auto& [code, d] : rules) {
    w.begin_object();
    w.key("id").value(code);
    // Code scanning shows the rule's description and links its help: both from docs/diagnostics.md.
    std::string meaning(diagnostic_meaning(code)), anchor = code;
    for (char& ch : anchor) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    if (meaning.empty()) meaning = code;
    w.key("name").value(code);
    w.key("shortDescription").begin_object().key("text").value(meaning).end_object();
    w.key("fullDescription").begin_object().key("text").value(meaning).end_object();
    w.key("helpUri").value(base + "#" + anchor);
    w.key("help").begin_object().key("text").value(code + ": " + meaning + ". See " + base + "#" + anchor);
    w.key("markdown")
        .value("**" + code + "**: " + meaning + ". [Details and the fix](" + base + "#" + anchor + ")");
    w.end_object();
    w.key("defaultConfiguration")
        .begin_object()
        .key("level")
        .value(d->severity == Severity::Error ? "error" : "warning")
        .end_object();
    w.end_object();
  }
  w.end_array().end_object().end_object();
  w.key("results").begin_array();
  for (const auto& d : diags.all()) {
    Position p = position(sources, d);
    w.begin_object();
    w.key("ruleId").value(d.code);
    w.key("level").value(d.severity == Severity::Error     ? "error"
                         : d.severity == Severity::Warning ? "warning"
                                                           : "note");
    w.key("message").begin_object().key("text").value(d.message).end_object();
    if (!p.file.empty()) {
      w.key("locations").begin_array().begin_object();
      w.key("physicalLocation").begin_object();
      w.key("artifactLocation").begin_object().key("uri").value(p.file).end_object();
      w.key("region").begin_object();
      w.key("startLine").value(static_cast<int64_t>(p.begin.line));
      w.key("startColumn").value(static_cast<int64_t>(p.begin.col));
      w.key("endLine").value(static_cast<int64_t>(p.end.line));
      w.key("endColumn").value(static_cast<int64_t>(p.end.col));
      w.end_object().end_object().end_object().end_array();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object().end_array().end_object();
  out.push_back('\n');
  return out;
}

}  // namespace play
