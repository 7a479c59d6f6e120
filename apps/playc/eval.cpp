// `playc eval EXPR [--bindings JSON] [--signal JSON] [--now TIME] [--context
// FILE] [--plays PATH]`: evaluates one expression with the language's
// semantics (the same checker, codegen and VM as plays) and prints the value
// as JSON. Bindings are a JSON object; each key becomes a variable whose type
// follows its JSON value (integers are int, other numbers float, arrays
// list<T>, objects map<string, dyn>). `--signal` binds `signal` to one
// envelope as `playc run` reads it, typed by its type's schema as in a play
// `on` that type; `now` is --now, else the signal's occurred_at, else the
// clock; `--context` makes `account` and `contact` the signal's records, found
// as the engine finds them (engine::SignalRecords).
#include <simdjson.h>

#include <cstdio>

#include "apps/playc/commands.h"
#include "common/json/json.h"
#include "common/time/time.h"
#include "compiler/codegen/codegen.h"
#include "compiler/diag/files.h"
#include "compiler/diag/render.h"
#include "compiler/loader/loader.h"
#include "compiler/syntax/parse.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/render.h"
#include "runtime/engine/signal.h"
#include "runtime/engine/signal_records.h"
#include "runtime/vm/vm.h"

namespace play::playc {

namespace {

struct Converted {
  vm::Value value;
  TypeRef type;
};

Converted convert(simdjson::dom::element e, vm::Arena& arena) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::INT64:
      return {vm::Value::integer(int64_t(e)), Type::integer()};
    case element_type::UINT64:
      return {vm::Value::floating(double(uint64_t(e))), Type::floating()};
    case element_type::DOUBLE:
      return {vm::Value::floating(double(e)), Type::floating()};
    case element_type::BOOL:
      return {vm::Value::boolean(bool(e)), Type::boolean()};
    case element_type::NULL_VALUE:
      return {vm::Value::null(), Type::null()};
    case element_type::STRING:
      return {vm::Value::string(arena.copy_string(std::string_view(e))), Type::string()};
    case element_type::ARRAY: {
      simdjson::dom::array a = e;
      auto* items = arena.alloc_array<vm::Value>(a.size());
      TypeRef elem;
      size_t n = 0;
      for (auto x : a) {
        Converted c = convert(x, arena);
        items[n++] = c.value;
        if (!elem)
          elem = c.type;
        else if (!same_type(*elem, *c.type) || elem->nullable != c.type->nullable)
          elem = Type::dyn();
      }
      return {vm::Value::list(items, n), Type::list(elem ? elem : Type::dyn())};
    }
    case element_type::OBJECT: {
      simdjson::dom::object o = e;
      auto* entries = arena.alloc_array<vm::MapEntry>(o.size());
      size_t n = 0;
      for (auto [k, v] : o) entries[n++] = vm::MapEntry{arena.copy_string(k), convert(v, arena).value};
      return {vm::Value::map(entries, n), Type::map(Type::dyn())};
    }
  }
  return {vm::Value::null(), Type::null()};
}

// The signal of --signal: an envelope as `playc run` reads it; `id` and
// `occurred_at` may be left out (then "eval" and `now`).
struct EvalSignal {
  const sema::SignalSchema* schema = nullptr;
  engine::DecodedSignal decoded;
};

bool read_arg(const std::string& arg, std::string& text) {
  if (arg.empty() || arg[0] != '@') {
    text = arg;
    return true;
  }
  std::string err;
  if (read_file(arg.substr(1), text, err)) return true;
  std::fprintf(stderr, "playc eval: cannot read '%s': %s\n", arg.c_str() + 1, err.c_str());
  return false;
}

