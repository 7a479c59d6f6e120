// libFuzzer target: any bytes, taken as a .play file that parses, are formatted; the
// formatted text must parse without errors to the same tree and comments, and formatting
// it again must change nothing (the promises of compiler/fmt/format.h, which `playc fmt`
// checks before writing: verify.h). A broken promise aborts with both texts, so the
// reproducer is a file fmt would refuse (P0960). Seeded with every .play file of the
// repository and a dictionary of comments and brackets (dict/play.dict).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "compiler/fmt/format.h"
#include "compiler/fmt/same_tree.h"
#include "compiler/syntax/parse.h"

namespace {

void broken(const char* what, const std::string& input, const std::string& formatted) {
  std::fprintf(stderr, "fuzz_fmt: %s\n--- input\n%s\n--- formatted\n%s\n---\n", what, input.c_str(),
               formatted.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  play::SourceSet sources;
  play::Diagnostics diags;
  uint32_t id = sources.add("fuzz_fmt.play", input);
  play::ast::File file = play::syntax::parse_file(sources, id, diags);
  if (diags.has_errors()) return 0;  // fmt leaves files with syntax errors alone
  std::string once = play::fmt::format_file(sources, file);
  play::SourceSet again;
  play::Diagnostics again_diags;
  uint32_t again_id = again.add("fuzz_fmt.play", once);
  play::ast::File reparsed = play::syntax::parse_file(again, again_id, again_diags);
  if (again_diags.has_errors()) broken("the formatted text does not parse", input, once);
  std::string diff = play::fmt::ast_difference(file, reparsed);
  if (!diff.empty()) broken(("the formatted text is another program: " + diff).c_str(), input, once);
  if (play::fmt::format_file(again, reparsed) != once)
    broken("formatting again changes the text", input, once);
  return 0;
}
