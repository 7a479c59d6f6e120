#include "compiler/syntax/session.h"

#include "PlayLexer.h"
#include "PlayParser.h"
#include "antlr4-runtime.h"
#include "compiler/syntax/slips.h"
#include "compiler/syntax/syntax_errors.h"

namespace play::syntax {

using antlr4::Token;
using grammar::PlayLexer;

void Session::error(const char* code, Span span, std::string message) {
  if (stopped) return;
  uint32_t line = sources.file(file_id).line_col(span.begin).line;
  if (!error_lines.insert(line).second) return;
  if (++errors > kMaxErrors) {
    stopped = true;
    diags.error("P0051", span, "too many syntax errors; stopping here (fix the ones above first)");
    return;
  }
  diags.error(code, span, std::move(message));
}

// Sits between the lexer and the parser: drops comments (kept aside for the
// formatter) and the catch-all error tokens (reported here, in words), so the
// parser sees only real tokens and its errors are about structure.
class TokenFilter : public antlr4::TokenSource {
 public:
  TokenFilter(Run& run, PlayLexer& lexer, std::vector<ast::Comment>* comments)
      : run_(run), lexer_(lexer), comments_(comments) {}

  std::unique_ptr<Token> nextToken() override {
    std::unique_ptr<Token> t = next();
    last_type_ = t->getType();
    return t;
  }

 private:
  std::unique_ptr<Token> next() {
    for (;;) {
      std::unique_ptr<Token> t = pending_ ? std::move(pending_) : lexer_.nextToken();
      if (swallow_ && t->getType() != Token::EOF) continue;
      if (t->getLine() == skip_line_ && t->getType() != Token::EOF) continue;
      switch (t->getType()) {
        case PlayLexer::NUMBER_WITH_LETTERS:
          glued_number(*t);
          return t;
        case PlayLexer::INT:
        case PlayLexer::FLOAT:
          return number(std::move(t));
        case PlayLexer::IDENT:
          keyword_case(*t);
          return t;
        case PlayLexer::STRING:
          if (t->getText() == "\"\"" || t->getText() == "''") {
            // `"""text` with no closing `"""` lexes as `""` then an unterminated `"text`.
            pending_ = lexer_.nextToken();
            if (pending_->getType() == PlayLexer::UNTERMINATED_STRING &&
                pending_->getStartIndex() == t->getStopIndex() + 1 &&
                pending_->getText()[0] == t->getText()[0]) {
              std::string q(3, t->getText()[0]);
              run_.session().lexer_errors.push_back(run_.span(t.get()).begin);
              run_.session().error("P0011", run_.span(t.get(), pending_.get()),
                                   "unterminated string: this " + q + " has no closing " + q +
                                       " (everything after it is read as the string)");
              pending_.reset();
              swallow_ = true;
              continue;
            }
          }
          return t;
        case PlayLexer::LINE_COMMENT:
        case PlayLexer::BLOCK_COMMENT:
          keep_comment(*t);
          continue;
        case PlayLexer::BAD_CHAR:
          if (opens_typographic_string(t->getText())) return typographic_string(std::move(t));
          report_bad_char(*t);
          continue;
        case PlayLexer::UNTERMINATED_STRING: {
          char q = t->getText().find('"') != std::string::npos &&
                           (t->getText().find('\'') == std::string::npos ||
                            t->getText().find('"') < t->getText().find('\''))
                       ? '"'
                       : '\'';
          run_.session().lexer_errors.push_back(run_.span(t.get()).begin);
          run_.session().error("P0011", run_.span(t.get()),
                               std::string("unterminated string (missing closing ") + q + ")");
          continue;
        }
        case PlayLexer::SLASH: {
          // A `/*` that did not lex as a comment has no closing `*/`.
          pending_ = lexer_.nextToken();
          if (pending_->getType() == PlayLexer::STAR && pending_->getStartIndex() == t->getStopIndex() + 1) {
            run_.session().lexer_errors.push_back(run_.span(t.get()).begin);
            run_.session().error("P0012", run_.span(t.get(), pending_.get()),
                                 "unterminated comment (missing closing */)");
            pending_.reset();
            swallow_ = true;
            continue;
          }
          return t;
        }
        default:
          return t;
      }
    }
  }

