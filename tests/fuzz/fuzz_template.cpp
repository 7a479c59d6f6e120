// libFuzzer target: string templates ("{contact.name} at {account.name}",
// compiler/syntax/templates.cpp), end to end. The input is the text of a
// play's action argument:
//   do notify(channel: "#fuzz", text: "<input>")
// (a `"` in the input becomes `'`, a line break a space, so the input stays
// one string literal). The play is parsed and checked with the standard
// library; when it checks without errors, it is compiled, and the bundle is
// run by the engine on the example signal with the example context, which
// renders the template into the action line.
// Properties: never crash, hang or trip a sanitizer; a play that checks
// compiles (no internal compiler error, P0959) to a bundle that verifies.
// The standard library is parsed once (fuzz_project.h), so an input costs
// the parse of its own play.
#include <cstdint>
#include <cstdio>
#include <string>

#include "compiler/codegen/codegen.h"
#include "compiler/sema/project.h"
#include "runtime/engine/context.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/engine/render.h"
#include "runtime/engine/signal.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/fuzz/fuzz_project.h"

using namespace play;

namespace {

constexpr const char* kSignal =
    R"({"id":"evt_001","type":"website.page_viewed","source":"segment","occurred_at":"2026-06-21T10:00:00Z",)"
    R"("account":"bigco.com","contact":"ana@bigco.com","properties":{"category":"pricing",)"
    R"("url":"https://acme.com/pricing","title":"Pricing","visit_count":3}})";

std::string play_text(std::string_view tmpl) {
  std::string text =
      "play fuzz_template {\n"
      "  title \"fuzz\"\n"
      "  owner \"fuzz@example.com\"\n"
      "  on website.page_viewed\n"
      "  let rep = account.owner ?? \"nobody@example.com\"\n"
      "  do notify(channel: \"#fuzz\", text: \"";
  for (char c : tmpl) text += c == '"' ? '\'' : (c == '\n' || c == '\r') ? ' ' : c;
  text += "\")\n  do enroll(sequence: \"s\", rep: rep)\n}\n";
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::StdlibCache stdlib;
  sema::Project project;
  Diagnostics diags;
  bool parsed = stdlib.load(project, "fuzz_template.play",
                            play_text(std::string_view(reinterpret_cast<const char*>(data), size)), diags);
  struct GiveBack {
    fuzz::StdlibCache& cache;
    sema::Project& project;
    ~GiveBack() { cache.give_back(project); }
  } give_back{stdlib, project};
  if (!parsed || diags.has_errors()) return 0;
  vm::Bundle bundle;
  Diagnostics gen;
  bool ok = codegen::generate(project, bundle, gen);
  for (const auto& d : gen.all()) {
    if (d.code == "P0959") std::fprintf(stderr, "fuzz: %s\n", d.message.c_str());
    FUZZ_ASSERT(d.code != "P0959");
  }
  if (!ok) return 0;

  engine::MemoryContext context(bundle);
  std::string error;
  FUZZ_ASSERT(engine::load_context_json(fuzz::example_context_json(), bundle, context, error));
  engine::MemoryLedger ledger;
  engine::Engine eng(bundle, context, ledger);
  engine::DecodedSignal signal;
  FUZZ_ASSERT(engine::decode_signal(kSignal, bundle, signal, error));
  std::string out;
  engine::NdjsonSink sink(bundle, out, true);
  eng.process(signal, sink);
  return 0;
}
