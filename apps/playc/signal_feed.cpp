#include "apps/playc/signal_feed.h"

#include <cstdio>

namespace play::playc {

SignalFeed::SignalFeed(const vm::Bundle& bundle, LineReader& reader, const std::string& path)
    : bundle_(bundle), reader_(reader), path_(path), batches_(kBatches) {
  for (size_t b = 0; b < kBatches; ++b) {
    batches_[b].signals.resize(kBatchSize);
    free_.push_back(b);
  }
  thread_ = std::thread([this] { read(); });
}

SignalFeed::~SignalFeed() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

size_t SignalFeed::skipped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return skipped_;
}

std::span<engine::DecodedSignal> SignalFeed::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (handed_ >= 0) free_.push_back(size_t(handed_)), handed_ = -1;
  changed_.notify_all();
  changed_.wait(lock, [&] { return !full_.empty() || done_; });
  if (full_.empty()) return {};
  size_t b = full_.front();
  full_.pop_front();
  handed_ = int(b);
  return {batches_[b].signals.data(), batches_[b].size};
}

void SignalFeed::read() {
  engine::SignalDecoder decoder(bundle_);
  std::string err;
  size_t line_no = 0, skipped = 0;
  bool end = false;
  while (!end) {
    size_t b;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return !free_.empty() || stop_; });
      if (stop_) break;
      b = free_.front();
      free_.pop_front();
    }
    Batch& batch = batches_[b];
    batch.size = 0;
    std::string_view line;
    while (batch.size < kBatchSize) {
      if (!reader_.next(line)) {
        end = true;
        break;
      }
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      if (decoder.decode(line, batch.signals[batch.size], err)) {
        ++batch.size;
        continue;
      }
      std::fprintf(stderr, "%s:%zu: error: %s; line skipped\n", path_.c_str(), line_no, err.c_str());
      ++skipped;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (batch.size)
        full_.push_back(b);
      else
        free_.push_back(b);
      skipped_ = skipped;
      if (end) done_ = true;
    }
    changed_.notify_all();
  }
}

}  // namespace play::playc
