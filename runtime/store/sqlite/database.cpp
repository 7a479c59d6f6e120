#include "runtime/store/sqlite/database.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <future>

#include "runtime/store/sqlite/schema.h"

namespace play::store {

struct Database::Pending {
  Job job;
  AfterCommit after;
  std::promise<void> done;
  Done callback;  // write_async: instead of `done`
};

static std::string pragma_synchronous(const std::string& s) {
  if (s == "FULL" || s == "NORMAL" || s == "OFF" || s == "EXTRA") return "PRAGMA synchronous=" + s;
  throw StoreError("store: synchronous must be FULL, NORMAL, EXTRA or OFF, got '" + s + "'");
}

static std::string create_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw StoreError("store: cannot create data directory " + dir + ": " + ec.message());
  return dir;
}

Database::Database(const std::string& dir, const StoreOptions& options)
    : options_(options), health_(create_dir(dir), options.min_free_bytes) {
  std::string path = (std::filesystem::path(dir) / "playd.db").string();
  writer_sql_ = std::make_unique<Sql>(path, false);
  check_integrity(*writer_sql_, path);
  writer_sql_->exec("PRAGMA journal_mode=WAL");
  writer_sql_->exec(pragma_synchronous(options_.synchronous).c_str());
  writer_sql_->exec("PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536");
  migrate(*writer_sql_);
  reader_ = std::make_unique<Sql>(path, true);
  load_queue();
  probe();  // a restart on a full disk starts degraded, not "ok" until the first write fails
  next_sweep_ms_ = now_ms();  // sweep once soon after start
  writer_ = std::thread([this] { writer_loop(); });
}

// A damaged database must not be acknowledged into: before this check,
// playd started, said healthy, acknowledged signals and then failed at its
// first commit touching the damaged pages. quick_check reads every page
// (not the index cross-checks of integrity_check), bounded in time so a
// very large store still starts.
void Database::check_integrity(Sql& sql, const std::string& path) {
  if (options_.integrity_check_ms <= 0) return;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.integrity_check_ms);
  sqlite3_progress_handler(
      sql.handle(), 10000,
      [](void* d) { return std::chrono::steady_clock::now() > *static_cast<decltype(deadline)*>(d) ? 1 : 0; },
      &deadline);
  std::string problems;
  int lines = 0;
  bool interrupted = false;
  try {
    Stmt& st = sql.prepare("PRAGMA quick_check(20)");
    while (st.step()) {
      std::string_view line = st.text(0);
      if (line == "ok") continue;
      if (lines++ < 3) problems += (problems.empty() ? "" : "; ") + std::string(line);
    }
  } catch (const StoreError& e) {
    if (sqlite3_errcode(sql.handle()) == SQLITE_INTERRUPT)
      interrupted = true;
    else
      problems = e.what();
  }
  sqlite3_progress_handler(sql.handle(), 0, nullptr, nullptr);
  if (interrupted)
    std::fprintf(stderr, "playd: warning: the store's integrity check did not finish in %lld ms; skipped\n",
                 (long long)options_.integrity_check_ms);
  if (!problems.empty())
    throw StoreError(
        "store: " + path + " is damaged (" + problems +
            "); playd does not run on a damaged store. See docs/operations.md, \"Recovering a damaged "
            "store\"",
        StoreFault::Corrupt);
}

Database::~Database() {
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    stopping_ = true;
  }
  write_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  stop_queue();
  health_.wake();
}

void Database::write(Job job, AfterCommit after) {
  Pending p{std::move(job), std::move(after), {}, {}};
  std::future<void> f = p.done.get_future();
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    if (stopping_) throw StoreError("store: shutting down");
    pending_.push_back(&p);
  }
  write_cv_.notify_one();
  f.get();
}

void Database::write_async(Job job, AfterCommit after, Done done) {
  auto* p = new Pending{std::move(job), std::move(after), {}, std::move(done)};
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    if (stopping_) {
      Done cb = std::move(p->callback);
      delete p;
      cb(std::make_exception_ptr(StoreError("store: shutting down")));
      return;
    }
    pending_.push_back(p);
  }
  write_cv_.notify_one();
}

