#include "compiler/builtins/builtins.h"

#include <algorithm>
#include <iterator>

namespace play::builtins {

namespace {

using F = Form;
using K = TypeKind;
using L = Lowering;
using R = Result;
using vm::Op;
using P = vm::TimePart;
constexpr P kNoPart = P::kCount;  // the rows that are not accessors

constexpr Kinds kNone{};
constexpr Kinds kAny = Kinds::any();

// Functions first, then methods and macros; within each, the order
// did-you-mean suggestions prefer.
// clang-format off
constexpr Builtin kBuiltins[] = {
  // name         form         arity accepts (function: argument; method: receiver)   accepts_text                    arg_accepts arg_text             rule             const_check             result        example                                 cost pure   lowering        op              part
  {"size",        F::Function, 1, {K::String, K::List, K::Map, K::Null},             "a string, list or map",        kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::Int,       "size(signal.url)",                     1, true,  L::Instruction, Op::SIZE, kNoPart},
  // Not a duration: its unit would be a guess (compare durations with durations: `d > 4h`, or scale them: `d / 1h`).
  {"int",         F::Function, 1, {K::Int, K::Float, K::String, K::Timestamp, K::Null}, "a number, string or timestamp", kNone,   "",                  ArgRule::Value, ConstCheck::None,      R::Int,       "int(signal.score)",                    1, true,  L::Instruction, Op::TO_INT, kNoPart},
  {"float",       F::Function, 1, {K::Int, K::Float, K::String, K::Null},            "a number or a string",         kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::Float,     "float(account.employees)",             1, true,  L::Instruction, Op::TO_FLOAT, kNoPart},
  {"double",      F::Function, 1, {K::Int, K::Float, K::String, K::Null},            "a number or a string",         kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::Float,     "double(account.employees)",            1, true,  L::Instruction, Op::TO_FLOAT, kNoPart},
  {"string",      F::Function, 1, kAny,                                              "any value",                    kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::String,    "string(account.employees)",            1, true,  L::Instruction, Op::TO_STRING, kNoPart},
  // As in CEL, timestamp() and duration() also take their own type, and timestamp() an int (epoch seconds).
  {"timestamp",   F::Function, 1, {K::String, K::Int, K::Timestamp, K::Null},        "a string or an int",           kNone,      "",                  ArgRule::Value, ConstCheck::Timestamp, R::Timestamp, "timestamp(\"2026-01-31T00:00:00Z\")",   1, true,  L::Instruction, Op::TO_TIMESTAMP, kNoPart},
  {"duration",    F::Function, 1, {K::String, K::Duration, K::Null},                 "a string",                     kNone,      "",                  ArgRule::Value, ConstCheck::Duration,  R::Duration,  "duration(\"4h\")",                     1, true,  L::Instruction, Op::TO_DURATION, kNoPart},
  {"has",         F::Function, 1, kAny,                                              "a field",                      kNone,      "",                  ArgRule::Field, ConstCheck::None,      R::Bool,      "has(signal.category)",                 1, true,  L::Instruction, Op::HAS, kNoPart},
  {"round_robin", F::Function, 1, kAny,                                              "a pool",                       kNone,      "",                  ArgRule::Pool,  ConstCheck::None,      R::PoolMember, "round_robin(ent_sdrs)",                1, false, L::RoundRobin,  Op::ROUND_ROBIN, kNoPart},
  // bool(x): CEL's spellings of true and false ("true", "t", "1", ...); any other string is an error.
  {"bool",        F::Function, 1, {K::Bool, K::String, K::Null},                    "a bool or a string",           kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::NullableBool, "bool(signal.opted_in)",              1, true,  L::Instruction, Op::TO_BOOL, kNoPart},
  // dyn(x): x, typed as dyn (CEL's way to defer a type question to run time).
  {"dyn",         F::Function, 1, kAny,                                              "any value",                    kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::Dyn,       "dyn(signal.score)",                    1, true,  L::Identity,    Op::NOP, kNoPart},

  // A null receiver gives false for the string tests.
  {"contains",    F::Method,   1, {K::String, K::Null},                              "a string",                     {K::String}, "a string argument", ArgRule::Value, ConstCheck::None,      R::Bool,      "s.contains(\"text\")",                 1, true,  L::Instruction, Op::STR_CONTAINS, kNoPart},
  {"startsWith",  F::Method,   1, {K::String, K::Null},                              "a string",                     {K::String}, "a string argument", ArgRule::Value, ConstCheck::None,      R::Bool,      "s.startsWith(\"text\")",               1, true,  L::Instruction, Op::STR_STARTS, kNoPart},
  {"endsWith",    F::Method,   1, {K::String, K::Null},                              "a string",                     {K::String}, "a string argument", ArgRule::Value, ConstCheck::None,      R::Bool,      "s.endsWith(\"text\")",                 1, true,  L::Instruction, Op::STR_ENDS, kNoPart},
  {"matches",     F::Method,   1, {K::String, K::Null},                              "a string",                     {K::String}, "a string argument", ArgRule::Value, ConstCheck::Regex,     R::Bool,      "s.matches(\"^ab+c$\")",                1, true,  L::Regex,       Op::MATCHES, kNoPart},
  {"lower",       F::Method,   0, {K::String, K::Null},                              "a string",                     kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::LikeString, "s.lower()",                           1, true,  L::Instruction, Op::LOWER, kNoPart},
  {"upper",       F::Method,   0, {K::String, K::Null},                              "a string",                     kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::LikeString, "s.upper()",                           1, true,  L::Instruction, Op::UPPER, kNoPart},
  {"size",        F::Method,   0, {K::String, K::List, K::Map},                      "a string, list or map",        kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::Int,       "l.size()",                             1, true,  L::Instruction, Op::SIZE, kNoPart},
  // The accessors of timestamps (and, for hours to milliseconds, durations), as in CEL:
  // getMonth, getDayOfMonth and getDayOfYear count from 0, getDate from 1, getDayOfWeek from 0 = Sunday.
  // The optional argument is a time zone: an IANA name ("Europe/Paris") or an offset ("+05:30"); default UTC.
  {"getFullYear",   F::Method, 1, {K::Timestamp, K::Null},               "a timestamp", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getFullYear(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::FullYear},
  {"getMonth",      F::Method, 1, {K::Timestamp, K::Null},               "a timestamp", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getMonth(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::Month},
  {"getDate",       F::Method, 1, {K::Timestamp, K::Null},               "a timestamp", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getDate(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::Date},
  {"getDayOfMonth", F::Method, 1, {K::Timestamp, K::Null},               "a timestamp", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getDayOfMonth(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::DayOfMonth},
  {"getDayOfWeek",  F::Method, 1, {K::Timestamp, K::Null},               "a timestamp", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getDayOfWeek(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::DayOfWeek},
  {"getDayOfYear",  F::Method, 1, {K::Timestamp, K::Null},               "a timestamp", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getDayOfYear(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::DayOfYear},
  {"getHours",      F::Method, 1, {K::Timestamp, K::Duration, K::Null}, "a timestamp or a duration", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getHours(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::Hours},
  {"getMinutes",    F::Method, 1, {K::Timestamp, K::Duration, K::Null}, "a timestamp or a duration", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getMinutes(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::Minutes},
  {"getSeconds",    F::Method, 1, {K::Timestamp, K::Duration, K::Null}, "a timestamp or a duration", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getSeconds(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::Seconds},
  {"getMilliseconds", F::Method, 1, {K::Timestamp, K::Duration, K::Null}, "a timestamp or a duration", {K::String}, "a time zone string", ArgRule::Optional, ConstCheck::TimeZone, R::Int, "now.getMilliseconds(\"America/New_York\")", 1, true, L::TimePart, Op::TIME_PART, P::Milliseconds},
  // Over a map, the macros range over its keys, as in CEL.
  {"exists",      F::Macro,    2, {K::List, K::Map},                                 "a list or a map",              kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::MacroTest, "l.exists(x, x > 1)",                   1, true,  L::Exists,      Op::NOP, kNoPart},
  {"all",         F::Macro,    2, {K::List, K::Map},                                 "a list or a map",              kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::MacroTest, "l.all(x, x > 1)",                      1, true,  L::All,         Op::NOP, kNoPart},
  {"filter",      F::Macro,    2, {K::List, K::Map},                                 "a list or a map",              kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::MacroFilter, "l.filter(x, x > 1)",                 1, true,  L::Filter,      Op::NOP, kNoPart},
  {"map",         F::Macro,    2, {K::List, K::Map},                                 "a list or a map",              kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::MacroMap,  "l.map(x, x * 2)",                      1, true,  L::Map,         Op::NOP, kNoPart},
  // True when exactly one element passes.
  {"exists_one",  F::Macro,    2, {K::List, K::Map},                                 "a list or a map",              kNone,      "",                  ArgRule::Value, ConstCheck::None,      R::MacroTest, "l.exists_one(x, x > 1)",               1, true,  L::ExistsOne,   Op::NOP, kNoPart},
};
// clang-format on

const Builtin* find(std::string_view name, bool method) {
  auto it = std::ranges::find_if(
      kBuiltins, [&](const Builtin& b) { return b.name == name && (b.form != Form::Function) == method; });
  return it == std::end(kBuiltins) ? nullptr : it;
}

}  // namespace

std::span<const Builtin> all() { return kBuiltins; }
const Builtin* function(std::string_view name) { return find(name, false); }
const Builtin* method(std::string_view name) { return find(name, true); }

const Builtin* called(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Call) return function(e.name);
  if (e.kind == ast::ExprKind::Method) return method(e.name);
  return nullptr;
}

}  // namespace play::builtins
