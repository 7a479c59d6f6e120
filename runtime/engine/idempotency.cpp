#include "runtime/engine/idempotency.h"

#include <openssl/sha.h>

#include <charconv>
#include <string>

namespace play::engine {

namespace {

// Appends `n` in decimal or `s` with its length prefix to the message.
void put_number(std::string& m, uint64_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  m.append(buf, r.ptr);
}

void put_prefixed(std::string& m, std::string_view s) {
  put_number(m, s.size());
  m += ':';
  m += s;
}

}  // namespace

void idempotency_key(std::string_view play, std::string_view signal_id, uint32_t action_index, char out[33]) {
  // One reused buffer per thread: no allocation once it fits the longest message.
  thread_local std::string message;
  message.assign("play-action-v1\n");
  put_prefixed(message, play);
  put_prefixed(message, signal_id);
  put_number(message, action_index);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  out[32] = '\0';
}

}  // namespace play::engine
