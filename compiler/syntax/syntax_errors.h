// Syntax errors in the author's words. ANTLR's recovery (DefaultErrorStrategy)
// stays; only the reporting is ours: each report looks at where the parser was
// (the rule, the previous token, what could come next) and says what was
// expected as a play author would put it. Codes P0030..P0056, docs/diagnostics.md.
#pragma once

#include <memory>
#include <string>

namespace antlr4 {
class ANTLRErrorStrategy;
class Token;
}  // namespace antlr4

namespace play::syntax {

class Run;

std::shared_ptr<antlr4::ANTLRErrorStrategy> make_error_strategy(Run& run);
// "'foo'", "the end of the file", "the string \"abc\"".
std::string token_words(const antlr4::Token* t);

}  // namespace play::syntax
