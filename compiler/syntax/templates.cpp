// Action-argument strings are templates: "{contact.name} at {account.name}".
// `{{` and `}}` are literal braces. The text inside `{…}` is parsed as an
// expression by a sub-parse of the same file, so its spans are file offsets.
// The expression is taken as written (escapes are not decoded inside it):
// use the other quote style for strings inside, e.g. "{a ?? 'none'}".
#include "compiler/syntax/build.h"
#include "compiler/syntax/literals.h"

namespace play::syntax {

// Finds the `}` closing the `{` at `open`, skipping nested braces and quoted
// strings inside the expression. npos when there is none.
static size_t closing_brace(std::string_view s, size_t open, size_t end) {
  int depth = 0;
  for (size_t i = open; i < end; ++i) {
    char c = s[i];
    if (c == '{')
      ++depth;
    else if (c == '}') {
      if (--depth == 0) return i;
    } else if (c == '"' || c == '\'') {
      for (++i; i < end && s[i] != c; ++i)
        if (s[i] == '\\') ++i;
    }
  }
  return std::string_view::npos;
}

ast::ExprPtr build_template(Session& session, std::string_view raw, Span span) {
  StringShape shape = string_shape(raw);
  size_t content_end = raw.size() - shape.close;
  auto at = [&](size_t off, size_t len) {
    return Span{span.file, span.begin + uint32_t(off), span.begin + uint32_t(off + len)};
  };
  LiteralError err = [&](size_t off, size_t len, const char* code, std::string msg) {
    session.error(code, at(off, len), std::move(msg));
  };
  auto e = std::make_unique<ast::Expr>();
  e->span = span;
  e->raw = std::string(raw);
  bool has_expr = false;
  ast::TemplatePart lit;
  size_t lit_start = shape.open;
  auto flush = [&](size_t upto) {
    if (!lit.text.empty()) {
      lit.span = at(lit_start, upto - lit_start);
      e->parts.push_back(std::move(lit));
    }
    lit = ast::TemplatePart{};
  };
  size_t seg = shape.open;  // start of text not yet decoded
  for (size_t i = shape.open; i < content_end; ++i) {
    char c = raw[i];
    if (c == '\\' && !shape.raw) {
      // Skip the escape; \u{…} has braces of its own.
      if (i + 2 < content_end && raw[i + 1] == 'u' && raw[i + 2] == '{') {
        size_t close = raw.find('}', i + 3);
        if (close != std::string_view::npos && close < content_end)
          i = close;
        else
          ++i;
      } else {
        ++i;
      }
      continue;
    }
    if (c != '{' && c != '}') continue;
    decode_escapes(raw, seg, i, shape.raw, lit.text, err);
    if (i + 1 < content_end && raw[i + 1] == c) {  // {{ or }}
      lit.text += c;
      seg = ++i + 1;
      continue;
    }
    if (c == '}') {
      err(i, 1, "P0021", "unmatched '}' in a template; write '}}' for a literal brace");
      seg = i + 1;
      continue;
    }
    size_t close = closing_brace(raw, i, content_end);
    if (close == std::string_view::npos) {
      err(i, 1, "P0019", "unclosed '{' in a template; write '{{' for a literal brace");
      seg = content_end;
      break;
    }
    std::string_view inner = raw.substr(i + 1, close - i - 1);
    if (inner.find_first_not_of(" \t") == std::string_view::npos) {
      err(i, close + 1 - i, "P0020",
          "empty '{}' in a template: put an expression inside, or write '{{}}' for literal braces");
    } else {
      flush(i);
      ast::TemplatePart part;
      part.is_expr = true;
      part.span = at(i, close + 1 - i);
      part.expr = parse_sub_expression(session, span.begin + uint32_t(i + 1), span.begin + uint32_t(close));
      e->parts.push_back(std::move(part));
      has_expr = true;
      lit_start = close + 1;
    }
    seg = close + 1;
    i = close;
  }
  decode_escapes(raw, seg, content_end, shape.raw, lit.text, err);
  if (!has_expr) {
    e->kind = ast::ExprKind::String;
    e->string_value = std::move(lit.text);
    return e;
  }
  flush(content_end);
  e->kind = ast::ExprKind::Template;
  return e;
}

}  // namespace play::syntax
