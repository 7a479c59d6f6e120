// libFuzzer target: any bytes, taken as a .play file, go through parse + check
// with the standard library loaded. The property is "never crash, hang or trip
// a sanitizer"; diagnostics are the expected outcome for nearly every input.
// The standard library is parsed once (fuzz_project.h): an input costs the
// parse and check of its own text.
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static play::fuzz::StdlibCache stdlib;
  play::sema::Project project;
  play::Diagnostics diags;
  stdlib.load(project, "fuzz_check.play", std::string(reinterpret_cast<const char*>(data), size), diags);
  stdlib.give_back(project);
  return 0;
}
