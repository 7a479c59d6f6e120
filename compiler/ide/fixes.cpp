// Quick fixes: a diagnostic that ends "did you mean X?" becomes an edit
// replacing the misspelt word with X; P0500 (an enroll without `unless
// suppressed`) becomes the missing clause, on its own line before the
// play's first `do`.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "compiler/ide/ide.h"
#include "compiler/ide/index.h"

namespace play::ide {

namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

// The suggestion of "...; did you mean 'x'?" (or `x`, or "x"), and its quote.
bool suggestion(const std::string& message, std::string& meant, char& quote) {
  size_t at = message.rfind("did you mean ");
  if (at == std::string::npos) return false;
  size_t open = at + 13;
  if (open >= message.size()) return false;
  quote = message[open];
  if (quote != '\'' && quote != '`' && quote != '"') return false;
  size_t close = message.find(quote, open + 1);
  if (close == std::string::npos || close == open + 1) return false;
  meant = message.substr(open + 1, close - open - 1);
  return true;
}

// The words quoted '...' in the message before the suggestion: the misspelt
// word is one of them (`unknown action 'enrol'`).
std::vector<std::string> quoted_words(const std::string& message) {
  std::vector<std::string> out;
  size_t end = message.rfind("did you mean ");
  for (size_t i = 0; i < end;) {
    size_t open = message.find_first_of("'\"", i);
    if (open == std::string::npos || open >= end) break;
    size_t close = message.find(message[open], open + 1);
    if (close == std::string::npos || close >= end) break;
    out.push_back(message.substr(open + 1, close - open - 1));
    i = close + 1;
  }
  return out;
}

bool is_word(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!word_char(c)) return false;
  return true;
}

// `word` as a whole word in `text`, or npos.
size_t find_word(std::string_view text, std::string_view word) {
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    bool left = at == 0 || !word_char(text[at - 1]);
    bool right = at + word.size() >= text.size() || !word_char(text[at + word.size()]);
    if (left && right) return at;
  }
  return std::string_view::npos;
}

// A suggestion in backquotes may be a pattern (`TEXT.contains("...")`,
// `a != b`), not text to insert: only a single word or operator is.
bool concrete(const std::string& meant, char quote) {
  if (quote != '`') return true;
  return std::ranges::none_of(meant,
                              [](char c) { return c == ' ' || std::isupper(static_cast<unsigned char>(c)); });
}

std::optional<Fix> did_you_mean_fix(const sema::Project& project, const Diagnostic& d) {
  std::string meant;
  char quote = 0;
  if (!suggestion(d.message, meant, quote) || !concrete(meant, quote)) return std::nullopt;
  Span span = d.span;
  std::string_view text = text_of(project, span);
  if (text.empty()) return std::nullopt;
  const std::string& file = project.sources.file(span.file).text();
  Fix fix{fmt::format("Change to '{}'", meant), {}};
  // The span is the first character of what is quoted (`<` of '<>', `=` of '=<').
  for (const auto& w : quoted_words(d.message))
    if (w.size() > text.size() && file.compare(span.begin, w.size(), w) == 0) {
      span.end = span.begin + uint32_t(w.size());
      text = text_of(project, span);
      break;
    }
  // `x is not null`: the fix replaces both words.
  if (d.message.find("(for `is not`)") != std::string::npos) {
    size_t n = file.find_first_not_of(" \t", span.end);
    if (n != std::string::npos && file.compare(n, 3, "not") == 0) span.end = uint32_t(n + 3);
  }
  // `name = value` in action arguments: the fix `name:` replaces `name =`.
  if (!meant.empty() && meant.back() == ':' && text == "=") {
    uint32_t b = span.begin;
    while (b > 0 && (file[b - 1] == ' ' || file[b - 1] == '\t')) --b;
    while (b > 0 && word_char(file[b - 1])) --b;
    span.begin = b;
    fix.edits.push_back({span, meant});
    return fix;
  }
  // A string literal: the suggestion is its text (a time zone, a reason),
  // or, quoted "...", the whole literal.
  bool literal =
      text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front();
  if (literal && quote != '"') {
    fix.edits.push_back({Span{span.file, span.begin + 1, span.end - 1}, meant});
    return fix;
  }
  // The span is the misspelt word (a name, a keyword in capitals, `7days`,
  // `&`): replace it all, apart from the words around it (`a&b`).
  if (literal || quote != '\'' || is_word(text)) {
    std::string with = quote != '"' ? meant
                       : literal    ? text.front() + meant + text.front()
                                    : "\"" + meant + "\"";
    if (is_word(meant) && !is_word(text)) {
      if (span.begin > 0 && word_char(file[span.begin - 1])) with = " " + with;
      if (span.end < file.size() && word_char(file[span.end])) with += " ";
    }
    fix.edits.push_back({span, with});
    return fix;
  }
  // The span is a whole clause (`expect p do enrol`, `given acount {`): the
  // misspelt word is quoted in the message.
  for (const auto& w : quoted_words(d.message)) {
    size_t at = find_word(text, w);
    if (w.empty() || at == std::string_view::npos) continue;
    uint32_t b = span.begin + uint32_t(at);
    fix.edits.push_back({Span{span.file, b, b + uint32_t(w.size())}, meant});
    return fix;
  }
  return std::nullopt;
}