// 0, or the exit code after saying why the signal is not usable.
int decode_eval_signal(const std::string& arg, int64_t now_ms, const sema::Project& project,
                       const vm::Bundle& bundle, EvalSignal& out) {
  std::string text;
  if (!read_arg(arg, text)) return 2;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(text).get(doc) || !doc.is_object()) {
    std::fprintf(stderr,
                 "playc eval: --signal must be a JSON object (a signal envelope), e.g. "
                 "'{\"type\": \"website.page_viewed\", \"properties\": {\"url\": \"/pricing\"}}'\n");
    return 2;
  }
  std::string_view type;
  if (doc["type"].get(type)) {
    std::fprintf(stderr, "playc eval: --signal needs \"type\", one of the catalog's signal types\n");
    return 2;
  }
  auto it = project.signals.find(std::string(type));
  if (it == project.signals.end()) {
    std::vector<std::string> names;
    for (const auto& [name, schema] : project.signals) names.push_back(name);
    std::fprintf(stderr, "playc eval: unknown signal type '%.*s'%s\n", int(type.size()), type.data(),
                 did_you_mean(std::string(type), names).c_str());
    return 1;
  }
  out.schema = &it->second;
  // Fill in what a one-off signal need not say.
  std::string filled = "{";
  if (doc["id"].error()) filled += "\"id\":\"eval\",";
  if (doc["occurred_at"].error()) filled += "\"occurred_at\":" + json::quote(format_timestamp(now_ms)) + ",";
  size_t brace = text.find('{');
  filled += text.substr(brace + 1);
  std::string err;
  if (!engine::decode_signal(filled, bundle, out.decoded, err)) {
    std::fprintf(stderr, "playc eval: --signal: %s\n", err.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int run_eval(const EvalOptions& o) {
  vm::Bundle bundle;
  loader::Loaded loaded = loader::compile(o.plays, bundle);
  if (int rc = report_load(loaded)) return rc;
  sema::Project& project = *loaded.project;
  Diagnostics diags;

  int64_t now = wall_ms();
  if (!o.now.empty() && !parse_timestamp(o.now, now)) {
    std::fprintf(stderr, "playc eval: --now must be an RFC 3339 time, e.g. 2026-06-21T10:00:00Z\n");
    return 2;
  }
  EvalSignal signal;
  if (!o.signal.empty()) {
    if (int rc = decode_eval_signal(o.signal, now, project, bundle, signal)) return rc;
    if (o.now.empty()) now = signal.decoded.occurred_at_ms;  // `now` is the signal's event time, as in plays
  }
  engine::MemoryContext context(bundle);
  if (!o.context.empty()) {
    std::string text, err;
    if (!read_file(o.context, text, err)) {
      std::fprintf(stderr, "playc eval: cannot read '%s': %s\n", o.context.c_str(), err.c_str());
      return 2;
    }
    if (!engine::load_context_json(text, bundle, context, err)) {
      std::fprintf(stderr, "%s: error: %s\n", o.context.c_str(), err.c_str());
      return 1;
    }
  }

  vm::Arena bindings_arena;
  std::vector<sema::Binding> bindings;
  std::vector<vm::Value> values;
  simdjson::dom::parser parser;
  if (!o.bindings.empty()) {
    simdjson::dom::element doc;
    if (parser.parse(o.bindings).get(doc) || !doc.is_object()) {
      std::fprintf(stderr, "playc eval: --bindings must be a JSON object, e.g. '{\"x\": 1}'\n");
      return 2;
    }
    for (auto [k, v] : simdjson::dom::object(doc)) {
      Converted c = convert(v, bindings_arena);
      bindings.push_back({std::string(k), c.type});
      values.push_back(c.value);
    }
  }
  sema::ExpressionScope scope;
  scope.signal = signal.schema;
  scope.now = true;
  scope.records = !o.context.empty();
  uint32_t file = project.sources.add("<expression>", o.expr);
  ast::ExprPtr expr = syntax::parse_expression(project.sources, file, diags);
  if (expr) sema::check_expression(project, *expr, bindings, diags, scope);
  if (!expr || diags.has_errors()) {
    for (const auto& d : diags.all()) std::fputs(render_text(project.sources, d).c_str(), stderr);
    return 1;
  }
  vm::Program program;
  std::string err;
  if (!codegen::compile_expression(project, *expr, program, err, signal.schema)) {
    std::fprintf(stderr, "playc eval: %s\n", err.c_str());
    return 1;
  }
  vm::Arena arena;
  vm::RegexCache regexes;
  vm::EvalContext ctx;
  ctx.lets = values;
  ctx.arena = &arena;
  ctx.regex_cache = &regexes;
  ctx.now_ms = now;
  std::vector<std::string> prop_names;
  if (signal.schema) {
    const engine::DecodedSignal& s = signal.decoded;
    for (const auto& f : signal.schema->props) prop_names.push_back(f.name);
    ctx.signal = s.props;
    ctx.signal_names = prop_names;
    engine::fill_envelope(s, ctx);
  }
  engine::SignalRecords records(bundle);
  if (scope.records) {
    records.find(context, signal.schema ? signal.decoded.contact : "",
                 signal.schema ? signal.decoded.account : "");
    records.apply(ctx);
  }
  vm::EvalResult r = vm::eval(program, ctx);
  if (!r.ok) {
    std::fprintf(stderr, "<expression>:%u:%u: runtime error: %s\n", r.error.pos.line, r.error.pos.col,
                 r.error.message.c_str());
    return 1;
  }
  std::string out;
  engine::append_value_json(out, r.value, engine::NonFinite::ProtoJson);
  std::printf("%s\n", out.c_str());
  return 0;
}

}  // namespace play::playc
