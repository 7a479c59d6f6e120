#include "runtime/engine/idempotency.h"

#include <openssl/evp.h>
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

// SHA-256 with the algorithm fetched once and a context reused per thread.
// OpenSSL 3's one-shot SHA256() looks the algorithm up in its provider
// table (under a lock) on every call: a fifth of an action-heavy backtest.
void sha256(std::string_view data, unsigned char digest[SHA256_DIGEST_LENGTH]) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context c;
  unsigned int n = 0;
  if (!md || !c.ctx || !EVP_DigestInit_ex2(c.ctx, md, nullptr) ||
      !EVP_DigestUpdate(c.ctx, data.data(), data.size()) || !EVP_DigestFinal_ex(c.ctx, digest, &n))
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           digest);  // the slow way still works
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
  sha256(message, digest);
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  out[32] = '\0';
}

}  // namespace play::engine
