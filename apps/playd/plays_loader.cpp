#include "apps/playd/plays_loader.h"

#include <cstdio>

#include "compiler/loader/loader.h"

namespace play::playd {

bool load_plays(const std::vector<std::string>& paths, vm::Bundle& out, std::string& error) {
  loader::Loaded loaded = loader::load(paths, out);
  if (loaded.ok()) return true;
  error = loaded.error_text();
  return false;
}

std::string play_set_version(const vm::Bundle& bundle) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", vm::crc32c(vm::write_bundle(bundle)));
  return buf;
}

}  // namespace play::playd