bool is_filter(ast::PlayItemKind k) {
  using K = ast::PlayItemKind;
  return k == K::On || k == K::Where || k == K::WhereIcp || k == K::Unless || k == K::UnlessFired;
}

// P0500: `unless suppressed` after the play's last filter (before its lets
// and actions: a suppressed contact costs nothing more), indented like it.
std::optional<Fix> suppression_fix(const sema::Project& project, const Diagnostic& d) {
  const ast::File* file = file_of(project, d.span.file);
  if (!file) return std::nullopt;
  const ast::PlayDecl* play = nullptr;
  for (const auto& decl : file->decls)
    if (decl.kind == ast::DeclKind::Play && decl.play && decl.span.begin <= d.span.begin &&
        d.span.end <= decl.span.end)
      play = decl.play.get();
  if (!play) return std::nullopt;
  const ast::PlayItem* anchor = nullptr;  // the clause to follow
  const ast::PlayItem* enroll = nullptr;
  for (const auto& item : play->items) {
    if (item.span.begin >= d.span.begin && !enroll) enroll = &item;
    if (!enroll && is_filter(item.kind)) anchor = &item;
  }
  const std::string& text = project.sources.file(d.span.file).text();
  auto line_start = [&](uint32_t at) {
    while (at > 0 && text[at - 1] != '\n') --at;
    return at;
  };
  const ast::PlayItem* like = anchor ? anchor : enroll;
  if (!like) return std::nullopt;
  uint32_t start = line_start(like->span.begin);
  std::string indent = text.substr(start, like->span.begin - start);
  for (char& c : indent)
    if (c != ' ' && c != '\t') c = ' ';
  Fix fix{"Add `unless suppressed`", {}};
  if (anchor) {
    size_t eol = text.find('\n', anchor->span.end);
    if (eol == std::string::npos) {
      uint32_t end = static_cast<uint32_t>(text.size());
      fix.edits.push_back({Span{d.span.file, end, end}, "\n" + indent + "unless suppressed"});
    } else {
      uint32_t at = static_cast<uint32_t>(eol + 1);
      fix.edits.push_back({Span{d.span.file, at, at}, indent + "unless suppressed\n"});
    }
  } else {
    fix.edits.push_back({Span{d.span.file, start, start}, indent + "unless suppressed\n"});
  }
  return fix;
}

}  // namespace

std::vector<Fix> quick_fixes(const sema::Project& project, const Diagnostic& diagnostic) {
  std::vector<Fix> out;
  if (diagnostic.span.file == 0 || diagnostic.span.file >= project.sources.size()) return out;
  if (is_stdlib(project, diagnostic.span.file)) return out;
  if (diagnostic.code == "P0500") {
    if (auto f = suppression_fix(project, diagnostic)) out.push_back(std::move(*f));
  } else if (auto f = did_you_mean_fix(project, diagnostic)) {
    out.push_back(std::move(*f));
  }
  return out;
}

}  // namespace play::ide
