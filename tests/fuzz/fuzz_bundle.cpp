// libFuzzer target: the bundle loader and verifier (runtime/vm/bundle.*),
// which playd runs on a bundle file before it executes anything in it.
// Each input is read twice: as the file it is (header checks: magic,
// version, length, CRC-32C), and with a correct header put in front of its
// payload (the bytes after a 32-byte header when the input starts with the
// magic, else all of them) so that mutations reach the decoder and the
// verifier instead of stopping at the checksum. A bundle that loads is then
// disassembled and run: every play on a signal of each of its types, with
// values of the declared kinds, through the engine.
// Properties: never crash, hang or trip a sanitizer; what the verifier lets
// through, the VM runs safely (the bundle's contract, bundle.h); a loaded
// bundle written again loads again.
#include <cstdint>
#include <cstring>
#include <string>

#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/engine/render.h"
#include "runtime/vm/bundle.h"
#include "runtime/vm/disasm.h"
#include "tests/fuzz/fuzz_common.h"

using namespace play;

namespace {

void put_le(std::string& s, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s[at + size_t(i)] = char((v >> (8 * i)) & 0xff);
}

vm::Value sample(const vm::FieldType& t, vm::Arena& arena) {
  switch (t.code) {
    case vm::Kind::Bool:
      return vm::Value::boolean(true);
    case vm::Kind::Int:
      return vm::Value::integer(42);
    case vm::Kind::Float:
      return vm::Value::floating(1.5);
    case vm::Kind::String:
      return vm::Value::string("pricing");
    case vm::Kind::Duration:
      return vm::Value::duration(3600000);
    case vm::Kind::Timestamp:
      return vm::Value::timestamp(1750000000000);
    case vm::Kind::List: {
      vm::Value* items = arena.alloc_array<vm::Value>(2);
      items[0] = vm::Value::string("a");
      items[1] = vm::Value::string("b");
      return vm::Value::list(items, t.elem == vm::Kind::String || t.elem == vm::Kind::Null ? 2 : 0);
    }
    case vm::Kind::Map:
      return vm::Value::map(nullptr, 0);
    case vm::Kind::Null:
      return vm::Value::null();
  }
  return vm::Value::null();
}

void run(const vm::Bundle& bundle) {
  std::string text = vm::disassemble(bundle);
  engine::MemoryContext context(bundle);
  engine::MemoryLedger ledger;
  engine::MemorySeenSignals seen;
  engine::Engine eng(bundle, context, ledger, &seen);
  std::string out;
  engine::NdjsonSink sink(bundle, out, true);
  for (uint32_t t = 0; t < bundle.signals.size(); ++t) {
    engine::DecodedSignal s;
    s.type = t;
    s.type_name = bundle.signals[t].name;
    s.id = s.storage->copy_string("sig_" + std::to_string(t));
    s.source = "fuzz";
    s.account = "bigco.com";
    s.contact = "ana@bigco.com";
    s.occurred_at_ms = 1750000000000;
    s.received_at_ms = 1750000000500;
    for (const auto& p : bundle.signals[t].props)
      s.props.push_back(p.type.nullable ? vm::Value::null() : sample(p.type, *s.storage));
    eng.process(s, sink);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  vm::Bundle bundle;
  std::string error;
  if (vm::read_bundle(bytes, bundle, error)) run(bundle);

  std::string_view payload = bytes;
  if (size >= vm::kBundleHeaderSize && std::memcmp(data, vm::kBundleMagic, 8) == 0)
    payload = bytes.substr(vm::kBundleHeaderSize);
  std::string fixed(vm::kBundleHeaderSize, '\0');
  std::memcpy(fixed.data(), vm::kBundleMagic, 8);
  put_le(fixed, 8, vm::kBundleVersion, 4);
  put_le(fixed, 16, payload.size(), 8);
  put_le(fixed, 24, vm::crc32c(payload), 4);
  fixed.append(payload);
  vm::Bundle loaded;
  if (!vm::read_bundle(fixed, loaded, error)) return 0;
  run(loaded);
  // Written again, it loads again (the writer and reader agree).
  vm::Bundle again;
  FUZZ_ASSERT(vm::read_bundle(vm::write_bundle(loaded), again, error));
  return 0;
}
