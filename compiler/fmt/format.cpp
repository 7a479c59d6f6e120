// Declarations, plays and tests in canonical layout (rules in format.h), with
// every comment carried along.
#include "compiler/fmt/format.h"

#include <algorithm>

#include "compiler/fmt/layout.h"

namespace play::fmt {

namespace {

using namespace play::ast;

// Items inside a block start at this column.
constexpr size_t kItem = 2;

// Trailing comments on neighbouring lines start in one column (one space after the longest
// of those lines), as people align them by hand. A run of neighbours ends at a blank line, an
// own-line comment, a line opening a block (`{`, whose comment stays next to it) or closing one.
std::string align_trailing(const std::string& out, const std::vector<size_t>& marks) {
  struct Line {
    size_t begin, end, code_end;  // code_end == end when the line has no trailing comment
  };
  std::vector<Line> lines;
  size_t m = 0;
  for (size_t b = 0; b < out.size();) {
    size_t e = out.find('\n', b);
    if (e == std::string::npos) e = out.size();
    while (m < marks.size() && marks[m] < b) ++m;
    lines.push_back({b, e, m < marks.size() && marks[m] <= e ? marks[m] : e});
    b = e + 1;
  }
  std::vector<size_t> column(lines.size(), 0);
  auto is_break = [&](const Line& l) {
    size_t first = out.find_first_not_of(' ', l.begin);
    if (first >= l.end) return true;  // blank
    if (l.code_end == l.end && (out.compare(first, 2, "//") == 0 || out.compare(first, 2, "/*") == 0))
      return true;
    char last = out[l.code_end - 1];
    return last == '{' || (out[first] == '}' && first + 1 == l.code_end);
  };
  for (size_t i = 0; i < lines.size();) {
    size_t j = i + 1;
    if (!is_break(lines[i]))
      while (j < lines.size() && !is_break(lines[j])) ++j;
    size_t width = 0;
    for (size_t k = i; k < j; ++k)
      if (lines[k].code_end < lines[k].end) width = std::max(width, lines[k].code_end - lines[k].begin);
    for (size_t k = i; k < j; ++k) column[k] = width;
    i = j;
  }
  std::string s;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    s.append(out, l.begin, l.code_end - l.begin);
    if (l.code_end < l.end) {
      s.append(column[i] - (l.code_end - l.begin), ' ');
      s.append(out, l.code_end, l.end - l.code_end);
    }
    if (l.end < out.size()) s += '\n';
  }
  return s;
}

// An alert line after `alert`: "off", "volume_drop off", "volume below 30%".
std::string alert_text(const AlertItem& a) {
  if (a.off) return a.measure.empty() ? "off" : a.measure + " off";
  const char* dir = a.dir == AlertDir::Above ? " above " : a.dir == AlertDir::After ? " after " : " below ";
  return a.measure + dir + a.raw;
}

class Printer {
 public:
  Printer(const SourceSet& sources, const File& file)
      : text_(sources.file(file.file_id).text()), file_(file), used_(file.comments.size(), false) {}

  std::string run() {
    uint32_t prev_end = 0;
    bool prev_block = false;
    for (size_t i = 0; i < file_.decls.size(); ++i) {
      const Decl& d = file_.decls[i];
      bool block = is_block(d);
      if (i > 0 && (block || prev_block || blank_between(prev_end, first_before(d.span.begin)))) out_ += '\n';
      leading(d.span.begin, 0);
      decl(d);
      prev_end = d.span.end;
      prev_block = block;
    }
    // Comments after the last declaration.
    if (!file_.decls.empty() && next_unused() < file_.comments.size() &&
        blank_between(prev_end, file_.comments[next_unused()].span.begin))
      out_ += '\n';
    leading(UINT32_MAX, 0);
    return align_trailing(out_, trailing_at_);
  }

 private:
  // ---------------------------------------------------------------- comments and blank lines

