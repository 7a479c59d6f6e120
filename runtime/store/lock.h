// One playd per data directory. Two processes on one embedded store both
// started and delivered almost every action twice; the store is embedded,
// so the process is the unit of ownership: `DIR/playd.lock`, held with an
// exclusive flock() for the life of the process (the kernel releases it
// when the process dies, kill -9 included, so a stale file never blocks a
// restart). The file says who holds it -- pid, and the URL it serves once
// listening -- so a second playd can name the holder, and the `playd`
// CLI's admin commands can go through the running service instead of
// writing behind its back.
#pragma once

#include <memory>
#include <string>

namespace play::store {

class DataDirLock {
 public:
  // Takes DIR/playd.lock (creating DIR if needed). nullptr with `error`
  // ("data directory data is in use by another playd (pid 4242)...") when
  // another process holds it.
  static std::unique_ptr<DataDirLock> acquire(const std::string& dir, std::string& error);
  ~DataDirLock();  // releases (the file stays; its content is cleared)
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  // Rewrites what the file says about the holder: {"pid":N,"url":"http://..."}.
  void set_url(const std::string& url);

 private:
  DataDirLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  void write_content(const std::string& url);
  int fd_;
  std::string path_;
};

struct LockHolder {
  long pid = 0;
  std::string url;  // "" until the holder listens
};
// True when a process holds DIR's lock now, with what its file says.
bool lock_holder(const std::string& dir, LockHolder& out);

}  // namespace play::store