void Database::writer_loop() {
  Sql& sql = *writer_sql_;
  std::vector<Pending*> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(write_mu_);
      write_cv_.wait_for(lock, std::chrono::milliseconds(500),
                         [&] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) {
        if (stopping_) return;
        lock.unlock();
        idle(sql);
        continue;
      }
      size_t n = std::min(pending_.size(), std::max<size_t>(1, options_.max_batch));
      batch.assign(pending_.begin(), pending_.begin() + long(n));
      pending_.erase(pending_.begin(), pending_.begin() + long(n));
    }
    commit_batch(sql, batch);
  }
}

// One group commit: every job in its own savepoint, one COMMIT (one fsync).
// A failure that is the store's own (disk full, I/O, damage) degrades it;
// a commit with a write in it after such a failure recovers it.
void Database::commit_batch(Sql& sql, std::vector<Pending*>& batch) {
  std::vector<std::exception_ptr> errors(batch.size());
  std::exception_ptr commit_error;
  bool wrote = false;
  auto report = [&](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const StoreError& x) {
      health_.failed(x.fault, x.what());
    } catch (...) {
    }
  };
  try {
    // Prepared once and reused: sqlite3_exec parsed these four statements
    // again for every job of every group commit, on the one writer thread.
    sql.prepare("BEGIN IMMEDIATE").run();
    for (size_t i = 0; i < batch.size(); ++i) {
      sql.prepare("SAVEPOINT job").run();
      try {
        batch[i]->job(sql);
        sql.prepare("RELEASE job").run();
        wrote = true;
      } catch (...) {
        errors[i] = std::current_exception();
        report(errors[i]);
        sql.prepare("ROLLBACK TO job").run();
        sql.prepare("RELEASE job").run();
      }
    }
    sql.prepare("COMMIT").run();
  } catch (...) {
    commit_error = std::current_exception();
    report(commit_error);
    try {
      sql.exec("ROLLBACK");
    } catch (...) {
    }
  }
  if (!commit_error && wrote) health_.committed();
  for (size_t i = 0; i < batch.size(); ++i) {
    Pending* p = batch[i];
    std::exception_ptr e = commit_error ? commit_error : errors[i];
    if (!e && p->after) {
      try {
        p->after();
      } catch (...) {
        e = std::current_exception();
      }
    }
    if (p->callback) {
      Done cb = std::move(p->callback);
      delete p;
      cb(e);
    } else if (e) {
      p->done.set_exception(e);
    } else {
      p->done.set_value();
    }
  }
}

// Between writes: expire old rows now and then, and while the store is
// degraded, probe once a second with a one-row write: when it commits,
// space (or the device) is back and the store recovers by itself.
void Database::idle(Sql& sql) {
  int64_t now = now_ms();
  if (!health_.writable() && health_.snapshot().state != StoreState::Corrupt && now >= next_probe_ms_) {
    next_probe_ms_ = now + 1000;
    probe();
    return;
  }
  if (now >= next_sweep_ms_ && health_.writable()) {
    try {
      sweep(sql);
    } catch (const StoreError& e) {
      health_.failed(e.fault, e.what());  // a failed sweep only delays expiry; the next one retries
    }
    next_sweep_ms_ = now_ms() + options_.sweep_interval_ms;
  }
}

// A one-row write: whether the store can commit now (at open, and while
// degraded, once a second from the writer thread).
void Database::probe() {
  Sql& sql = *writer_sql_;
  try {
    sql.exec("BEGIN IMMEDIATE");
    sql.prepare("INSERT OR REPLACE INTO store_probe(id, at_ms) VALUES (1, ?)").bind(1, now_ms()).run();
    sql.exec("COMMIT");
    health_.committed();
  } catch (const StoreError& e) {
    try {
      sql.exec("ROLLBACK");
    } catch (...) {
    }
    health_.failed(e.fault, e.what());
  }
}

