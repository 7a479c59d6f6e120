// The signals of a backtest's file, read and decoded on a thread of their
// own: `playc run` evaluates one signal while the next ones are parsed, on
// the machine's other core (about a tenth of a temporal backtest was
// reading and decoding). Signals come out in file order, in batches; lines
// that are not valid envelopes are reported on stderr and skipped, as
// before.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "apps/playc/line_reader.h"
#include "runtime/engine/signal.h"

namespace play::playc {

class SignalFeed {
 public:
  // Starts reading `reader` (open) at once; `path` names the file in its
  // error lines.
  SignalFeed(const vm::Bundle& bundle, LineReader& reader, const std::string& path);
  ~SignalFeed();  // stops reading (if not at the end yet) and joins
  SignalFeed(const SignalFeed&) = delete;
  SignalFeed& operator=(const SignalFeed&) = delete;

  // The next decoded signals, in file order; empty at the end of the file
  // (or of what could be read: the reader's error() says). Valid until the
  // next call.
  std::span<engine::DecodedSignal> next();
  size_t skipped() const;  // lines skipped so far (final once next() came back empty)

 private:
  struct Batch {
    std::vector<engine::DecodedSignal> signals;
    size_t size = 0;
  };
  void read();  // the thread

  static constexpr size_t kBatches = 4, kBatchSize = 256;
  const vm::Bundle& bundle_;
  LineReader& reader_;
  std::string path_;
  std::vector<Batch> batches_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<size_t> full_, free_;  // batch indexes
  int handed_ = -1;                 // the batch next() returned last
  bool done_ = false, stop_ = false;
  size_t skipped_ = 0;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace play::playc
