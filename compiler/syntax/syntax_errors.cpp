#include "compiler/syntax/syntax_errors.h"

#include <optional>

#include "PlayParser.h"
#include "antlr4-runtime.h"
#include "compiler/diag/diagnostics.h"
#include "compiler/syntax/session.h"

namespace play::syntax {

using antlr4::Token;
using P = grammar::PlayParser;

std::string token_words(const Token* t) {
  if (!t || t->getType() == Token::EOF) return "the end of the file";
  std::string s = t->getText();
  if (s.size() > 30) s = s.substr(0, 27) + "...";
  return "'" + s + "'";
}

namespace {

// Words that may serve as names (grammar rule `ident`).
bool is_name(size_t t) {
  switch (t) {
    case P::IDENT:
    case P::ANY:
    case P::OF:
    case P::ABSENCE:
    case P::FOR:
    case P::COUNT:
    case P::ALL:
    case P::RATE:
    case P::SCORE:
    case P::CROSSES:
    case P::HALF_LIFE:
    case P::PER:
    case P::FIRED:
    case P::WITHIN:
    case P::SUPPRESSED:
    case P::CONTACT:
    case P::ACCOUNT:
    case P::GIVEN:
    case P::EXPECT:
    case P::AT:
    case P::TIMES:
    case P::NOTHING:
    case P::ELSE:
    case P::OUTCOME:
    case P::TO:
    case P::ACTION:
    case P::TEST:
    case P::ALERT:
    case P::OFF:
    case P::BELOW:
    case P::ABOVE:
    case P::AFTER:
      return true;
    default:
      return false;
  }
}

bool is_reserved(size_t t) { return t >= P::SIGNAL && t <= P::NULL_ && !is_name(t); }

bool ends_expression(size_t t) {
  return is_name(t) || t == P::INT || t == P::FLOAT || t == P::DURATION || t == P::STRING || t == P::TRUE ||
         t == P::FALSE || t == P::NULL_ || t == P::SIGNAL || t == P::RPAREN || t == P::RBRACK ||
         t == P::RBRACE;
}

bool starts_expression(size_t t) {
  return is_name(t) || t == P::INT || t == P::FLOAT || t == P::DURATION || t == P::STRING || t == P::TRUE ||
         t == P::FALSE || t == P::NULL_ || t == P::SIGNAL || t == P::LPAREN || t == P::LBRACK ||
         t == P::LBRACE || t == P::MINUS || t == P::NOT || t == P::BANG;
}

// Tokens that must be followed by an expression.
bool expects_expression_after(size_t t, size_t rule) {
  switch (t) {
    case P::WHERE:
    case P::ASSIGN:
    case P::EQ:
    case P::NE:
    case P::LT:
    case P::LE:
    case P::GT:
    case P::GE:
    case P::IN:
    case P::AND:
    case P::OR:
    case P::ANDAND:
    case P::OROR:
    case P::NOT:
    case P::BANG:
    case P::PLUS:
    case P::MINUS:
    case P::STAR:
    case P::SLASH:
    case P::PERCENT:
    case P::QQ:
    case P::QUESTION:
    case P::CROSSES:
    case P::ARROW:
      return rule != P::RuleTypeExpr;
    case P::COLON:
      return rule == P::RuleNamedArg || rule == P::RuleRecordField || rule == P::RuleMapEntry ||
             rule == P::RuleExpr || rule == P::RulePrimary;
    default:
      return false;
  }
}

bool is_block_keyword(size_t t) {
  return t == P::PLAY || t == P::ENTITY || t == P::SUPPRESS || t == P::CONST || t == P::POOL || t == P::LIST;
}

bool is_opener(size_t t) { return t == P::LPAREN || t == P::LBRACK || t == P::LBRACE; }
bool is_closer(size_t t) { return t == P::RPAREN || t == P::RBRACK || t == P::RBRACE; }
const char* closer_for(size_t t) { return t == P::LPAREN ? "')'" : t == P::LBRACK ? "']'" : "'}'"; }

antlr4::ParserRuleContext* ancestor(antlr4::ParserRuleContext* ctx, std::initializer_list<size_t> rules) {
  for (auto* c = ctx; c; c = dynamic_cast<antlr4::ParserRuleContext*>(c->parent))
    for (size_t r : rules)
      if (c->getRuleIndex() == r) return c;
  return nullptr;
}

template <class T>
T* ancestor_of(antlr4::tree::ParseTree* ctx) {
  for (auto* c = ctx; c; c = c->parent)
    if (auto* t = dynamic_cast<T*>(c)) return t;
  return nullptr;
}

// Play items that start on a new line: a bracket still open when one begins was never closed.
bool starts_play_item(size_t t) {
  return t == P::DO || t == P::WHERE || t == P::UNLESS || t == P::LET || t == P::ON || t == P::ALERT;
}

struct Message {
  const char* code;
  std::string text;
  // Something is missing after the previous token: point just after it (on its
  // line), not at whatever the next line starts with.
  bool after_prev = false;
  Token* at = nullptr;  // a token to point at instead of the offending one
};

class Strategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit Strategy(Run& run) : run_(run) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* p, const antlr4::NoViableAltException& e) override {
    report(p, e.getOffendingToken(), e.getStartToken(), safe_expected(p, e));
  }
  void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override {
    report(p, e.getOffendingToken(), nullptr, safe_expected(p, e));
  }
  void reportFailedPredicate(antlr4::Parser* p, const antlr4::FailedPredicateException& e) override {
    report(p, e.getOffendingToken(), nullptr, {});
  }
  void reportUnwantedToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    report(p, p->getCurrentToken(), nullptr, getExpectedTokens(p));
  }
  void reportMissingToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    report(p, p->getCurrentToken(), nullptr, getExpectedTokens(p));
  }

 private:
  static antlr4::misc::IntervalSet safe_expected(antlr4::Parser* p, const antlr4::RecognitionException& e) {
    try {
      return e.getExpectedTokens();
    } catch (...) {
      return p->getExpectedTokens();
    }
  }

  void report(antlr4::Parser* p, Token* off, Token* start, const antlr4::misc::IntervalSet& expected) {
    if (!off) off = p->getCurrentToken();
    Token* prev = nullptr;
    auto& stream = run_.tokens();
    if (off->getTokenIndex() > 0 && off->getTokenIndex() != INVALID_INDEX)
      prev = stream.get(off->getTokenIndex() - 1);
    // Cascades: an error within two tokens of the last one is its echo.
    size_t idx = off->getTokenIndex();
    bool echo = last_ != INVALID_INDEX && idx >= last_ && idx <= last_ + 2;
    last_ = idx;
    if (echo) return;
    uint32_t from = prev ? run_.span(prev).end : 0, to = run_.span(off).begin;
    for (uint32_t at : run_.session().lexer_errors)
      if (at >= from && at <= to) return;
    Message m = describe(p, off, prev, start, expected);
    Span where = run_.span(m.at ? m.at : off);
    if (m.after_prev && prev && !m.at &&
        (off->getType() == Token::EOF || line_col(prev).line < line_col(off).line)) {
      uint32_t end = run_.span(prev).end;
      where = Span{where.file, end, end};
    }
    run_.session().error(m.code, where, std::move(m.text));
  }

  // The innermost bracket opened before `off` and not yet closed.
  Token* unclosed_before(Token* off) {
    auto& stream = run_.tokens();
    std::vector<size_t> closers;
    for (size_t i = off->getTokenIndex(); i-- > 0;) {
      Token* t = stream.get(i);
      if (is_closer(t->getType()))
        closers.push_back(t->getType());
      else if (is_opener(t->getType())) {
        if (closers.empty()) return t;
        closers.pop_back();
      }
    }
    return nullptr;
  }

  LineCol line_col(Token* t) {
    return run_.session().sources.file(run_.session().file_id).line_col(run_.span(t).begin);
  }
  std::string line_of(Token* t) { return std::to_string(line_col(t).line); }
  std::string line_and_column(Token* t) {
    LineCol lc = line_col(t);
    return "line " + std::to_string(lc.line) + ", column " + std::to_string(lc.col);
  }
  Token* token_at(size_t index) {
    auto& stream = run_.tokens();
    return index < stream.size() ? stream.get(index) : nullptr;
  }
  static bool adjacent(Token* a, Token* b) { return a && b && a->getStopIndex() + 1 == b->getStartIndex(); }

  // `on website.page_viewed` just before `off`: the words of a signal type back to `on`.
  bool after_on_signal(Token* off) {
    for (size_t i = off->getTokenIndex(); i-- > 0;) {
      size_t t = token_at(i)->getType();
      if (t == P::ON) return i + 1 < off->getTokenIndex();
      if (t != P::DOT && !is_name(t)) return false;
    }
    return false;
  }

  // `on WORD NAME` on the line of `off`: WORD is no signal type (those are dotted
  // or alone) and no trigger word. Returns WORD.
  Token* word_after_on(Token* off) {
    if (off->getType() == Token::EOF || is_closer(off->getType())) return nullptr;  // a block left open
    size_t line = line_col(off).line;
    for (size_t i = off->getTokenIndex(); i-- > 0;) {
      Token* t = token_at(i);
      if (line_col(t).line != line) return nullptr;
      if (t->getType() != P::ON) continue;
      Token* word = token_at(i + 1);
      Token* after = token_at(i + 2);
      if (!word || !after || line_col(after).line != line) return nullptr;
      size_t w = word->getType();
      bool trigger =
          w == P::ANY || w == P::ABSENCE || w == P::COUNT || w == P::ALL || w == P::RATE || w == P::SCORE;
      if (is_name(w) && !trigger && (is_name(after->getType()) || after->getType() == P::STRING)) return word;
      return nullptr;
    }
    return nullptr;
  }

  // Slips with a known fix, checked before the generic descriptions.
  std::optional<Message> slip(antlr4::ParserRuleContext* ctx, Token* off, Token* prev) {
    size_t o = off->getType(), pv = prev ? prev->getType() : 0;
    Token* next = token_at(off->getTokenIndex() + 1);

    // `notify(channel: "#a")` as a play item: read as metadata `notify` with a value.
    auto* meta = ancestor_of<P::MetaItemContext>(ctx);
    if (meta) {
      Token* name = meta->getStart();
      Token* paren = token_at(name->getTokenIndex() + 1);
      if (paren && paren->getType() == P::LPAREN && adjacent(name, paren))
        return Message{"P0059",
                       "a play needs `do` before its actions: write `do " + name->getText() + "(...)`", false,
                       name};
    }
    // `on every website.page_viewed`, `on absense of ...`: a word after `on` that is
    // neither a signal type (dotted) nor one of the trigger words.
    if (Token* word = word_after_on(off)) {
      std::string near = closest_name(word->getText(), {"any", "absence", "count", "all", "rate", "score"});
      return Message{
          "P0045",
          "'" + word->getText() +
              "' is not a signal type: `on` takes a dotted signal type like website.page_viewed, or "
              "`on any of (...)`" +
              (near.empty() ? std::string() : "; did you mean '" + near + "'?"),
          false, word};
    }
    // `where a and` with the rest of the condition missing.
    bool binary = o == P::AND || o == P::OR || o == P::ANDAND || o == P::OROR || o == P::PLUS ||
                  o == P::STAR || o == P::SLASH || o == P::EQ || o == P::NE || o == P::LT || o == P::LE ||
                  o == P::GT || o == P::GE;
    if (binary && ends_expression(pv) && next && !starts_expression(next->getType()) &&
        line_col(next).line > line_col(off).line)
      return Message{"P0030", "expected an expression after '" + off->getText() + "'", false, off};
    // `owner: "x"`, `where: ...`: play items take no colon.
    if (o == P::COLON && (pv == P::WHERE || pv == P::UNLESS || pv == P::LET || pv == P::ON ||
                          (pv == P::IDENT && meta && meta->getStart() == prev))) {
      std::string word = prev->getText();
      return Message{"P0060", "no ':' after '" + word + "': a play item is written `" + word + " " +
                                  (pv == P::IDENT ? "VALUE"
                                   : pv == P::ON  ? "SIGNAL"
                                                  : "...") +
                                  "`, like `" +
                                  (pv == P::IDENT   ? word + " \"...\""
                                   : pv == P::WHERE ? std::string("where signal.category == \"pricing\"")
                                   : pv == P::ON    ? std::string("on website.page_viewed")
                                                    : word + " ...") +
                                  "`"};
    }
    // `in ("a", "b")`: a list is written in square brackets.
    if (o == P::COMMA && ancestor_of<P::ParenPrimaryContext>(ctx) && !ancestor_of<P::ListPrimaryContext>(ctx))
      return Message{"P0061", "a list is written in square brackets: `[\"a\", \"b\"]`, not `(\"a\", \"b\")`"};
    // `on a.b or c.d`: several signal types.
    if ((o == P::OR || o == P::OROR || o == P::COMMA || o == P::AND || o == P::ANDAND) &&
        after_on_signal(off))
      return Message{"P0062",
                     "one `on` takes one signal type; to trigger on any of several, write `on any of "
                     "(website.page_viewed, crm.deal_created)`"};
    // `1,000`: digits grouped with commas.
    if (o == P::COMMA && pv == P::INT && next && next->getType() == P::INT && next->getText().size() == 3 &&
        adjacent(prev, off) && adjacent(off, next))
      return Message{"P0063", "numbers are written without separators: `" + prev->getText() +
                                  next->getText() + "`, not `" + prev->getText() + "," + next->getText() +
                                  "`"};
    // `do a(...),` between play items.
    if (o == P::COMMA && dynamic_cast<P::PlayDeclContext*>(ctx))
      return Message{"P0032", "play items are not separated by ','; remove it"};
    // `play "pricing visit" {`
    if (pv == P::PLAY && o == P::STRING)
      return Message{"P0037",
                     "a play's name is a bare name like pricing_visit, not a string; put a readable name in "
                     "`title \"...\"`"};
    // `play p` with its items but no '{'.
    if (dynamic_cast<P::PlayDeclContext*>(ctx) && is_name(pv) && o != P::LBRACE && prev &&
        prev->getTokenIndex() > 0 && token_at(prev->getTokenIndex() - 1)->getType() == P::PLAY)
      return Message{"P0039",
                     "expected '{' after 'play " + prev->getText() + "': a play's items go in braces", true};
    // `<>` from SQL.
    if (o == P::GT && pv == P::LT && adjacent(prev, off))
      return Message{"P0056", "'<>' is not an operator; did you mean `!=`?", false, prev};
    return std::nullopt;
  }

  // "play 'x'", "the suppress block", ... with the token of its '{'.
  std::string block_words(antlr4::ParserRuleContext* block, Token** brace) {
    *brace = nullptr;
    auto sym = [](antlr4::tree::TerminalNode* n) { return n ? n->getSymbol() : nullptr; };
    if (auto* b = dynamic_cast<P::PlayDeclContext*>(block)) {
      *brace = sym(b->LBRACE());
      return "play '" + (b->ident() ? b->ident()->getText() : std::string("?")) + "'";
    }
    if (auto* b = dynamic_cast<P::SuppressDeclContext*>(block))
      return *brace = sym(b->LBRACE()), "the suppress block";
    if (auto* b = dynamic_cast<P::SignalDeclContext*>(block))
      return *brace = sym(b->LBRACE()), "signal " + (b->signalName() ? b->signalName()->getText() : "");
    if (auto* b = dynamic_cast<P::EntityDeclContext*>(block))
      return *brace = sym(b->LBRACE()), "entity " + (b->ident() ? b->ident()->getText() : "");
    if (auto* b = dynamic_cast<P::TestDeclContext*>(block))
      return *brace = sym(b->LBRACE()), "test " + (b->STRING() ? b->STRING()->getText() : "");
    if (auto* b = dynamic_cast<P::ScoreDeclContext*>(block))
      return *brace = sym(b->LBRACE()), "score " + (b->ident() ? b->ident()->getText() : "");
    return "the block";
  }

  std::string literal(antlr4::Parser* p, size_t type) {
    std::string s = p->getVocabulary().getLiteralName(type);
    return s;  // already quoted: 'where'
  }

  Message describe(antlr4::Parser* p, Token* off, Token* prev, Token* start,
                   const antlr4::misc::IntervalSet& expected) {
    auto has = [&](size_t t) { return expected.contains(t); };
    size_t o = off->getType();
    size_t pv = prev ? prev->getType() : 0;
    std::string after = prev ? " after '" + prev->getText() + "'" : "";
    if (prev && prev->getText().size() > 30) after = " after " + token_words(prev);
    auto* ctx = p->getContext();
    size_t rule = ctx ? ctx->getRuleIndex() : size_t(P::RuleFile);
    bool wants_expr = has(P::INT) && has(P::LPAREN);
    std::string what = token_words(off);

    Token* open_bracket = unclosed_before(off);
    bool wants_closer = open_bracket && ((open_bracket->getType() == P::LPAREN && has(P::RPAREN)) ||
                                         (open_bracket->getType() == P::LBRACK && has(P::RBRACK)) ||
                                         (open_bracket->getType() == P::LBRACE && has(P::RBRACE)));
    // `do enroll(sequence = "x")`: an argument's name is followed by ':'.
    Token* before_prev =
        prev && prev->getTokenIndex() > 0 ? run_.tokens().get(prev->getTokenIndex() - 1) : nullptr;
    bool in_args = dynamic_cast<P::DoItemContext*>(ctx) || dynamic_cast<P::TestExpectActionContext*>(ctx) ||
                   ancestor(ctx, {P::RuleNamedArg});
    if (o == P::ASSIGN && in_args && before_prev &&
        (before_prev->getType() == P::LPAREN || before_prev->getType() == P::COMMA))
      return {"P0033",
              "action arguments are written `name: value`; did you mean `" + prev->getText() + ":`?"};
    // `=<`, `=>`, `=!`: the two characters of a comparison the other way round.
    Token* next = run_.tokens().size() > off->getTokenIndex() + 1
                      ? run_.tokens().get(off->getTokenIndex() + 1)
                      : nullptr;
    if (o == P::ASSIGN && next && next->getStartIndex() == off->getStopIndex() + 1 &&
        (next->getType() == P::LT || next->getType() == P::BANG) && ends_expression(pv))
      return {"P0056", std::string("'=") + next->getText() + "' is not an operator; did you mean `" +
                           next->getText() + "=`?"};
    if (o == P::ARROW && ends_expression(pv) && !has(P::ARROW))
      return {"P0056", "'=>' is not an operator; did you mean `>=`?"};
    // A closer with nothing of its kind open: `where (a > 5))`.
    if ((o == P::RPAREN || o == P::RBRACK) && (!open_bracket || open_bracket->getType() == P::LBRACE))
      return {"P0035", std::string("this ") + closer_for(o == P::RPAREN ? P::LPAREN : P::LBRACK) +
                           " closes nothing (no " + (o == P::RPAREN ? "'('" : "'['") +
                           " is open here); remove it"};
    // `expect p enroll(...)` in a test.
    if (start && start->getType() == P::EXPECT && pv == P::IDENT && dynamic_cast<P::TestItemContext*>(ctx) &&
        prev->getTokenIndex() == start->getTokenIndex() + 1)
      return {"P0039", "expected 'do' or 'outcome' after `expect " + prev->getText() + "`: write `expect " +
                           prev->getText() + " do ACTION(...)` or `expect " + prev->getText() +
                           " outcome NAME`"};

    // '=' where a comparison was meant: `where a = 1`.
    if (o == P::ASSIGN && ends_expression(pv) && !has(P::ASSIGN))
      return {"P0056", "unexpected '='; to compare two values write '=='"};

    // The file (or a block keyword, or the wrong closer) arrives while something is still open.
    if (auto m = slip(ctx, off, prev)) return *m;

    // `[` or `(` still open when the file ends, a block ends or the next play item begins.
    bool next_item = starts_play_item(o) && ancestor(ctx, {P::RulePlayDecl}) && prev &&
                     line_col(prev).line < line_col(off).line;
    if (open_bracket && open_bracket->getType() != P::LBRACE &&
        (o == Token::EOF || is_block_keyword(o) || next_item ||
         (is_closer(o) && o != (open_bracket->getType() == P::LPAREN ? P::RPAREN : P::RBRACK))))
      return {"P0035",
              "the '" + open_bracket->getText() + "' opened on " + line_and_column(open_bracket) +
                  " is never closed; add " + closer_for(open_bracket->getType()) + " here",
              true};
    if (o == Token::EOF || (is_block_keyword(o) && rule != P::RuleFile) || (wants_closer && is_closer(o))) {
      std::string before = o == Token::EOF ? "" : " before " + what;
      if (Token* open = unclosed_before(off)) {
        auto* block = ancestor(ctx, {P::RulePlayDecl, P::RuleSuppressDecl, P::RuleSignalDecl,
                                     P::RuleEntityDecl, P::RuleTestDecl, P::RuleScoreDecl});
        Token* brace = nullptr;
        std::string words = block ? block_words(block, &brace) : "";
        if (brace && brace == open)
          return {"P0031",
                  "expected '}' to close " + words + " (opened on line " + line_of(open) + ")" + before};
        return {"P0035", std::string("expected ") + closer_for(open->getType()) + " to close the '" +
                             open->getText() + "' on line " + line_of(open) + before};
      }
    }

    if (expects_expression_after(pv, rule) && !starts_expression(o)) {
      if (dynamic_cast<P::MetaItemContext*>(ctx)) return {"P0030", "expected a value" + after, true};
      return {"P0030", "expected an expression" + after, true};
    }

    if ((pv == P::WITHIN || pv == P::FOR || pv == P::HALF_LIFE || (pv == P::AT && rule == P::RuleTestItem)) &&
        o != P::DURATION) {
      std::string hint = o == P::INT ? "; write the number with a unit: ms, s, m, h, d or w" : "";
      return {"P0034", "expected a duration like 4h" + after + hint, true};
    }
    if (pv == P::TIMES && o != P::INT) return {"P0053", "expected a count like 2 after 'times'"};

    // Alert lines: `alert off`, `alert RULE off`, or `alert MEASURE below|above|after THRESHOLD`.
    bool in_alert = dynamic_cast<P::AlertItemContext*>(ctx) || ancestor(ctx, {P::RuleAlertValue}) ||
                    (dynamic_cast<P::PlayItemContext*>(ctx) && start && start->getType() == P::ALERT);
    if (pv == P::ALERT && dynamic_cast<P::PlayItemContext*>(ctx))
      return {"P0058",
              "expected what to watch after 'alert': `alert volume below 30%`, `alert volume above 5x`, "
              "`alert success_rate below 90%`, `alert latency_p95 above 30m`, `alert lag above 10m`, "
              "`alert undelivered after 2h`, `alert volume_drop off`, or `alert off`"};
    if (in_alert && (pv == P::BELOW || pv == P::ABOVE || pv == P::AFTER))
      return {"P0058", "expected a threshold" + after + " like 30%, 5x or 30m"};
    if (in_alert && (has(P::BELOW) || has(P::ABOVE) || has(P::AFTER) || has(P::OFF) || pv != P::ALERT))
      return {"P0058",
              "expected 'below', 'above', 'after' or 'off'" + after + ", like `alert volume below 30%`"};
    if (pv == P::PER && dynamic_cast<P::PlayItemContext*>(ctx) && start && start->getType() == P::UNLESS)
      return {"P0039", "expected 'contact' or 'account' after 'per'"};

    // Action arguments: `do enroll("x")`, `do enroll(sequence "x")`, `do enroll(sequence = "x")`.
    bool in_call = dynamic_cast<P::DoItemContext*>(ctx) || dynamic_cast<P::TestExpectActionContext*>(ctx);
    if ((rule == P::RuleNamedArg && has(P::COLON)) ||
        (in_call && (pv == P::LPAREN || pv == P::COMMA) && o != P::RPAREN))
      return {"P0033", "action arguments are named: write `name: value`"};
    if (dynamic_cast<P::DoItemContext*>(ctx) && has(P::LPAREN))
      return {"P0055", "expected '('" + after + ": an action is called as `do NAME(name: value, ...)`", true};

    // `unless COND` without its reason.
    bool in_rule = ancestor(ctx, {P::RuleSuppressRule}) || dynamic_cast<P::UnlessItemContext*>(ctx);
    if ((has(P::AS) && !wants_expr && in_rule) ||
        (start && start->getType() == P::UNLESS && rule == P::RulePlayItem && !wants_expr &&
         ends_expression(pv))) {
      if (ancestor(ctx, {P::RuleSuppressDecl}))
        return {"P0038", "a suppression rule needs a reason: write `CONDITION as \"reason\"`", true};
      return {"P0038", "an unless clause needs a reason: write `unless CONDITION as \"reason\"`", true};
    }

    if (wants_expr || ((rule == P::RuleExpr || rule == P::RulePrimary) && !ends_expression(pv) && prev)) {
      if (dynamic_cast<P::MetaItemContext*>(ctx)) return {"P0030", "expected a value" + after};
      return {"P0030", "expected an expression" + after};
    }

    switch (rule) {
      case P::RuleExprOnly:
        return {"P0044", "unexpected " + what + " after the end of the expression"};
      case P::RulePlayDecl:
        return {"P0032", "unexpected " + what +
                             " in a play; a play item starts with on, where, unless, let, do, or a metadata "
                             "name like owner"};
      case P::RuleSuppressDecl:
        return {"P0041",
                "unexpected " + what + " in the suppress block; a rule is `CONDITION as \"reason\"`"};
      case P::RuleTestDecl:
        return {"P0043",
                "unexpected " + what + " in a test; a test item starts with given, signal, or expect"};
      case P::RuleFile:
        return {"P0036",
                "unexpected " + what +
                    " at the top level; a declaration starts with play, signal, entity, list, const, "
                    "pool, icp, suppress, action, test or score"};
      case P::RuleSignalDecl:
      case P::RuleEntityDecl:
        return {"P0047", "unexpected " + what + "; a field is written `name: type`"};
      case P::RuleScoreDecl:
        return {"P0057",
                "unexpected " + what + " in a score; a rule is `SIGNAL [where CONDITION] => POINTS`"};
      default:
        break;
    }

    if (rule == P::RuleSignalName || pv == P::ON || (pv == P::OF && rule == P::RuleOnClause))
      return {"P0045", "expected a signal type like website.page_viewed" + after, true};
    if (rule == P::RuleTypeExpr || rule == P::RuleTypeName)
      return {"P0046", "expected a type like string, int or list<string>" + after};
    if (has(P::IDENT) && !has(P::INT)) {
      if (is_reserved(o))
        return {"P0037", "expected a name" + after + ", but " + what + " is a reserved word"};
      return {"P0037", "expected a name" + after};
    }
    if (has(P::STRING) && !has(P::INT)) {
      if (pv == P::AS)
        return {"P0042", "expected the reason as a string after 'as', like as \"existing customer\""};
      return {"P0042", "expected a string" + after};
    }
    if (has(P::COMMA)) {
      const char* close = has(P::RPAREN) ? "')'" : has(P::RBRACK) ? "']'" : "'}'";
      const char* item = has(P::RPAREN) ? "argument" : has(P::RBRACK) ? "element" : "entry";
      if (has(P::RPAREN) || has(P::RBRACK) || has(P::RBRACE))
        return {"P0048", std::string("expected ',' or ") + close + " after this " + item + ", not " + what};
    }
    if (!expected.isEmpty() && expected.size() <= 3) {
      std::vector<std::string> words;
      for (size_t t : expected.toList()) {
        std::string l = t == Token::EOF ? "" : literal(p, t);
        if (l.empty()) {
          words.clear();
          break;
        }
        words.push_back(l);
      }
      if (!words.empty()) {
        std::string list = words[0];
        for (size_t i = 1; i < words.size(); ++i) list += (i + 1 == words.size() ? " or " : ", ") + words[i];
        return {"P0039", "expected " + list + after + (o == Token::EOF ? "" : ", not " + what)};
      }
    }
    if (o == Token::EOF) return {"P0049", "unexpected end of the file" + after};
    return {"P0049", "unexpected " + what + " here"};
  }

  Run& run_;
  size_t last_ = INVALID_INDEX;
};

}  // namespace

std::shared_ptr<antlr4::ANTLRErrorStrategy> make_error_strategy(Run& run) {
  return std::make_shared<Strategy>(run);
}

}  // namespace play::syntax