void Database::sweep(Sql& sql) {
  int64_t now = now_ms();
  int64_t cutoff = now - options_.trace_ttl_ms;
  sql.exec("BEGIN IMMEDIATE");
  try {
    sql.prepare("DELETE FROM seen_signals WHERE expires_at_ms < ?").bind(1, now).run();
    sql.prepare("DELETE FROM signals WHERE evaluated_at_ms IS NOT NULL AND evaluated_at_ms < ?")
        .bind(1, cutoff)
        .run();
    sql.prepare("DELETE FROM outcomes WHERE at_ms < ?").bind(1, cutoff).run();
    sql.prepare(
           "DELETE FROM attempts WHERE key IN (SELECT key FROM actions WHERE status IN "
           "('sent','cancelled','shadow') "
           "AND created_at_ms < ?)")
        .bind(1, cutoff)
        .run();
    sql.prepare("DELETE FROM actions WHERE status IN ('sent','cancelled','shadow') AND created_at_ms < ?")
        .bind(1, cutoff)
        .run();
    sql.prepare("DELETE FROM review_queue WHERE status = 'done' AND done_at_ms < ?").bind(1, cutoff).run();
    int64_t history_cutoff = now - options_.history_ttl_ms;
    sql.prepare("DELETE FROM history WHERE hour_ms < ?").bind(1, history_cutoff).run();
    sql.prepare("DELETE FROM history_latency WHERE hour_ms < ?").bind(1, history_cutoff).run();
    sql.prepare("DELETE FROM alerts WHERE state != 'firing' AND until_ms < ?").bind(1, history_cutoff).run();
    sql.exec("COMMIT");
  } catch (...) {
    sql.exec("ROLLBACK");
    throw;
  }
}

void Database::load_queue() {
  Stmt& s = writer_sql_->prepare(
      "SELECT seq, id, type, received_at_ms, occurred_at_ms, envelope FROM signals WHERE evaluated_at_ms IS "
      "NULL "
      "ORDER BY seq");
  std::lock_guard<std::mutex> lock(queue_mu_);
  while (s.step()) {
    QueuedSignal q;
    q.seq = s.i64(0);
    q.id = s.text(1);
    // The lane is recomputed from the current plays: a restart with new
    // plays puts each waiting signal where the new plays say.
    q.type = s.text(2);
    q.lane = options_.high_lane_types.count(q.type) ? Lane::High : Lane::Normal;
    q.received_at_ms = s.i64(3);
    q.occurred_at_ms = s.i64(4);
    q.envelope = s.text(5);
    lanes_[int(q.lane)].push_back(std::move(q));
  }
  s.reset();
}

void Database::push_queued(std::vector<QueuedSignal> signals) {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    for (auto& q : signals) lanes_[int(q.lane)].push_back(std::move(q));
  }
  queue_cv_.notify_all();
}

bool Database::take_signals(size_t max, std::vector<QueuedSignal>& out, int64_t wait_ms) {
  std::unique_lock<std::mutex> lock(queue_mu_);
  auto any = [&] { return queue_stopped_ || !lanes_[0].empty() || !lanes_[1].empty(); };
  queue_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), any);
  size_t before = out.size();
  // High lane first: a normal-lane signal is taken only when no high one waits.
  for (int l = 0; l < kLaneCount && out.size() - before < max; ++l) {
    auto& lane = lanes_[l];
    while (!lane.empty() && out.size() - before < max) {
      in_flight_[l].emplace_back(lane.front().seq, lane.front().received_at_ms);
      out.push_back(std::move(lane.front()));
      lane.pop_front();
    }
  }
  return out.size() > before;
}

void Database::done_signals(const std::vector<QueuedSignal>& signals) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  for (const auto& q : signals) {
    auto& f = in_flight_[int(q.lane)];
    for (auto it = f.begin(); it != f.end(); ++it)
      if (it->first == q.seq) {
        f.erase(it);
        break;
      }
  }
}

LaneStats Database::lane_stats(Lane lane) const {
  std::lock_guard<std::mutex> lock(queue_mu_);
  const auto& q = lanes_[int(lane)];
  const auto& f = in_flight_[int(lane)];
  LaneStats s;
  s.depth = q.size() + f.size();
  if (!f.empty())
    s.oldest_received_at_ms = f.front().second;
  else if (!q.empty())
    s.oldest_received_at_ms = q.front().received_at_ms;
  return s;
}

uint64_t Database::queued() const {
  std::lock_guard<std::mutex> lock(queue_mu_);
  uint64_t n = 0;
  for (int l = 0; l < kLaneCount; ++l) n += lanes_[l].size() + in_flight_[l].size();
  return n;
}

void Database::push_context(std::vector<ContextUpsert> upserts) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  for (auto& u : upserts) context_.push_back(std::move(u));
}

std::vector<ContextUpsert> Database::take_context() {
  std::lock_guard<std::mutex> lock(queue_mu_);
  std::vector<ContextUpsert> out;
  out.swap(context_);
  return out;
}

void Database::stop_queue() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    queue_stopped_ = true;
  }
  queue_cv_.notify_all();
}

}  // namespace play::store
