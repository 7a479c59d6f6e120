// libFuzzer target: any bytes, taken as a .play file, go through parse + check
// with the standard library loaded. The property is "never crash, hang or trip
// a sanitizer"; diagnostics are the expected outcome for nearly every input.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "compiler/sema/project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::string path = "/tmp/fuzz_check_" + std::to_string(getpid()) + ".play";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  play::sema::Project project;
  play::Diagnostics diags;
  play::sema::load_project({path}, project, diags);
  return 0;
}
