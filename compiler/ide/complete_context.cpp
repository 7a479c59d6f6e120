#include "compiler/ide/complete_context.h"

#include <cctype>

namespace play::ide {

namespace {
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
}  // namespace

std::vector<Token> scan(std::string_view text, uint32_t offset, bool& inside, size_t& string_start) {
  std::vector<Token> out;
  inside = false;
  string_start = std::string_view::npos;
  size_t i = 0, n = text.size();
  auto covers = [&](size_t b, size_t e, bool open_end) {
    if (offset > b && (offset < e || (open_end && offset == e))) inside = true;
  };
  while (i < n) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    size_t b = i;
    if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      while (i < n && text[i] != '\n') ++i;
      covers(b + 1, i, true);
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      size_t e = text.find("*/", i + 2);
      bool closed = e != std::string_view::npos;
      i = closed ? e + 2 : n;
      covers(b, i, !closed);
      continue;
    }
    if (c == '"' && text.substr(i, 3) == "\"\"\"") {
      size_t e = text.find("\"\"\"", i + 3);
      bool closed = e != std::string_view::npos;
      i = closed ? e + 3 : n;
      covers(b, i, !closed);
      if (inside && string_start == std::string_view::npos && offset > b) string_start = b;
      out.push_back({Token::String, uint32_t(b), uint32_t(i), text.substr(b, i - b)});
      continue;
    }
    if (c == '"' || c == '\'') {
      ++i;
      bool closed = false;
      while (i < n && text[i] != '\n') {
        if (text[i] == '\\' && i + 1 < n) {
          i += 2;
          continue;
        }
        if (text[i++] == c) {
          closed = true;
          break;
        }
      }
      covers(b, i, !closed);
      if (inside && string_start == std::string_view::npos && offset > b && offset <= i) string_start = b;
      out.push_back({Token::String, uint32_t(b), uint32_t(i), text.substr(b, i - b)});
      continue;
    }
    if (word_char(c)) {
      while (i < n && word_char(text[i])) ++i;
      out.push_back({Token::Word, uint32_t(b), uint32_t(i), text.substr(b, i - b)});
      continue;
    }
    ++i;
    out.push_back({Token::Punct, uint32_t(b), uint32_t(i), text.substr(b, 1)});
  }
  return out;
}

size_t template_expression_start(std::string_view text, size_t string_start, uint32_t offset) {
  size_t open = std::string_view::npos;
  for (size_t i = string_start + 1; i < offset && i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      ++i;
    } else if (c == '{' && open == std::string_view::npos) {
      if (i + 1 < offset && text[i + 1] == '{') {
        ++i;  // `{{`: a literal brace
        continue;
      }
      open = i + 1;
    } else if (c == '}' && open != std::string_view::npos) {
      open = std::string_view::npos;
    } else if (c == '}' && i + 1 < offset && text[i + 1] == '}') {
      ++i;
    }
  }
  return open;
}

namespace {

bool is(const std::vector<Token>& t, size_t i, std::string_view s) { return i < t.size() && t[i].text == s; }

// Index of the first token of the dotted name ending at `last` (a.b.c).
size_t dotted_start(const std::vector<Token>& t, size_t last) {
  size_t i = last;
  while (i >= 2 && t[i].kind == Token::Word && is(t, i - 1, ".") && t[i - 2].kind == Token::Word) i -= 2;
  return i;
}

std::string joined(const std::vector<Token>& t, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i <= to && i < t.size(); ++i) s += t[i].text;
  return s;
}

Frame open_brace(const std::vector<Token>& t, size_t i, const std::vector<Frame>& stack) {
  Frame f{Frame::Braces, "", i, t.size()};
  bool in_test = !stack.empty() && stack.back().kind == Frame::Test;
  bool top = stack.empty();
  if (i >= 2 && t[i - 1].kind == Token::Word && is(t, i - 2, "play") && top)
    return {Frame::Play, std::string(t[i - 1].text), i, t.size()};
  if (i >= 2 && t[i - 1].kind == Token::String && is(t, i - 2, "test") && top)
    return {Frame::Test, "", i, t.size()};
  if (i >= 2 && t[i - 1].kind == Token::Word && is(t, i - 2, "entity") && top)
    return {Frame::EntityDecl, std::string(t[i - 1].text), i, t.size()};
  if (i >= 2 && t[i - 1].kind == Token::Word && is(t, i - 2, "given") && in_test)
    return {Frame::Given, std::string(t[i - 1].text), i, t.size()};
  if (i >= 1 && is(t, i - 1, "suppress") && top) return {Frame::Suppress, "", i, t.size()};
  if (i >= 1 && t[i - 1].kind == Token::Word) {
    size_t last = i - 1;
    if (in_test && i >= 3 && is(t, i - 2, "at")) last = i - 3;  // signal T at 5m {
    size_t s = dotted_start(t, last);
    if (s >= 1 && is(t, s - 1, "signal") && (top || in_test))
      return {in_test ? Frame::TestSignal : Frame::SignalDecl, joined(t, s, last), i, t.size()};
  }
  return f;
}

Frame open_paren(const std::vector<Token>& t, size_t i) {
  if (i >= 2 && t[i - 1].kind == Token::Word && is(t, i - 2, "do"))
    return {Frame::ActionArgs, std::string(t[i - 1].text), i, t.size()};
  if (i >= 3 && is(t, i - 1, "of") && is(t, i - 2, "any") && is(t, i - 3, "on"))
    return {Frame::AnyOf, "", i, t.size()};
  return {Frame::Parens, i >= 1 && t[i - 1].kind == Token::Word ? std::string(t[i - 1].text) : "", i,
          t.size()};
}

}  // namespace

namespace {
// Pops `stack` (indexes of openers) to the opener matching closer `x`; a
// stray closer is ignored. Returns the opener's index or npos.
size_t pop_to(const std::vector<Token>& t, std::vector<size_t>& stack, std::string_view x) {
  std::string_view open = x == "}" ? "{" : x == ")" ? "(" : "[";
  for (size_t k = stack.size(); k > 0; --k)
    if (t[stack[k - 1]].text == open) {
      size_t at = stack[k - 1];
      stack.resize(k - 1);
      return at;
    }
  return std::string::npos;
}
bool opener(const Token& t) {
  return t.kind == Token::Punct && (t.text == "{" || t.text == "(" || t.text == "[");
}
bool closer(const Token& t) {
  return t.kind == Token::Punct && (t.text == "}" || t.text == ")" || t.text == "]");
}
}  // namespace

std::vector<Frame> frames(const std::vector<Token>& t, size_t upto) {
  // Where each opener closes, over the whole text.
  std::vector<size_t> close(t.size(), t.size()), open;
  for (size_t i = 0; i < t.size(); ++i) {
    if (opener(t[i])) open.push_back(i);
    if (closer(t[i]))
      if (size_t at = pop_to(t, open, t[i].text); at != std::string::npos) close[at] = i;
  }
  // The frames open before `upto`.
  std::vector<Frame> stack;
  std::vector<size_t> idx;
  for (size_t i = 0; i < t.size() && i < upto; ++i) {
    if (opener(t[i])) {
      Frame f = t[i].text == "{" ? open_brace(t, i, stack) : open_paren(t, i);
      if (t[i].text == "[") f.kind = Frame::Parens;
      f.close = close[i];
      stack.push_back(std::move(f));
      idx.push_back(i);
    }
    if (closer(t[i]))
      if (size_t at = pop_to(t, idx, t[i].text); at != std::string::npos)
        while (!stack.empty() && stack.back().open >= at) stack.pop_back();
  }
  return stack;
}

}  // namespace play::ide
