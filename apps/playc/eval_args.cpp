#include "apps/playc/eval_args.h"

namespace play::playc {

std::vector<std::string> eval_expression_args(int argc, char** argv, const CLI::App& eval) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() < 2 || args[1] != eval.get_name()) return args;
  std::vector<std::string> out(args.begin(), args.begin() + 2);
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      // Everything after `--` is the expression.
      for (++i; i < args.size(); ++i) out.push_back("--expr=" + args[i]);
      break;
    }
    bool dash = a.size() > 1 && a[0] == '-';
    if (!dash) {
      out.push_back(a);
      continue;
    }
    std::string name = a.substr(0, a.find('='));
    const CLI::Option* opt = eval.get_option_no_throw(name);
    if (!opt && name != "-h" && name != "--help") {
      out.push_back("--expr=" + a);  // not an option: the expression
      continue;
    }
    out.push_back(a);
    // An option that takes a value, given as the next argument: keep it with its option.
    if (opt && opt->get_type_size() > 0 && a.find('=') == std::string::npos && i + 1 < args.size())
      out.push_back(args[++i]);
  }
  return out;
}

}  // namespace play::playc
