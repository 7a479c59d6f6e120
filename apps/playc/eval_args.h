// `playc eval '-(4.5)'`: an expression may start with '-', which a command
// line parser takes for an option. Before parsing, an argument of `eval`
// that starts with '-' but is none of eval's options, or any argument after
// `--`, is passed as `--expr=ARG` (the expression's option form), which the
// parser cannot take for anything else.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace play::playc {

// argv[0..argc) rewritten as above; `eval` is the eval subcommand, whose
// options say which arguments are options and which take a value.
std::vector<std::string> eval_expression_args(int argc, char** argv, const CLI::App& eval);

}  // namespace play::playc
