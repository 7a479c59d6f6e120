// Reads a file line by line through a fixed buffer, so `playc run` over a
// quarter of real traffic holds one chunk of the input, not all of it.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace play::playc {

class LineReader {
 public:
  LineReader() = default;
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader();

  // False with `error` (strerror) when the file cannot be opened.
  bool open(const std::string& path, std::string& error);
  // The next line, without its '\n' (a last line without one counts too).
  // The view is valid until the next call. False at the end, or on a read
  // error (then error() says it).
  bool next(std::string_view& line);
  const std::string& error() const { return error_; }

 private:
  bool fill();  // more bytes after the unread ones; false at the end
  std::FILE* file_ = nullptr;
  std::string buf_;
  size_t begin_ = 0, end_ = 0;  // the unread bytes: buf_[begin_, end_)
  bool eof_ = false;
  std::string error_;
};

}  // namespace play::playc
