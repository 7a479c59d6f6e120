#include "apps/playc/line_reader.h"

#include <cerrno>
#include <cstring>

namespace play::playc {

namespace {
constexpr size_t kChunk = 1 << 20;
}

LineReader::~LineReader() {
  if (file_) std::fclose(file_);
}

bool LineReader::open(const std::string& path, std::string& error) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) {
    error = std::strerror(errno);
    return false;
  }
  buf_.resize(kChunk);
  return true;
}

bool LineReader::fill() {
  if (eof_ || !file_) return false;
  // Keep the unread tail at the front; grow only for a line longer than the buffer.
  std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
  size_t n = std::fread(buf_.data() + end_, 1, buf_.size() - end_, file_);
  end_ += n;
  if (n == 0) {
    eof_ = true;
    if (std::ferror(file_)) error_ = std::strerror(errno ? errno : EIO);
    return false;
  }
  return true;
}

bool LineReader::next(std::string_view& line) {
  for (size_t from = begin_;;) {
    const void* nl = std::memchr(buf_.data() + from, '\n', end_ - from);
    if (nl) {
      size_t at = static_cast<const char*>(nl) - buf_.data();
      line = std::string_view(buf_.data() + begin_, at - begin_);
      begin_ = at + 1;
      return true;
    }
    size_t scanned = end_ - begin_;
    if (!fill()) break;
    from = begin_ + scanned;  // fill() moved the unread bytes to the front
  }
  if (begin_ == end_ || !error_.empty()) return false;
  line = std::string_view(buf_.data() + begin_, end_ - begin_);  // the last line, without '\n'
  begin_ = end_;
  return true;
}

}  // namespace play::playc
