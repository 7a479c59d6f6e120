// libFuzzer target: playd's TOML configuration (apps/playd/config.cpp),
// the file an operator writes. Any bytes, as the config file, go through
// load_config and, when they load, finish_config against the example plays.
// Properties: never crash, hang or trip a sanitizer (toml++ throws only
// parse_error, which load_config turns into a message); a refused config
// has a message naming the file; a loaded one has values in their ranges.
#include <cstdint>
#include <cstdio>
#include <string>

#include "apps/playd/config.h"
#include "tests/fuzz/fuzz_common.h"

using namespace play;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::string path = fuzz::scratch_path("fuzz_config") + ".toml";
  static std::shared_ptr<const vm::Bundle> bundle = fuzz::example_bundle();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);

  playd::Config config;
  std::string error;
  if (!playd::load_config(path, config, error)) {
    FUZZ_ASSERT(error.rfind(path, 0) == 0);
    return 0;
  }
  FUZZ_ASSERT(config.http_threads >= 1 && config.http_threads <= 256);
  FUZZ_ASSERT(config.ingest.max_body_bytes >= 1 && config.store.max_queue_depth >= 1);
  FUZZ_ASSERT(config.store.dedup_ttl_ms > 0 && config.store.trace_ttl_ms > 0);
  FUZZ_ASSERT(!config.execution.retry_schedule_ms.empty() && config.execution.max_attempts >= 1);
  for (int64_t ms : config.execution.retry_schedule_ms) FUZZ_ASSERT(ms > 0);
  for (const auto& [name, sink] : config.execution.sinks) {
    FUZZ_ASSERT(sink.concurrency >= 1 && sink.concurrency <= 256);
    FUZZ_ASSERT(sink.timeout_ms > 0 && sink.rate_per_hour >= 0);
  }
  playd::finish_config(config, *bundle, error);
  return 0;
}