 public:
  size_t getLine() const override { return lexer_.getLine(); }
  size_t getCharPositionInLine() override { return lexer_.getCharPositionInLine(); }
  antlr4::CharStream* getInputStream() override { return lexer_.getInputStream(); }
  std::string getSourceName() override { return lexer_.getSourceName(); }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override { return lexer_.getTokenFactory(); }

 private:
  void keep_comment(const Token& t) {
    if (!comments_) return;
    Span s = run_.span(&t);
    const std::string& text = run_.session().text();
    uint32_t i = s.begin;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
    bool own_line = i == 0 || text[i - 1] == '\n' || text[i - 1] == '\r';
    comments_->push_back({s, text.substr(s.begin, s.end - s.begin), own_line});
  }
  void lexical_error(const char* code, const Token& first, const Token& last, std::string message) {
    run_.session().lexer_errors.push_back(run_.span(&first).begin);
    run_.session().error(code, run_.span(&first, &last), std::move(message));
  }

  // `7days`, `2min`, `1.5h`, `12px`: reported at the number, and handed to the
  // parser as the duration meant (or as a number), so nothing after it is misread.
  void glued_number(Token& t) {
    std::string text = t.getText();
    GluedNumber g = read_glued_number(text);
    auto& ct = dynamic_cast<antlr4::CommonToken&>(t);
    std::string units = "ms, s, m, h, d or w";
    if (!g.fix.empty() && g.bad_word.empty()) {
      lexical_error("P0016", t, t,
                    "'" + text + "' is not a duration: the number in a duration is whole; did you mean `" +
                        g.fix + "`?");
    } else if (!g.fix.empty()) {
      lexical_error("P0016", t, t,
                    "'" + text + "' is not a duration: '" + g.bad_word +
                        "' is not a unit (a duration is a number followed by one of " + units +
                        ", with no letters after it); did you mean `" + g.fix + "`?");
    } else {
      lexical_error("P0016", t, t,
                    "'" + text + "' is not a number or a duration: '" + g.bad_word +
                        "' is not a unit (durations take " + units +
                        ") and a name cannot start with a digit");
    }
    if (!g.fix.empty()) {
      ct.setType(PlayLexer::DURATION);
      ct.setText(g.fix);
    } else {
      size_t digits = text.find_first_not_of("0123456789.");
      ct.setText(text.substr(0, digits));
      ct.setType(text.substr(0, digits).find('.') == std::string::npos ? PlayLexer::INT : PlayLexer::FLOAT);
    }
  }

  // `7 days`, `30 min`: a number, a space and a unit word on one line.
  std::unique_ptr<Token> number(std::unique_ptr<Token> t) {
    pending_ = lexer_.nextToken();
    if (pending_->getType() != PlayLexer::IDENT || pending_->getLine() != t->getLine()) return t;
    auto unit = unit_word_ms(pending_->getText());
    if (!unit) return t;
    std::string fix = read_glued_number(t->getText() + pending_->getText()).fix;
    if (fix.empty()) return t;
    lexical_error(
        "P0016", *t, *pending_,
        "a duration is written without a space between the number and the unit; did you mean `" + fix + "`?");
    auto& ct = dynamic_cast<antlr4::CommonToken&>(*t);
    ct.setStopIndex(pending_->getStopIndex());
    ct.setType(PlayLexer::DURATION);
    ct.setText(fix);
    pending_.reset();
    return t;
  }

  // `AND`, `Or`, `True`, `NULL`: the keyword in another case. After a '.', a
  // field may have any name.
  void keyword_case(Token& t) {
    if (last_type_ == PlayLexer::DOT) return;
    std::string k = keyword_in_other_case(t.getText());
    if (k.empty()) return;
    // `{ Or: 1 }`, `signal a.b { NOT: string }`: a field may have any name.
    pending_ = lexer_.nextToken();
    if (pending_->getType() == PlayLexer::COLON) return;
    lexical_error(
        "P0022", t, t,
        "'" + t.getText() + "' is not a keyword: keywords are lower case; did you mean `" + k + "`?");
    static const std::pair<const char*, size_t> types[] = {
        {"and", PlayLexer::AND},   {"or", PlayLexer::OR},     {"not", PlayLexer::NOT},
        {"in", PlayLexer::IN},     {"true", PlayLexer::TRUE}, {"false", PlayLexer::FALSE},
        {"null", PlayLexer::NULL_}};
    auto& ct = dynamic_cast<antlr4::CommonToken&>(t);
    for (auto [word, type] : types)
      if (k == word) ct.setType(type), ct.setText(word);
  }

