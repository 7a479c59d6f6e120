// libFuzzer target: any bytes, taken as a .play file, loaded with the
// standard library (checked when it parses), then every editor query
// (compiler/ide: hover, definition, references, rename, completion on the
// text cut at the offset and whole, symbols, quick fixes) at every offset.
// The property is "never crash, hang or trip a sanitizer", on half-typed
// text above all: the language server answers these on every keystroke.
#include <cstdint>
#include <string>

#include "compiler/ide/ide.h"
#include "tests/fuzz/fuzz_project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static play::fuzz::StdlibCache stdlib;
  using namespace play;
  std::string text(reinterpret_cast<const char*>(data), size);
  sema::Project project;
  Diagnostics diags;
  stdlib.load(project, "fuzz_ide.play", text, diags);
  uint32_t file = project.files.back().file_id;
  for (uint32_t off = 0; off <= size + 1; ++off) {
    ide::Position at{file, off};
    ide::hover(project, at);
    ide::definition(project, at);
    ide::references(project, at, true);
    if (ide::prepare_rename(project, at).error.empty()) ide::rename(project, at, "renamed");
    ide::complete(project, "fuzz_ide.play", std::string_view(text).substr(0, off < size ? off : size), off);
    ide::complete(project, "fuzz_ide.play", text, off);
  }
  ide::document_symbols(project, file);
  for (const auto& d : diags.all()) ide::quick_fixes(project, d);
  stdlib.give_back(project);
  return 0;
}