  size_t next_unused() const {
    size_t i = 0;
    while (i < used_.size() && used_[i]) ++i;
    return i;
  }
  // Where the text that belongs to a thing at `begin` starts: its first own-line comment.
  uint32_t first_before(uint32_t begin) const {
    size_t i = next_unused();
    return i < used_.size() && file_.comments[i].span.begin < begin ? file_.comments[i].span.begin : begin;
  }
  bool blank_between(uint32_t from, uint32_t to) const {
    int newlines = 0;
    for (uint32_t i = from; i < to && i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '\n') {
        if (++newlines >= 2) return true;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        newlines = 0;
      }
    }
    return false;
  }
  void indent(int n) { out_.append(size_t(n) * 2, ' '); }
  // Comments before `before`, each on its own line.
  void leading(uint32_t before, int depth) {
    for (size_t i = 0; i < used_.size(); ++i) {
      const Comment& c = file_.comments[i];
      if (used_[i] || c.span.begin >= before) continue;
      used_[i] = true;
      indent(depth);
      out_ += c.text + "\n";
      // Keep the author's blank line between a comment and what follows it.
      size_t n = i + 1;
      uint32_t next =
          n < used_.size() && file_.comments[n].span.begin < before ? file_.comments[n].span.begin : before;
      if (next != UINT32_MAX && blank_between(c.span.end, next)) out_ += '\n';
    }
  }
  // Comments inside [begin, end) or after `end` on the same source line, appended to the current line.
  // Only those before the next code on the line: with several items on a line, a comment
  // after a later item is that item's.
  void trailing(uint32_t end) {
    uint32_t line_end = end, code = code_after(end);
    while (line_end < text_.size() && text_[line_end] != '\n') ++line_end;
    for (size_t i = 0; i < used_.size(); ++i) {
      const Comment& c = file_.comments[i];
      if (used_[i] || c.span.begin >= line_end || c.span.begin >= code) continue;
      if (c.span.begin >= end) line_end = std::max(line_end, c.span.end);  // a block comment may span lines
      if (out_.back() != ' ' && (trailing_at_.empty() || trailing_at_.back() != out_.size()))
        trailing_at_.push_back(out_.size());
      used_[i] = true;
      out_ += " " + c.text;
    }
  }
  // Where the next code after `pos` starts, past spaces, tabs and comments (not line breaks).
  uint32_t code_after(uint32_t pos) const {
    for (const Comment& c : file_.comments) {
      if (c.span.end <= pos) continue;
      while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\t')) ++pos;
      if (c.span.begin != pos) break;
      pos = c.span.end;
    }
    while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\t')) ++pos;
    return pos;
  }
  // One line (or several, already laid out) of an item inside a block.
  void item(const std::string& s, Span span, int depth) {
    leading(span.begin, depth);
    indent(depth);
    out_ += commented(span) ? as_written(span) : s;
    trailing(span.end);
    out_ += '\n';
  }
  // Does a comment start inside the item? Its lines are then the author's: laying the
  // item out again could only move the comment away from what it is about (or after a
  // `//` comment, where the rest of the line would be commented out).
  bool commented(Span span) const {
    for (const Comment& c : file_.comments)
      if (c.span.begin > span.begin && c.span.begin < span.end) return true;
    return false;
  }
  // The item as the author wrote it, comments included. Its later lines move with its first
  // (so that what was aligned stays aligned), unless one may start inside a """string""" or a
  // block comment, where spaces are content: those items keep their later lines as written.
  std::string as_written(Span span) {
    bool shift = true;
    for (size_t i = 0; i < used_.size(); ++i) {
      const Comment& c = file_.comments[i];
      if (c.span.begin <= span.begin || c.span.begin >= span.end) continue;
      used_[i] = true;
      if (c.text.find('\n') != std::string::npos) shift = false;
    }
    std::string s = src(span);
    if (!shift || s.find("\"\"\"") != std::string::npos || s.find("'''") != std::string::npos) return s;
    size_t line_begin = text_.rfind('\n', span.begin == 0 ? 0 : span.begin - 1);
    line_begin = line_begin == std::string::npos || span.begin == 0 ? 0 : line_begin + 1;
    if (text_.find_first_not_of(' ', line_begin) < span.begin) return s;  // a tab, or another item first
    size_t was = span.begin - line_begin, now = out_.size() - (out_.rfind('\n') + 1);
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      out += s[i];
      if (s[i] != '\n') continue;
      if (now > was) {
        if (i + 1 < s.size() && s[i + 1] != '\n' && s[i + 1] != '\r') out.append(now - was, ' ');
      } else {
        for (size_t k = 0; k < was - now && i + 1 < s.size() && s[i + 1] == ' '; ++k) ++i;
      }
    }
    return out;
  }
  // Items of a block: keep one blank line where the author had one.
  template <typename T, typename Fn>
  void items(const std::vector<T>& list, uint32_t open_end, Fn print) {
    uint32_t prev_end = open_end;
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0 && blank_between(prev_end, first_before(list[i].span.begin))) out_ += '\n';
      print(list[i]);
      prev_end = list[i].span.end;
    }
  }
  void close_block(Span span, int depth) {
    // Comments left inside the block go before its '}'.
    leading(span.end > 0 ? span.end - 1 : 0, depth + 1);
    indent(depth);
    out_ += "}";
    trailing(span.end);
    out_ += '\n';
  }
  std::string src(Span s) const {
    if (s.end <= s.begin || s.end > text_.size()) return "\"\"";
    return text_.substr(s.begin, s.end - s.begin);
  }
  bool one_line(Span s) const { return text_.find('\n', s.begin) >= s.end; }

  // ---------------------------------------------------------------- declarations

  bool is_block(const Decl& d) const {
    switch (d.kind) {
      case DeclKind::Play:
      case DeclKind::Test:
      case DeclKind::Suppress:
      case DeclKind::Score:
        return true;
      case DeclKind::Signal:
        return !one_line(d.span);
      case DeclKind::Entity:
        return !one_line(d.span);
      default:
        return false;
    }
  }

  static std::string type(const TypeExpr& t) {
    std::string s = t.name;
    if (!t.params.empty()) {
      s += "<";
      for (size_t i = 0; i < t.params.size(); ++i) s += (i ? ", " : "") + type(t.params[i]);
      s += ">";
    }
    return s + (t.nullable ? "?" : "");
  }

  void fields(const std::string& head, const std::vector<FieldDecl>& fs, Span span) {
    std::string line = head + " {";
    for (size_t i = 0; i < fs.size(); ++i) line += (i ? ", " : " ") + fs[i].name + ": " + type(fs[i].type);
    line += fs.empty() ? "}" : " }";
    if (one_line(span) && line.size() <= kMaxWidth) {
      out_ += line;
      trailing(span.end);
      out_ += '\n';
      return;
    }
    open_line(head, span);
    items(fs, span.begin, [&](const FieldDecl& f) { item(f.name + ": " + type(f.type), f.span, 1); });
    close_block(span, 0);
  }
  uint32_t first_line_end(uint32_t from) const {
    size_t nl = text_.find('\n', from);
    return nl == std::string::npos ? uint32_t(text_.size()) : uint32_t(nl);
  }
  // The `{` line: comments after the opening brace on its line stay there.
  void open_line(const std::string& head, Span span) {
    uint32_t brace = uint32_t(text_.find('{', span.begin));
    // Comments inside the head (`play /* x */ p {`) go on lines of their own before it, ahead
    // of those after the brace, so that comments stay in their order.
    if (brace != uint32_t(std::string::npos) && brace < span.end) leading(brace, 0);
    out_ += head + " {";
    if (brace != uint32_t(std::string::npos) && brace < span.end) trailing_after_brace(brace + 1);
    out_ += '\n';
  }
  // Comments between the brace and the first item, when they start on the brace's line (a
  // comment after an item on that line is the item's).
  void trailing_after_brace(uint32_t after) {
    uint32_t line_end = first_line_end(after), code = code_after(after);
    for (size_t i = 0; i < used_.size(); ++i) {
      const Comment& c = file_.comments[i];
      if (used_[i] || c.span.begin < after || c.span.begin >= line_end || c.span.begin >= code) continue;
      used_[i] = true;
      out_ += " " + c.text;
    }
  }

  void decl(const Decl& d) {
    switch (d.kind) {
      case DeclKind::Signal:
        fields("signal " + d.signal->name, d.signal->fields, d.span);
        break;
      case DeclKind::Entity:
        fields("entity " + d.entity->name, d.entity->fields, d.span);
        break;
      case DeclKind::Value: {
        static const char* kinds[] = {"list", "const", "pool", "icp"};
        std::string head = std::string(kinds[int(d.value->kind)]) + " " + d.value->name + " = ";
        out_ +=
            commented(d.span) ? as_written(d.span) : head + layout_expr(*d.value->value, head.size(), 0, 0);
        trailing(d.span.end);
        out_ += '\n';
        break;
      }
      case DeclKind::Suppress: {
        open_line("suppress", d.span);
        // The reason column: after the widest condition that fits on one line with its reason.
        size_t width = 0;
        for (const auto& r : d.suppress->rules) {
          size_t w = format_expr(*r.cond).size();
          if (kItem + w + 4 + src(r.reason_span).size() <= kMaxWidth) width = std::max(width, w);
        }
        width = std::min<size_t>(width, 60);
        items(d.suppress->rules, d.span.begin, [&](const SuppressRule& r) {
          std::string as = " as " + src(r.reason_span);
          std::string cond = layout_expr(*r.cond, kItem, as.size(), kItem);
          // Pad to the reason column only one-line rules that still fit padded.
          if (cond.size() < width && cond.find('\n') == std::string::npos &&
              kItem + width + as.size() <= kMaxWidth)
            cond.append(width - cond.size(), ' ');
          item(cond + as, r.span, 1);
        });
        close_block(d.span, 0);
        break;
      }
      case DeclKind::Action: {
        const ActionDecl& a = *d.action;
        std::string s = "action " + a.name + "(";
        for (size_t i = 0; i < a.params.size(); ++i) {
          const ParamDecl& p = a.params[i];
          s += (i ? ", " : "") + p.name + ": " + type(p.type);
          if (p.default_value) s += " = " + format_expr(*p.default_value);
        }
        s += ")";
        if (a.sink_span.end > a.sink_span.begin) s += " to " + src(a.sink_span);
        out_ += commented(d.span) ? as_written(d.span) : s;
        trailing(d.span.end);
        out_ += '\n';
        break;
      }
      case DeclKind::Play:
        play(*d.play, d.span);
        break;
      case DeclKind::Test:
        test(*d.test, d.span);
        break;
      case DeclKind::Score:
        score(*d.score, d.span);
        break;
    }
  }

  // ---------------------------------------------------------------- plays

  static std::string signal_ref(const SignalRef& r) {
    return r.filter ? r.name + " where " + format_expr(*r.filter) : r.name;
  }
  static std::string per(const std::string& p) { return p.empty() ? "" : " per " + p; }

  static std::string on_clause(const OnClause& on) {
    std::string s = "on ";
    auto list = [&] {
      std::string l;
      for (size_t i = 0; i < on.signals.size(); ++i) l += (i ? ", " : "") + signal_ref(on.signals[i]);
      return l;
    };
    auto first = [&] { return on.signals.empty() ? std::string() : signal_ref(on.signals[0]); };
    auto value = [&] { return on.value ? format_expr(*on.value) : std::string("null"); };
    switch (on.kind) {
      case OnKind::Signal:
        return s + first();
      case OnKind::AnyOf:
        return s + "any of (" + list() + ")";
      case OnKind::Absence:
        return s + "absence of " +
               (on.signals.size() == 1 && on.signals[0].filter ? "(" + first() + ")" : first()) + " for " +
               on.window_raw + per(on.per);
      case OnKind::Count:
        return s + "count(" + first() + ") " + on.cmp_op + " " + value() + " within " + on.window_raw +
               per(on.per);
      case OnKind::AllOf:
        return s + "all of (" + list() + ") within " + on.window_raw + per(on.per);
      case OnKind::Rate:
        return s + "rate(" + first() + ", " + on.window_raw + ") " + on.cmp_op + " " + value() + per(on.per);
      case OnKind::Score:
        return s + "score " + on.score_name + " crosses " + value();
    }
    return s;
  }

  // An `on` clause; a filter or a signal list that does not fit breaks like an expression or a call.
  static std::string on_item(const OnClause& on) {
    if (on.kind == OnKind::Signal && !on.signals.empty() && on.signals[0].filter)
      return with_expr("on " + on.signals[0].name + " where ", *on.signals[0].filter);
    if (on.kind != OnKind::AnyOf && on.kind != OnKind::AllOf) return on_clause(on);
    std::vector<Part> parts;
    for (const auto& r : on.signals) {
      std::string ref = signal_ref(r);
      parts.push_back({ref, [ref](size_t, size_t, size_t) { return ref; }});
    }
    std::string tail = on.kind == OnKind::AllOf ? " within " + on.window_raw + per(on.per) : "";
    std::string head = on.kind == OnKind::AllOf ? "on all of " : "on any of ";
    return layout_seq(head, "(", ")", parts, kItem, tail.size(), kItem) + tail;
  }

  // `head(a: 1, b: 2)` followed by `reserve` characters, broken by the sequence rules (layout.h).
  static std::string call(const std::string& head, const std::vector<NamedArg>& args, size_t reserve) {
    std::vector<Part> parts;
    for (const auto& a : args) {
      std::string label = a.name + ": ";
      const Expr& value = *a.value;
      parts.push_back({label + format_expr(value), [&value, label](size_t column, size_t r, size_t indent) {
                         return label + layout_expr(value, column + label.size(), r, indent);
                       }});
    }
    return layout_seq(head, "(", ")", parts, kItem, reserve, kItem);
  }
  // `head` and an expression laid out after it, then `tail`.
  static std::string with_expr(const std::string& head, const Expr& e, const std::string& tail = "") {
    return head + layout_expr(e, kItem + head.size(), tail.size(), kItem) + tail;
  }

  void play(const PlayDecl& p, Span span) {
    open_line("play " + p.name, span);
    size_t key_width = 0;
    for (const auto& it : p.items) {
      if (it.kind == PlayItemKind::Meta) key_width = std::max(key_width, it.name.size());
      if (it.kind == PlayItemKind::Alert) key_width = std::max(key_width, std::string_view("alert").size());
    }
    auto key = [&](std::string_view k) {
      return std::string(k) + std::string(key_width - k.size() + 1, ' ');
    };
    items(p.items, span.begin, [&](const PlayItem& it) {
      std::string s;
      switch (it.kind) {
        case PlayItemKind::Meta:
          s = with_expr(key(it.name), *it.expr);
          break;
        case PlayItemKind::Alert:  // aligned with the metadata it belongs to
          s = key("alert") + alert_text(it.alert);
          break;
        case PlayItemKind::On:
          s = on_item(it.on);
          break;
        case PlayItemKind::Where:
          s = with_expr("where ", *it.expr);
          break;
        case PlayItemKind::WhereIcp:
          s = "where icp " + it.name;
          break;
        case PlayItemKind::Unless:
          s = with_expr("unless ", *it.expr, " as " + src(it.reason_span));
          break;
        case PlayItemKind::UnlessSuppressed:
          s = "unless suppressed";
          break;
        case PlayItemKind::UnlessFired:
          s = "unless fired within " + it.within_raw +
              (it.per == Per::Contact   ? " per contact"
               : it.per == Per::Account ? " per account"
                                        : "");
          break;
        case PlayItemKind::Let:
          s = with_expr("let " + it.name + " = ", *it.expr);
          break;
        case PlayItemKind::Do:
          s = call("do " + it.name, it.args, 0);
          break;
      }
      item(s, it.span, 1);
    });
    close_block(span, 0);
  }

  // ---------------------------------------------------------------- tests and scores

  // `head { a: 1, b: 2 }`, broken by the sequence rules (layout.h); `{}` when empty.
  static std::string record(const std::string& head, const std::vector<RecordField>& fs) {
    if (fs.empty()) return head + "{}";
    std::vector<Part> parts;
    for (const auto& f : fs) {
      std::string label = f.name + ": ";
      const Expr& value = *f.value;
      parts.push_back({label + format_expr(value), [&value, label](size_t column, size_t r, size_t indent) {
                         return label + layout_expr(value, column + label.size(), r, indent);
                       }});
    }
    return layout_seq(head, "{ ", " }", parts, kItem, 0, kItem);
  }

  void test(const TestDecl& t, Span span) {
    open_line("test " + src(t.name_span), span);
    items(t.items, span.begin, [&](const TestItem& it) {
      std::string s;
      std::string times = it.has_times ? " times " + std::to_string(it.times) : "";
      switch (it.kind) {
        case TestItemKind::Given:
          s = record("given " + it.entity + " ", it.fields);
          break;
        case TestItemKind::Signal:
          s = "signal " + it.signal_type + (it.at_raw.empty() ? "" : " at " + it.at_raw);
          if (!it.fields.empty() || has_record(it)) s = record(s + " ", it.fields);
          break;
        case TestItemKind::ExpectAction:
          s = "expect " + it.play + " do " + it.action;
          if (it.has_args) s = call(s, it.args, times.size());
          s += times;
          break;
        case TestItemKind::ExpectOutcome:
          s = "expect " + it.play + " outcome " + it.outcome;
          if (it.has_reason || it.has_signal_id) s += strings_of(it);
          s += times;
          break;
        case TestItemKind::ExpectNothingElse:
          s = "expect nothing else";
          break;
        case TestItemKind::After:
          s = "after " + it.at_raw;
          break;
      }
      item(s, it.span, 1);
    });
    close_block(span, 0);
  }
  // `signal T {}` with an empty record: keep the braces.
  bool has_record(const TestItem& it) const {
    std::string s = src(it.span);
    return !s.empty() && s.back() == '}';
  }
  // The reason and `on "id"` strings as written, from the item's source.
  std::string strings_of(const TestItem& it) const {
    // Re-scan the item's source for its string tokens: the AST keeps decoded values only.
    std::string s = src(it.span), out;
    size_t outcome_at = s.find(it.outcome, s.find(" outcome"));
    size_t i = outcome_at == std::string::npos ? 0 : outcome_at + it.outcome.size();
    while (i < s.size()) {
      char c = s[i];
      if (c == '"' || c == '\'' ||
          ((c == 'r' || c == 'R') && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\''))) {
        size_t start = i;
        if (c == 'r' || c == 'R') ++i;
        char q = s[i];
        bool triple = s.compare(i, 3, std::string(3, q)) == 0 && s.size() - i >= 6;
        if (triple) {
          size_t e = s.find(std::string(3, q), i + 3);
          i = e == std::string::npos ? s.size() : e + 3;
        } else {
          for (++i; i < s.size() && s[i] != q; ++i)
            if (s[i] == '\\') ++i;
          ++i;
        }
        out += " " + s.substr(start, i - start);
        continue;
      }
      if (s.compare(i, 2, "on") == 0 && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\n')) {
        out += " on";
        i += 2;
        continue;
      }
      if (s.compare(i, 5, "times") == 0) break;
      ++i;
    }
    return out;
  }

  void score(const ScoreDecl& s, Span span) {
    open_line("score " + s.name + per(s.per) + " half_life " + s.half_life_raw, span);
    items(s.rules, span.begin,
          [&](const ScoreRule& r) { item(with_expr(signal_ref(r.signal) + " => ", *r.weight), r.span, 1); });
    close_block(span, 0);
  }

  const std::string& text_;
  const File& file_;
  std::vector<bool> used_;
  std::string out_;
  std::vector<size_t>
      trailing_at_;  // offsets in out_ where a line's code ends and its trailing comment follows
};

}  // namespace

std::string format_file(const SourceSet& sources, const File& file) { return Printer(sources, file).run(); }

}  // namespace play::fmt
