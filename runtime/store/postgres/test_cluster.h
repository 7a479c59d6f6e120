// A throwaway PostgreSQL cluster for tests, without root and without
// mocks: initdb into a temporary directory, pg_ctl start listening only on
// a unix socket in that directory, a fresh database per test, and at the
// end pg_ctl stop and the directory removed.
//
// The server binaries are looked for in /usr/lib/postgresql/15/bin, then
// on PATH. PostgreSQL refuses to run as root: when the tests run as root,
// the cluster runs as `nobody` (runuser), owning only its directory.
#pragma once

#include <memory>
#include <string>

namespace play::store::pg {

class TestCluster {
 public:
  // nullptr with `error` when no cluster can be started (no initdb, ...).
  static std::unique_ptr<TestCluster> start(std::string& error);
  // The process's one cluster, started on first use and stopped at exit.
  static TestCluster* shared(std::string& error);
  ~TestCluster();
  TestCluster(const TestCluster&) = delete;
  TestCluster& operator=(const TestCluster&) = delete;

  // A new, empty database: its URL (postgresql:///NAME?host=DIR&user=postgres),
  // "" with `error`.
  std::string create_database(std::string& error);
  const std::string& dir() const { return dir_; }

 private:
  TestCluster() = default;
  std::string run_as_prefix() const;
  std::string dir_, bin_;
  bool as_nobody_ = false;
  bool started_ = false;
  int databases_ = 0;
};

}  // namespace play::store::pg