  static bool opens_typographic_string(const std::string& c) {
    return c == "\u201C" || c == "\u2018" || c == "\u201D" || c == "\u201E" || c == "`";
  }

  // “text” pasted from a document: reported once, and read as the string meant.
  std::unique_ptr<Token> typographic_string(std::unique_ptr<Token> t) {
    std::unique_ptr<Token> last;
    for (;;) {
      auto n = lexer_.nextToken();
      if (n->getType() == Token::EOF || n->getLine() != t->getLine()) {
        pending_ = std::move(n);
        break;
      }
      bool close = n->getType() == PlayLexer::BAD_CHAR &&
                   (t->getText() == "`"
                        ? n->getText() == "`"
                        : n->getText() == "\u201D" || n->getText() == "\u2019" || n->getText() == "\u201C");
      last = std::move(n);
      if (close) break;
    }
    if (t->getText() == "`")
      lexical_error("P0010", *t, *t,
                    "'`' does not quote a string here; write strings with \" or ': \"text\"");
    else
      lexical_error(
          "P0010", *t, *t,
          "'" + t->getText() +
              "' is a typographic quote (as word processors write them); write strings with straight "
              "quotes: \"text\"");
    auto& ct = dynamic_cast<antlr4::CommonToken&>(*t);
    if (last) ct.setStopIndex(last->getStopIndex());
    ct.setType(PlayLexer::STRING);
    ct.setText("\"\"");
    return t;
  }

  void report_bad_char(const Token& t) {
    std::string c = t.getText();
    std::string shown;
    if (c.size() == 1 && static_cast<unsigned char>(c[0]) >= 0x20 && c[0] != 0x7F) {
      shown = "'" + c + "'";
    } else {
      // Control characters and non-ASCII: name the code point so it is visible.
      uint32_t cp = static_cast<unsigned char>(c.empty() ? 0 : c[0]);
      if (c.size() > 1) {
        int extra = c.size() - 1;
        cp &= 0x3F >> extra;
        for (size_t i = 1; i < c.size(); ++i) cp = (cp << 6) | (static_cast<unsigned char>(c[i]) & 0x3F);
      }
      char buf[16];
      snprintf(buf, sizeof buf, "U+%04X", cp);
      shown = (c.size() > 1 ? "'" + c + "' (" + buf + ")" : std::string(buf));
    }
    // What authors from other languages type, and what this one writes instead.
    std::string hint;
    if (c == "&") hint = "; did you mean `and`?";
    if (c == "|") hint = "; did you mean `or`?";
    if (c == ";") hint = "; no ';' is needed: each item ends where the next begins";
    if (c == "#") {
      hint = "; comments start with `//`";
      skip_line_ = t.getLine();  // the rest of the line is the comment meant
    }
    run_.session().lexer_errors.push_back(run_.span(&t).begin);
    run_.session().error("P0010", run_.span(&t), "unexpected character " + shown + hint);
  }

