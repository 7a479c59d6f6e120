#include "runtime/store/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace play::store {

namespace {

std::string lock_path(const std::string& dir) { return (std::filesystem::path(dir) / "playd.lock").string(); }

std::string read_all(int fd) {
  std::string out;
  char buf[512];
  ssize_t n;
  off_t at = 0;
  while ((n = ::pread(fd, buf, sizeof buf, at)) > 0 && out.size() < 4096) {
    out.append(buf, size_t(n));
    at += n;
  }
  return out;
}

// The file is ours ({"pid":123,"url":"http://127.0.0.1:8080"}): a small
// scan beats a JSON dependency in the store.
LockHolder parse(const std::string& text) {
  LockHolder h;
  size_t p = text.find("\"pid\":");
  if (p != std::string::npos) h.pid = std::strtol(text.c_str() + p + 6, nullptr, 10);
  p = text.find("\"url\":\"");
  if (p != std::string::npos) {
    size_t end = text.find('"', p + 7);
    if (end != std::string::npos) h.url = text.substr(p + 7, end - p - 7);
  }
  return h;
}

}  // namespace

std::unique_ptr<DataDirLock> DataDirLock::acquire(const std::string& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = "cannot create data directory " + dir + ": " + ec.message();
    return nullptr;
  }
  std::string path = lock_path(dir);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    LockHolder h = parse(read_all(fd));
    ::close(fd);
    if (e == EWOULDBLOCK) {
      error = "data directory " + dir + " is in use by another playd" +
              (h.pid ? " (pid " + std::to_string(h.pid) + (h.url.empty() ? "" : ", " + h.url) + ")" : "") +
              "; stop it first, or give this one another --data (one embedded store serves one process; "
              "several nodes need the PostgreSQL store)";
    } else {
      error = "cannot lock " + path + ": " + std::strerror(e);
    }
    return nullptr;
  }
  std::unique_ptr<DataDirLock> lock(new DataDirLock(fd, path));
  lock->write_content("");
  return lock;
}

void DataDirLock::write_content(const std::string& url) {
  std::string text = "{\"pid\":" + std::to_string(::getpid());
  if (!url.empty()) text += ",\"url\":\"" + url + "\"";
  text += "}\n";
  // Best effort: on a full disk the lock still holds, only its note is missing.
  if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, text.data(), text.size(), 0) < 0) {
  }
}

void DataDirLock::set_url(const std::string& url) { write_content(url); }

DataDirLock::~DataDirLock() {
  if (::ftruncate(fd_, 0) != 0) {
  }
  ::close(fd_);  // releases the flock
}

bool lock_holder(const std::string& dir, LockHolder& out) {
  int fd = ::open(lock_path(dir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  if (!held) ::flock(fd, LOCK_UN);
  if (held) out = parse(read_all(fd));
  ::close(fd);
  return held;
}

}  // namespace play::store
