// `playc eval EXPR [--bindings JSON]`: evaluates one expression with the
// language's semantics (the same checker, codegen and VM as plays) and prints
// the value as JSON. Bindings are a JSON object; each key becomes a variable
// whose type follows its JSON value (integers are int, other numbers float,
// arrays list<T>, objects map<string, dyn>).
#include <simdjson.h>

#include <cstdio>

#include "apps/playc/commands.h"
#include "compiler/codegen/codegen.h"
#include "compiler/diag/render.h"
#include "compiler/syntax/parse.h"
#include "runtime/engine/render.h"
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

}  // namespace

int run_eval(const EvalOptions& o) {
  sema::Project project;
  Diagnostics diags;
  if (!sema::load_project({}, project, diags) || diags.has_errors()) {
    for (const auto& d : diags.all()) std::fputs(render_text(project.sources, d).c_str(), stderr);
    return 2;
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
  uint32_t file = project.sources.add("<expression>", o.expr);
  ast::ExprPtr expr = syntax::parse_expression(project.sources, file, diags);
  if (expr) sema::check_expression(project, *expr, bindings, diags);
  if (!expr || diags.has_errors()) {
    for (const auto& d : diags.all()) std::fputs(render_text(project.sources, d).c_str(), stderr);
    return 1;
  }
  vm::Program program;
  std::string err;
  if (!codegen::compile_expression(project, *expr, program, err)) {
    std::fprintf(stderr, "playc eval: %s\n", err.c_str());
    return 1;
  }
  vm::Arena arena;
  vm::RegexCache regexes;
  vm::EvalContext ctx;
  ctx.lets = values;
  ctx.arena = &arena;
  ctx.regex_cache = &regexes;
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
