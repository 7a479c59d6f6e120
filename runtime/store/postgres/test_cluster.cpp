#include "runtime/store/postgres/test_cluster.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace play::store::pg {

namespace fs = std::filesystem;

namespace {

std::string find_bin() {
  for (const char* d :
       {"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"})
    if (fs::exists(fs::path(d) / "initdb") && fs::exists(fs::path(d) / "pg_ctl")) return d;
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string d;
  while (std::getline(ss, d, ':'))
    if (!d.empty() && fs::exists(fs::path(d) / "initdb") && fs::exists(fs::path(d) / "pg_ctl")) return d;
  return "";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string TestCluster::run_as_prefix() const { return as_nobody_ ? "runuser -u nobody -- " : ""; }

std::unique_ptr<TestCluster> TestCluster::start(std::string& error) {
  std::unique_ptr<TestCluster> c(new TestCluster);
  c->bin_ = find_bin();
  if (c->bin_.empty()) {
    error = "no PostgreSQL server binaries (initdb, pg_ctl): install postgresql-15";
    return nullptr;
  }
  char tmpl[] = "/tmp/playd_pg_XXXXXX";  // short: the socket path must fit sun_path
  if (!::mkdtemp(tmpl)) {
    error = "mkdtemp failed";
    return nullptr;
  }
  c->dir_ = tmpl;
  if (::geteuid() == 0) {
    struct passwd* nobody = ::getpwnam("nobody");
    if (!nobody || ::chown(c->dir_.c_str(), nobody->pw_uid, nobody->pw_gid) != 0) {
      error = "running as root, and cannot hand " + c->dir_ + " to nobody";
      return nullptr;
    }
    c->as_nobody_ = true;
  }
  std::string log = c->dir_ + "/setup.log";
  std::string initdb = c->run_as_prefix() + c->bin_ + "/initdb -D " + c->dir_ +
                       "/data -A trust -U postgres --no-sync -E UTF8 --locale=C >" + log + " 2>&1";
  if (std::system(initdb.c_str()) != 0) {
    error = "initdb failed: " + slurp(log);
    return nullptr;
  }
  // Durability across a crash of the machine is not what these tests are
  // about (a process that dies is): fsync off keeps them fast.
  std::string start = c->run_as_prefix() + c->bin_ + "/pg_ctl -D " + c->dir_ + "/data -w -l " + c->dir_ +
                      "/server.log -o \"-k " + c->dir_ +
                      " -c listen_addresses='' -c fsync=off -c full_page_writes=off -c "
                      "synchronous_commit=off -c max_connections=200\" start >>" +
                      log + " 2>&1";
  if (std::system(start.c_str()) != 0) {
    error = "pg_ctl start failed: " + slurp(log) + slurp(c->dir_ + "/server.log");
    return nullptr;
  }
  c->started_ = true;
  return c;
}

TestCluster* TestCluster::shared(std::string& error) {
  static std::string start_error;
  static std::unique_ptr<TestCluster> cluster = start(start_error);
  if (!cluster) error = start_error;
  return cluster.get();
}

TestCluster::~TestCluster() {
  if (started_) {
    std::string stop =
        run_as_prefix() + bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1";
    if (std::system(stop.c_str()) != 0) {
    }
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string TestCluster::create_database(std::string& error) {
  std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
  std::string admin = "postgresql:///postgres?host=" + dir_ + "&user=postgres";
  PGconn* c = PQconnectdb(admin.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
    PQfinish(c);
    return "";
  }
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) error = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  return ok ? "postgresql:///" + name + "?host=" + dir_ + "&user=postgres" : "";
}

}  // namespace play::store::pg
