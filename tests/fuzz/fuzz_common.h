// Shared by the fast fuzz targets: the example plays (plays/) compiled once
// per process, the bundle the decoders and the engine run against, and their
// sample context. PLAY_REPO is the repository root (set by CMake).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "apps/playd/plays_loader.h"
#include "runtime/vm/bundle.h"

namespace play::fuzz {

inline std::shared_ptr<const vm::Bundle> example_bundle() {
  static std::shared_ptr<const vm::Bundle> bundle = [] {
    auto b = std::make_shared<vm::Bundle>();
    std::string error;
    if (!playd::load_plays({std::string(PLAY_REPO) + "/plays"}, *b, error)) {
      std::fprintf(stderr, "fuzz: cannot compile the example plays: %s\n", error.c_str());
      std::abort();
    }
    return b;
  }();
  return bundle;
}

// A per-process scratch file for targets whose input must be a file: on
// tmpfs when there is one (writing to a disk costs more than the target).
inline std::string scratch_path(const std::string& name) {
  std::string dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return dir + "/" + name + "_" + std::to_string(getpid());
}

inline const std::string& example_context_json() {
  static std::string text = [] {
    std::ifstream in(std::string(PLAY_REPO) + "/plays/signals/context.json");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  return text;
}

// A property that must hold for every input: a failure is a finding, so
// abort (libFuzzer keeps the input as a crash reproducer).
#define FUZZ_ASSERT(cond)                                                                        \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::fprintf(stderr, "fuzz: property violated at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                              \
    }                                                                                            \
  } while (0)

}  // namespace play::fuzz
