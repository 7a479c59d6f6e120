// One file's parse: the shared error budget (one error per line, at most
// kMaxErrors) and `Run`, the ANTLR machinery for one piece of text — the whole
// file, or the inside of a template's `{expr}` — with positions mapped back
// to byte offsets in the file.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostics.h"

namespace antlr4 {
class ANTLRInputStream;
class CommonTokenStream;
class Token;
class ParserRuleContext;
}  // namespace antlr4
namespace play::grammar {
class PlayLexer;
class PlayParser;
}  // namespace play::grammar

namespace play::syntax {

// Deeper nesting than this is rejected before parsing: ANTLR's recursive descent
// would otherwise overflow the stack on hostile input like 10,000 '('.
constexpr int kMaxNesting = 256;
// Expressions deeper than this (e.g. a chain of thousands of `+`) are rejected while
// building the AST, so later stages can recurse over expressions safely.
constexpr int kMaxExprDepth = 1000;
constexpr int kMaxErrors = 50;

struct Session {
  const SourceSet& sources;
  uint32_t file_id;
  Diagnostics& diags;
  std::unordered_set<uint32_t> error_lines;
  int errors = 0;
  bool stopped = false;  // too many errors
  // Byte offsets of characters the lexer rejected: a parse error right after one
  // is its echo, not news.
  std::vector<uint32_t> lexer_errors;

  Session(const SourceSet& s, uint32_t id, Diagnostics& d) : sources(s), file_id(id), diags(d) {}
  // Reports a syntax error unless this line already has one (cascades).
  void error(const char* code, Span span, std::string message);
  const std::string& text() const { return sources.file(file_id).text(); }
};

class TokenFilter;

class Run {
 public:
  Run(Session& session, std::string_view text, uint32_t base);
  ~Run();
  // Lexes everything, reports bad characters and unterminated strings and comments,
  // collects comments. Returns false when the nesting is too deep to parse.
  bool lex(std::vector<ast::Comment>* comments);
  grammar::PlayParser& parser() { return *parser_; }
  antlr4::CommonTokenStream& tokens() { return *tokens_; }
  // Two-stage parse: the whole file (a FileContext) or one expression followed by
  // the end of the text (an ExprContext). Null only when an expression is missing.
  antlr4::ParserRuleContext* parse(bool expression);
  Span span(const antlr4::Token* t) const;
  Span span(const antlr4::Token* first, const antlr4::Token* last) const;
  uint32_t byte_offset(size_t code_point_index) const;
  Session& session() { return session_; }

 private:
  antlr4::ParserRuleContext* parse_once(bool expression);
  bool check_nesting();
  Session& session_;
  std::string_view text_;
  uint32_t base_;
  std::vector<uint32_t> cp_to_byte_;  // empty when the text is ASCII (identity)
  std::unique_ptr<antlr4::ANTLRInputStream> input_;
  std::unique_ptr<grammar::PlayLexer> lexer_;
  std::unique_ptr<TokenFilter> filter_;
  std::unique_ptr<antlr4::CommonTokenStream> tokens_;
  std::unique_ptr<grammar::PlayParser> parser_;
};

}  // namespace play::syntax
