#include "runtime/sinks/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace play::sinks {

namespace {
constexpr int64_t kScanWithoutRecord = 4LL << 20;  // the tail read when no size was recorded (an upgrade)
constexpr int64_t kMaxTail = 64LL << 20;           // a tail longer than this was not written by one batch

std::string errno_text(const char* what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}
}  // namespace

std::string FileAppender::append(const std::string& lines, int64_t& size_after) {
  if (fd_ < 0) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return errno_text("cannot open", path);
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return errno_text("cannot stat", path);
  off_t start = st.st_size;
  std::string error;
  size_t off = 0;
  while (off < lines.size()) {
    ssize_t n = ::write(fd_, lines.data() + off, lines.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno_text("write to", path);
      break;
    }
    off += size_t(n);
  }
  // Durable before it is recorded as sent.
  if (error.empty() && ::fdatasync(fd_) != 0) error = errno_text("fdatasync", path);
  if (!error.empty()) {
    // Cut back to where the batch began: no torn line stays behind. The
    // batch is retried as a whole.
    if (::ftruncate(fd_, start) != 0)
      error += "; and cutting the partial batch failed: " + std::string(std::strerror(errno));
    return error;
  }
  size_after = int64_t(start) + int64_t(lines.size());
  return "";
}

void FileAppender::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string action_line_key(std::string_view line) {
  constexpr std::string_view kKey = "\"key\":\"";
  size_t p = line.rfind(kKey);
  if (p == std::string_view::npos) return "";
  size_t b = p + kKey.size();
  size_t e = line.find('"', b);
  if (e == std::string_view::npos) return "";
  return std::string(line.substr(b, e - b));
}

std::string read_file_tail(const std::string& path, int64_t recorded, FileTail& out) {
  out = FileTail{};
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) return errno_text("cannot open", path);
    if (recorded > 0) out.note = "missing (moved away?); a new file is started";
    return "";
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string e = errno_text("cannot stat", path);
    ::close(fd);
    return e;
  }
  int64_t size = st.st_size;
  bool aligned = true;  // does `start` begin a line?
  int64_t start;
  if (recorded < 0) {
    start = std::max<int64_t>(0, size - kScanWithoutRecord);
    aligned = start == 0;
  } else if (recorded > size) {
    out.note = "shorter than recorded (truncated or rotated by someone else?); continuing at its end";
    start = size;
  } else {
    start = recorded;
  }
  if (size - start > kMaxTail) {
    out.note =
        "more than 64 MiB past the recorded size (appended by another writer?); only the last 64 MiB checked";
    start = size - kMaxTail;
    aligned = false;
  }
  std::string data(size_t(size - start), '\0');
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::pread(fd, data.data() + got, data.size() - got, start + int64_t(got));
    if (n <= 0) break;
    got += size_t(n);
  }
  data.resize(got);
  size_t whole = data.rfind('\n');
  whole = whole == std::string::npos ? 0 : whole + 1;  // bytes of whole lines
  if (whole < data.size()) {
    // A crash in the middle of a write: that batch was never recorded, and
    // its actions are still pending; they are written again, whole.
    if (::ftruncate(fd, start + int64_t(whole)) != 0) {
      std::string e = errno_text("cannot cut the torn last line of", path);
      ::close(fd);
      return e;
    }
    ::fsync(fd);
    out.note += std::string(out.note.empty() ? "" : "; ") + "cut a torn last line of " +
                std::to_string(data.size() - whole) + " bytes";
    size = start + int64_t(whole);
  }
  ::close(fd);
  std::string_view lines(data.data(), whole);
  if (!aligned) {
    size_t nl = lines.find('\n');
    lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
  }
  while (!lines.empty()) {
    size_t nl = lines.find('\n');
    std::string key = action_line_key(lines.substr(0, nl));
    if (!key.empty()) out.keys.push_back(std::move(key));
    lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
  }
  out.size = size;
  return "";
}

}  // namespace play::sinks
