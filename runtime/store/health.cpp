#include "runtime/store/health.h"

#include <sys/statvfs.h>

#include <chrono>
#include <cstdio>

namespace play::store {

const char* store_state_name(StoreState s) {
  switch (s) {
    case StoreState::Ok:
      return "ok";
    case StoreState::LowDisk:
      return "low_disk";
    case StoreState::DiskFull:
      return "disk_full";
    case StoreState::IoError:
      return "io_error";
    case StoreState::Corrupt:
      return "corrupt";
  }
  return "?";
}

namespace {
constexpr uint64_t kMiB = 1024 * 1024;
constexpr int64_t kSampleEveryMs = 250;  // statvfs is cheap, but ingestion asks per request

std::string mib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / double(kMiB));
  return buf;
}
}  // namespace

Health::Health(std::string dir, int64_t min_free_bytes)
    : dir_(std::move(dir)), configured_reserve_(min_free_bytes) {
  sample_space(now_ms());
}

void Health::sample_space(int64_t now) {
  struct statvfs st {};
  if (::statvfs(dir_.c_str(), &st) != 0) return;  // keep the last sample
  uint64_t total = uint64_t(st.f_blocks) * st.f_frsize;
  uint64_t free = uint64_t(st.f_bavail) * st.f_frsize;
  uint64_t reserve =
      configured_reserve_ >= 0 ? uint64_t(configured_reserve_) : std::min<uint64_t>(64 * kMiB, total / 20);
  total_ = total;
  free_ = free;
  reserve_ = reserve;
  sampled_at_ms_ = now;
}

std::string Health::space_text() const {
  return mib(free_) + " free of " + mib(total_) + ", reserve " + mib(reserve_);
}

void Health::failed(StoreFault fault, const std::string& what) {
  if (fault == StoreFault::Other) return;  // one bad write, not the store
  StoreState next = fault == StoreFault::DiskFull  ? StoreState::DiskFull
                    : fault == StoreFault::Corrupt ? StoreState::Corrupt
                                                   : StoreState::IoError;
  sample_space(now_ms());
  std::lock_guard lock(mu_);
  StoreState was = state_.load();
  if (was == StoreState::Corrupt || was == next) return;
  state_ = next;
  since_ms_ = now_ms();
  reason_ = next == StoreState::DiskFull  ? "disk full (" + space_text() + "): " + what
            : next == StoreState::Corrupt ? "the database is damaged: " + what +
                                                "; restart playd after repairing it (docs/operations.md)"
                                          : "I/O error: " + what;
  std::fprintf(
      stderr,
      "playd: store degraded: %s; refusing new signals with 503, evaluation and delivery wait; nothing "
      "acknowledged is lost\n",
      reason_.c_str());
  std::fflush(stderr);
}

void Health::committed() {
  StoreState s = state_.load();
  if (s != StoreState::DiskFull && s != StoreState::IoError) return;
  sample_space(now_ms());
  {
    std::lock_guard lock(mu_);
    if (state_.load() != s) return;
    state_ = StoreState::Ok;
    since_ms_ = now_ms();
    reason_.clear();
    std::fprintf(stderr, "playd: store writable again (%s); resuming\n", space_text().c_str());
    std::fflush(stderr);
  }
  cv_.notify_all();
}

bool Health::accepting() {
  if (!writable()) return false;
  int64_t now = now_ms();
  if (now - sampled_at_ms_.load() >= kSampleEveryMs) sample_space(now);
  bool low = free_.load() < reserve_.load();
  // Low space is a state of its own for /healthz, logged once per episode.
  if (low != low_logged_.exchange(low)) {
    if (low) low_since_ms_ = now;
    std::fprintf(stderr,
                 low ? "playd: disk space low (%s): refusing new signals until space returns\n"
                     : "playd: disk space back above the reserve (%s): taking signals again\n",
                 space_text().c_str());
    std::fflush(stderr);
  }
  return !low;
}

StoreHealth Health::snapshot() {
  bool accept = accepting();  // refreshes the space sample
  StoreHealth h;
  std::lock_guard lock(mu_);
  h.state = state_.load();
  h.reason = reason_;
  h.since_ms = since_ms_;
  if (h.state == StoreState::Ok && !accept) {
    h.state = StoreState::LowDisk;
    h.reason = "disk space low (" + space_text() + "): new signals refused";
    h.since_ms = low_since_ms_;
  }
  h.free_bytes = free_;
  h.total_bytes = total_;
  h.reserve_bytes = reserve_;
  return h;
}

bool Health::wait_writable(const std::atomic<bool>* stop, int64_t max_ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(max_ms), [&] { return writable() || (stop && stop->load()); });
  return writable();
}

void Health::wake() { cv_.notify_all(); }

}  // namespace play::store
