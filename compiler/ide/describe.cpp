#include "compiler/ide/describe.h"

#include <fmt/format.h>

namespace play::ide {

std::string builtin_result(const builtins::Builtin& b) {
  using R = builtins::Result;
  switch (b.result) {
    case R::Bool:
    case R::MacroTest:
      return "bool";
    case R::NullableBool:
      return "bool?";
    case R::Int:
      return "int";
    case R::Float:
      return "float";
    case R::String:
    case R::PoolMember:
    case R::LikeString:
      return "string";
    case R::Timestamp:
      return "timestamp";
    case R::Duration:
      return "duration";
    case R::Dyn:
      return "dyn";
    case R::MacroFilter:
      return "list (the elements that pass)";
    case R::MacroMap:
      return "list (the expression's values)";
  }
  return "dyn";
}

std::string builtin_signature(const builtins::Builtin& b) {
  using F = builtins::Form;
  std::string name(b.name);
  if (b.form == F::Function) return name + "(x)";
  if (b.form == F::Macro)
    return "l." + name + "(v, " + (b.result == builtins::Result::MacroMap ? "expr" : "condition") + ")";
  if (b.arity == 0) return "x." + name + "()";
  if (b.rule == builtins::ArgRule::Optional) return "x." + name + "([time_zone])";
  return "x." + name + "(y)";
}

std::string builtin_doc(const builtins::Builtin& b) {
  using F = builtins::Form;
  std::string out = fmt::format("```play\n{}\n```\n", builtin_signature(b));
  const char* what = b.form == F::Function ? "Takes" : "Called on";
  out += fmt::format("{} {}", what, b.accepts_text);
  if (!b.arg_text.empty()) out += fmt::format(" with {}", b.arg_text);
  if (b.form == F::Macro) out += ": binds `v` to each element in turn";
  out += fmt::format("; gives {}.", builtin_result(b));
  if (!b.example.empty()) out += fmt::format("\n\nExample: `{}`", b.example);
  return out;
}

std::string envelope_doc(const std::string& name) {
  if (name == "id") return "The signal's id, unique per source.";
  if (name == "type") return "The signal's type, e.g. \"website.page_viewed\".";
  if (name == "source") return "The system the signal came from.";
  if (name == "occurred_at") return "When it happened, by the source's clock.";
  if (name == "received_at") return "When playd received it.";
  if (name == "account") return "The key of the account it is about (its domain), or null.";
  if (name == "contact") return "The key of the contact it is about (their email), or null.";
  return "";
}

}  // namespace play::ide
