#include "runtime/engine/state_arena.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <new>

namespace play::engine {

StateArena::~StateArena() {
  for (const Chunk& c : chunks_) munmap(c.base, c.size);
}

void* StateArena::allocate(size_t bytes, size_t align) {
  auto at = [&] {
    return reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(next_) + align - 1) & ~(align - 1));
  };
  if (!next_ || at() + bytes > end_) {
    size_t size = std::max(chunk_bytes_, bytes + align);
    chunk_bytes_ = std::min(chunk_bytes_ * 2, size_t{64} << 20);
    // Populated now, in one call: the kernel fills the whole chunk far
    // faster than it serves one fault per page as the states are written.
    void* base =
        mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    chunks_.push_back({base, size});
    next_ = static_cast<char*>(base);
    end_ = next_ + size;
  }
  char* p = at();
  next_ = p + bytes;
  return p;
}

}  // namespace play::engine
