// The file sink (the default outbox, DATA/outbox.ndjson, and `kind =
// "file"` sinks): one action line per action, each key exactly once, even
// across a full disk or a kill -9.
//
// - append() writes a batch of lines, then fdatasync()s; when either fails
//   the file is cut back to where the batch began, so a failed write never
//   leaves a torn line for the next batch to be glued to.
// - The executor records the batch as sent together with the file's new
//   size (table file_sinks) in one transaction. A crash between the write
//   and that commit leaves lines past the recorded size: at the next start
//   read_file_tail() returns their keys, the executor records those actions
//   as sent instead of writing them again, and a torn last line (a crash in
//   the middle of a write) is cut.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace play::sinks {

class FileAppender {
 public:
  std::string path;
  ~FileAppender() { close(); }
  // "" on success with `size_after` the file's size after the batch; else
  // the error, with the file as it was before the call.
  std::string append(const std::string& lines, int64_t& size_after);
  void close();

 private:
  int fd_ = -1;
};

struct FileTail {
  int64_t size = 0;               // the file's size after any cut
  std::vector<std::string> keys;  // keys of whole lines past the recorded size
  std::string note;               // what was found or done, for the log ("" when nothing)
};
// `recorded`: the size recorded with the last batch, -1 when none (the last
// 4 MiB are read then). "" on success; an error when the file cannot be
// read (a missing file is not an error: size 0).
std::string read_file_tail(const std::string& path, int64_t recorded, FileTail& out);

// The idempotency key of an action line (the last "key" member: args come
// before it), "" when none.
std::string action_line_key(std::string_view line);

}  // namespace play::sinks