  Run& run_;
  PlayLexer& lexer_;
  std::vector<ast::Comment>* comments_;
  std::unique_ptr<Token> pending_;
  bool swallow_ = false;
  size_t skip_line_ = 0;  // lines are counted from 1
  size_t last_type_ = 0;
};

Run::Run(Session& session, std::string_view text, uint32_t base)
    : session_(session), text_(text), base_(base) {
  bool ascii = true;
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  if (!ascii) {
    // ANTLR counts code points; diagnostics and spans count bytes.
    cp_to_byte_.reserve(text.size() + 1);
    for (uint32_t i = 0; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) cp_to_byte_.push_back(i);
    cp_to_byte_.push_back(static_cast<uint32_t>(text.size()));
  }
  input_ = std::make_unique<antlr4::ANTLRInputStream>(text.data(), text.size());
  lexer_ = std::make_unique<PlayLexer>(input_.get());
  lexer_->removeErrorListeners();
}

Run::~Run() = default;

uint32_t Run::byte_offset(size_t cp) const {
  if (cp_to_byte_.empty()) return base_ + static_cast<uint32_t>(std::min(cp, text_.size()));
  return base_ + cp_to_byte_[std::min(cp, cp_to_byte_.size() - 1)];
}

Span Run::span(const Token* t) const { return span(t, t); }

Span Run::span(const Token* first, const Token* last) const {
  if (!first || !last) return Span{session_.file_id, base_, base_};
  size_t b = first->getStartIndex(), e = last->getStopIndex() + 1;
  if (first->getType() == Token::EOF) b = text_.size(), e = b;  // stop index of EOF is start - 1
  if (last->getType() == Token::EOF) e = text_.size();
  if (e < b) e = b;
  if (cp_to_byte_.empty()) {
    b = std::min(b, text_.size()), e = std::min(e, text_.size());
    return Span{session_.file_id, base_ + static_cast<uint32_t>(b), base_ + static_cast<uint32_t>(e)};
  }
  return Span{session_.file_id, byte_offset(b), byte_offset(e)};
}

bool Run::lex(std::vector<ast::Comment>* comments) {
  filter_ = std::make_unique<TokenFilter>(*this, *lexer_, comments);
  tokens_ = std::make_unique<antlr4::CommonTokenStream>(filter_.get());
  tokens_->fill();
  parser_ = std::make_unique<grammar::PlayParser>(tokens_.get());
  return check_nesting();
}

// Recursive descent recurses once per bracket and once per prefix or
// right-associative operator; count both, per bracket level.
bool Run::check_nesting() {
  std::vector<int> ops_per_level{0};
  int total = 0;
  const auto& all = tokens_->getTokens();
  size_t prev_type = 0;
  for (const auto& t : all) {
    size_t type = t->getType();
    bool prefix_minus =
        type == PlayLexer::MINUS &&
        !(prev_type == PlayLexer::IDENT || prev_type == PlayLexer::INT || prev_type == PlayLexer::FLOAT ||
          prev_type == PlayLexer::DURATION || prev_type == PlayLexer::STRING ||
          prev_type == PlayLexer::RPAREN || prev_type == PlayLexer::RBRACK || prev_type == PlayLexer::RBRACE);
    switch (type) {
      case PlayLexer::LPAREN:
      case PlayLexer::LBRACK:
      case PlayLexer::LBRACE:
        ops_per_level.push_back(0);
        ++total;
        break;
      case PlayLexer::RPAREN:
      case PlayLexer::RBRACK:
      case PlayLexer::RBRACE:
        if (ops_per_level.size() > 1) {
          total -= 1 + ops_per_level.back();
          ops_per_level.pop_back();
        }
        break;
      case PlayLexer::QQ:
      case PlayLexer::NOT:
      case PlayLexer::BANG:
        ++ops_per_level.back(), ++total;
        break;
      case PlayLexer::COMMA:
      case PlayLexer::WHERE:
      case PlayLexer::UNLESS:
      case PlayLexer::LET:
      case PlayLexer::DO:
      case PlayLexer::ON:
      case PlayLexer::AS:
      case PlayLexer::PLAY:
        total -= ops_per_level.back();
        ops_per_level.back() = 0;
        break;
      default:
        if (prefix_minus) ++ops_per_level.back(), ++total;
        break;
    }
    if (total > kMaxNesting) {
      session_.error("P0013", span(t),
                     "nesting is too deep here (more than " + std::to_string(kMaxNesting) +
                         " levels of brackets or operators); split the expression up");
      return false;
    }
    prev_type = type;
  }
  return true;
}

antlr4::ParserRuleContext* Run::parse_once(bool expression) {
  if (!expression) return parser_->file();
  return parser_->exprOnly()->expr();
}

antlr4::ParserRuleContext* Run::parse(bool expression) {
  // Stage one: SLL, bail out at the first error, report nothing.
  auto* sim = parser_->getInterpreter<antlr4::atn::ParserATNSimulator>();
  parser_->removeErrorListeners();
  sim->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser_->setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    return parse_once(expression);
  } catch (antlr4::ParseCancellationException&) {
  }
  // Stage two: full LL, recover, and report in words.
  tokens_->seek(0);
  parser_->reset();
  sim->setPredictionMode(antlr4::atn::PredictionMode::LL);
  parser_->setErrorHandler(make_error_strategy(*this));
  return parse_once(expression);
}

}  // namespace play::syntax
