// Parse tree -> AST. Works on trees recovered from syntax errors too: every
// missing piece becomes a placeholder (a null expression with the best span)
// so later stages never see a half-built node.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/syntax/session.h"

namespace antlr4 {
class ParserRuleContext;
}

namespace play::syntax {

ast::File build_file(Run& run, antlr4::ParserRuleContext* file_ctx);
ast::ExprPtr build_expression(Run& run, antlr4::ParserRuleContext* expr_ctx);

// Parses `text[begin, end)` of the session's file as one expression (a template's
// `{expr}`); spans point into the file. Reports errors; returns a placeholder on failure.
ast::ExprPtr parse_sub_expression(Session& session, uint32_t begin, uint32_t end);

// A STRING token's text in an action argument -> Template (or String when it has no `{expr}`).
ast::ExprPtr build_template(Session& session, std::string_view raw, Span span);

}  // namespace play::syntax
