// Memory for MemoryPatterns' per-account tables (`playc run`'s temporal
// state): bump-allocated from large chunks mapped with MAP_POPULATE, all
// given back at once with the store. A backtest over 100,000 accounts
// touches ~1.5 GB of fresh state; faulted in page by page that was ~390,000
// page faults, a sixth of the run. Nothing is given back before the end: a
// table is sized once per account (MemoryPatterns::state), so a freed block
// would be rare.
#pragma once

#include <cstddef>
#include <vector>

namespace play::engine {

class StateArena {
 public:
  StateArena() = default;
  ~StateArena();
  StateArena(const StateArena&) = delete;
  StateArena& operator=(const StateArena&) = delete;

  void* allocate(size_t bytes, size_t align);

 private:
  struct Chunk {
    void* base;
    size_t size;
  };
  std::vector<Chunk> chunks_;
  char* next_ = nullptr;
  char* end_ = nullptr;
  size_t chunk_bytes_ = size_t{256} << 10;  // doubles per chunk, up to 64 MiB
};

// A std allocator drawing from a StateArena; deallocate gives nothing back.
template <class T>
struct ArenaAllocator {
  using value_type = T;
  StateArena* arena = nullptr;
  ArenaAllocator() = default;
  explicit ArenaAllocator(StateArena* a) : arena(a) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>& o) : arena(o.arena) {}
  T* allocate(size_t n) { return static_cast<T*>(arena->allocate(n * sizeof(T), alignof(T))); }
  void deallocate(T*, size_t) {}
  template <class U>
  bool operator==(const ArenaAllocator<U>& o) const {
    return arena == o.arena;
  }
};

}  // namespace play::engine
