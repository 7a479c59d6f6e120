#include "runtime/store/postgres/pg_store.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "runtime/store/postgres/schema.h"

namespace play::store {

namespace {

// Takes `playd_node=NAME` out of the URL's query (libpq refuses parameters
// it does not know).
std::string take_node_param(std::string& url) {
  size_t q = url.find('?');
  if (q == std::string::npos) return "";
  std::string query = url.substr(q + 1), kept, node;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string part = query.substr(start, end - start);
    if (part.rfind("playd_node=", 0) == 0)
      node = part.substr(11);
    else if (!part.empty())
      kept += (kept.empty() ? "" : "&") + part;
    start = end + 1;
  }
  url = url.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  return node;
}

std::string default_node() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(::getpid());
}

}  // namespace

PgStore::PgStore(const std::string& url, const StoreOptions& options)
    : url_(url),
      options_(options),
      health_("/", 0),  // no local disk to watch: the database reports its own
      high_lane_types_(std::make_shared<std::unordered_set<std::string>>(options.high_lane_types)) {
  node_ = take_node_param(url_);
  if (node_.empty()) node_ = default_node();
  {
    Lease c = conn();
    pg::migrate(*c);
    heartbeat(*c);
    // A node of this name that ran before (a restart) evaluates and
    // delivers again what it held when it stopped.
    (*c).exec("UPDATE signals SET claimed_by = NULL WHERE claimed_by = $1 AND evaluated_at_ms IS NULL",
              pg::Params().add(node_));
    context_seen_ = (*c).exec("SELECT COALESCE(MAX(n), 0) FROM context_log").i64(0, 0);
    refresh_lane_stats(*c);
  }
  ingest_thread_ = std::thread([this] { ingest_loop(); });
  background_thread_ = std::thread([this] { background_loop(); });
}

PgStore::~PgStore() {
  {
    std::lock_guard<std::mutex> lock(ingest_mu_);
    stopping_ = true;
  }
  ingest_cv_.notify_all();
  background_cv_.notify_all();
  if (ingest_thread_.joinable()) ingest_thread_.join();
  if (background_thread_.joinable()) background_thread_.join();
  stop_queue();
  health_.wake();
  // A clean stop leaves nothing claimed: another node takes it at once.
  try {
    Lease c = conn();
    (*c).exec("UPDATE signals SET claimed_by = NULL WHERE claimed_by = $1 AND evaluated_at_ms IS NULL",
              pg::Params().add(node_));
    (*c).exec("DELETE FROM nodes WHERE node = $1", pg::Params().add(node_));
  } catch (const StoreError&) {
  }
}

PgStore::Lease::~Lease() {
  if (!s_) return;
  {
    std::lock_guard<std::mutex> lock(s_->pool_mu_);
    --s_->leased_;
    // A broken or confused session is dropped; the next lease connects anew.
    if (c_ && c_->ok() && !c_->in_transaction()) s_->pool_.push_back(std::move(c_));
  }
  s_->pool_cv_.notify_one();
}

PgStore::Lease PgStore::conn() const {
  std::unique_ptr<pg::Conn> c;
  {
    std::unique_lock<std::mutex> lock(pool_mu_);
    pool_cv_.wait(lock, [&] { return leased_ < kMaxConnections; });
    ++leased_;
    if (!pool_.empty()) {
      c = std::move(pool_.back());
      pool_.pop_back();
    }
  }
  Lease lease(this, std::move(c));  // gives the slot back if connecting throws
  if (!lease.has_conn()) lease.set(std::make_unique<pg::Conn>(url_));
  return lease;
}

PgStore::Lease PgStore::begin() const {
  for (int attempt = 0;; ++attempt) {
    Lease c = conn();
    try {
      (*c).exec("BEGIN");
      return c;
    } catch (const StoreError&) {
      if ((*c).ok() || attempt > 0) throw;
      drop_pool();
    }
  }
}

void PgStore::drop_pool() const {
  std::vector<std::unique_ptr<pg::Conn>> dropped;
  std::lock_guard<std::mutex> lock(pool_mu_);
  dropped.swap(pool_);
}

Lane PgStore::lane_of(std::string_view type) const {
  std::shared_ptr<const std::unordered_set<std::string>> types;
  {
    std::lock_guard<std::mutex> lock(lanes_mu_);
    types = high_lane_types_;
  }
  return types->count(std::string(type)) ? Lane::High : Lane::Normal;
}

void PgStore::set_high_lane_types(std::unordered_set<std::string> types) {
  auto next = std::make_shared<const std::unordered_set<std::string>>(std::move(types));
  std::lock_guard<std::mutex> lock(lanes_mu_);
  high_lane_types_ = std::move(next);
}

// ---- the ingest thread: group commit ------------------------------------------

void PgStore::submit(Job job) {
  {
    std::lock_guard<std::mutex> lock(ingest_mu_);
    if (!stopping_) {
      ingest_.push_back(std::move(job));
      ingest_cv_.notify_one();
      return;
    }
  }
  job.done("store: shutting down");
}

void PgStore::ingest_loop() {
  std::unique_ptr<pg::Conn> c;
  for (;;) {
    std::vector<Job> batch;
    {
      std::unique_lock<std::mutex> lock(ingest_mu_);
      ingest_cv_.wait(lock, [&] { return stopping_ || !ingest_.empty(); });
      if (ingest_.empty()) return;
      size_t n = std::min(ingest_.size(), std::max<size_t>(1, options_.max_batch));
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(ingest_.front()));
        ingest_.pop_front();
      }
    }
    std::vector<std::string> errors(batch.size());
    std::string commit_error;
    try {
      if (!c || !c->ok()) c = std::make_unique<pg::Conn>(url_);
      try {
        c->exec("BEGIN");
      } catch (const StoreError&) {
        if (c->ok()) throw;
        c = std::make_unique<pg::Conn>(url_);  // dropped by the server while idle: once more
        c->exec("BEGIN");
      }
      for (size_t i = 0; i < batch.size(); ++i) {
        c->exec("SAVEPOINT job");
        try {
          batch[i].run(*c);
          c->exec("RELEASE SAVEPOINT job");
        } catch (const StoreError& e) {
          if (e.fault != StoreFault::Other) throw;  // the connection: the whole batch fails
          errors[i] = e.what();
          c->exec("ROLLBACK TO SAVEPOINT job");
          c->exec("RELEASE SAVEPOINT job");
        }
      }
      c->exec("COMMIT");
      health_.committed();
    } catch (const StoreError& e) {
      commit_error = e.what();
      if (e.fault != StoreFault::Other) health_.failed(e.fault, e.what());
      if (c && c->ok()) {
        try {
          c->exec("ROLLBACK");
        } catch (...) {
        }
      }
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      std::string e = commit_error.empty() ? errors[i] : commit_error;
      if (e.empty() && batch[i].after) batch[i].after();
      batch[i].done(e);
    }
  }
}

// ---- nodes, health, expiry -------------------------------------------------------

void PgStore::heartbeat(pg::Conn& c) {
  c.exec(
      "INSERT INTO nodes(node, started_ms, heartbeat_ms) VALUES ($1, (extract(epoch FROM "
      "clock_timestamp()) * 1000)::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) ON "
      "CONFLICT (node) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms",
      pg::Params().add(node_));
}

void PgStore::background_loop() {
  auto next_beat = std::chrono::steady_clock::now();
  int64_t next_sweep = now_ms(), last_sweep = next_sweep;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(ingest_mu_);
      int64_t tick = std::clamp<int64_t>(options_.sweep_interval_ms, 20, 250);
      background_cv_.wait_for(lock, std::chrono::milliseconds(tick), [&] { return stopping_; });
      if (stopping_) return;
    }
    try {
      if (std::chrono::steady_clock::now() >= next_beat) {
        next_beat = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        write([&](pg::Conn& c) { heartbeat(c); });  // also the degraded store's probe
        read([&](pg::Conn& c) { refresh_lane_stats(c); });
        notify_local();  // signals of other nodes' ingestion (until LISTEN/NOTIFY)
      }
      // A clock set back (a simulated clock) sweeps at once too.
      int64_t now = now_ms();
      if ((now >= next_sweep || now < last_sweep) && health_.writable()) {
        write([&](pg::Conn& c) { sweep(c); });
        last_sweep = now;
        next_sweep = now + options_.sweep_interval_ms;
      }
    } catch (const StoreError&) {
      // write() reported it to health; the next tick retries
    }
  }
}

void PgStore::sweep(pg::Conn& c) {
  int64_t now = now_ms();
  int64_t cutoff = now - options_.trace_ttl_ms;
  int64_t history_cutoff = now - options_.history_ttl_ms;
  pg::Params p1 = pg::Params().add(now), pc = pg::Params().add(cutoff), ph = pg::Params().add(history_cutoff);
  c.exec("DELETE FROM seen_signals WHERE expires_at_ms < $1", p1);
  c.exec("DELETE FROM signals WHERE evaluated_at_ms IS NOT NULL AND evaluated_at_ms < $1", pc);
  c.exec("DELETE FROM outcomes WHERE at_ms < $1", pc);
  c.exec(
      "DELETE FROM attempts WHERE key IN (SELECT key FROM actions WHERE status IN "
      "('sent','cancelled','shadow') "
      "AND created_at_ms < $1)",
      pc);
  c.exec("DELETE FROM actions WHERE status IN ('sent','cancelled','shadow') AND created_at_ms < $1", pc);
  c.exec("DELETE FROM review_queue WHERE status = 'done' AND done_at_ms < $1", pc);
  c.exec("DELETE FROM history WHERE hour_ms < $1", ph);
  c.exec("DELETE FROM history_latency WHERE hour_ms < $1", ph);
  c.exec("DELETE FROM alerts WHERE state != 'firing' AND until_ms < $1", ph);
  // Every node reads the context log within seconds; an hour is plenty.
  c.exec("DELETE FROM context_log WHERE at_ms < $1", pg::Params().add(now - kHourMs));
  c.exec(
      "DELETE FROM nodes WHERE heartbeat_ms < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - "
      "$1::bigint",
      pg::Params().add(int64_t(24) * kHourMs));
}

// ---- the lanes: claims ----------------------------------------------------------

void PgStore::notify_local() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    ++queue_epoch_;
  }
  queue_cv_.notify_all();
}

void PgStore::stop_queue() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    queue_stopped_ = true;
  }
  queue_cv_.notify_all();
}

// Free: never claimed, or claimed by a node that is gone (no heartbeat for
// kDeadAfterMs). Taken in lane order, then arrival; rows another node is
// claiming right now are skipped, not waited for.
//
// Per-account order across nodes: a signal is taken only when no earlier
// signal of its account (account_key) still queued is claimed by another
// node, or waits in a lane taken after its own (it would come later). So
// two signals of one account are never evaluated by two nodes at once,
// nor out of order, and a node takes a run of one account's signals in
// one batch. A node claiming an account holds a transaction-scoped
// advisory lock on it, and the others skip the account meanwhile: without
// it, a claim could skip a row another claim has locked and take the
// signal after it.
constexpr const char* kClaim =
    "UPDATE signals s SET claimed_by = $1 FROM ("
    "SELECT seq FROM signals q WHERE evaluated_at_ms IS NULL "
    "AND (claimed_by IS NULL OR NOT EXISTS (SELECT 1 FROM nodes n WHERE n.node = q.claimed_by "
    "AND n.heartbeat_ms >= (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $2::bigint)) "
    "AND (q.account_key IS NULL OR (NOT EXISTS (SELECT 1 FROM signals e WHERE e.account_key = q.account_key "
    "AND e.evaluated_at_ms IS NULL AND e.seq < q.seq "
    "AND ((e.claimed_by IS NOT NULL AND e.claimed_by <> $1) OR (e.claimed_by IS NULL AND e.lane > q.lane))) "
    "AND pg_try_advisory_xact_lock(hashtextextended('account' || chr(31) || q.account_key, 0)))) "
    "ORDER BY lane, seq LIMIT $3 FOR UPDATE SKIP LOCKED) c WHERE s.seq = c.seq "
    "RETURNING s.seq, s.id, s.type, s.lane, s.received_at_ms, s.occurred_at_ms, s.envelope";

// Claims are serialized across nodes (a transaction-scoped lock, held for
// one short statement): under READ COMMITTED the claim's snapshot is taken
// when its statement starts, and a claim that committed after it would be
// invisible to its order check -- a node could take an account's later
// signal while another holds an earlier one. After the lock, the snapshot
// holds every claim made before.
constexpr const char* kClaimLock = "SELECT pg_advisory_xact_lock(hashtextextended('playd claims', 0))";

pg::Result PgStore::claim(size_t max) {
  return write([&](pg::Conn& c) {
    c.exec(kClaimLock);
    // The set these signals must be evaluated with: the qualifier takes it
    // up before it evaluates them (a reload on another node).
    pg::Result set = c.exec("SELECT version FROM play_set_current");
    if (set.rows()) set_current_play_set(set.str(0, 0));
    return c.exec(kClaim, pg::Params().add(node_).add(kDeadAfterMs).add(int64_t(max)));
  });
}

bool PgStore::take_signals(size_t max, std::vector<QueuedSignal>& out, int64_t wait_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<int64_t>(wait_ms, 0));
  for (;;) {
    uint64_t epoch;
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      if (queue_stopped_) return false;
      epoch = queue_epoch_;
    }
    pg::Result r;
    try {
      r = claim(max);
    } catch (const StoreError&) {
      // The database is unreachable (write() reported it to health): the
      // signals wait where they are; the caller asks again.
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait_until(lock, deadline, [&] { return queue_stopped_; });
      return false;
    }
    if (r.rows() > 0) {
      std::vector<QueuedSignal> got;
      for (int i = 0; i < r.rows(); ++i) {
        QueuedSignal q;
        q.seq = r.i64(i, 0);
        q.id = r.str(i, 1);
        q.type = r.str(i, 2);
        q.lane = Lane(r.i64(i, 3));
        q.received_at_ms = r.i64(i, 4);
        q.occurred_at_ms = r.i64(i, 5);
        q.envelope = r.str(i, 6);
        got.push_back(std::move(q));
      }
      std::sort(got.begin(), got.end(), [](const QueuedSignal& a, const QueuedSignal& b) {
        return a.lane != b.lane ? a.lane < b.lane : a.seq < b.seq;
      });
      for (auto& q : got) out.push_back(std::move(q));
      return true;
    }
    std::unique_lock<std::mutex> lock(queue_mu_);
    // Woken by this node's ingestion or the heartbeat; polled at least every 50 ms.
    auto until = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
    queue_cv_.wait_until(lock, until, [&] { return queue_stopped_ || queue_epoch_ != epoch; });
    if (queue_stopped_ || std::chrono::steady_clock::now() >= deadline) return false;
  }
}

void PgStore::refresh_lane_stats(pg::Conn& c) const {
  pg::Result r = c.exec(
      "SELECT lane, count(*), MIN(received_at_ms) FROM signals WHERE evaluated_at_ms IS NULL GROUP BY lane");
  LaneStats stats[kLaneCount];
  uint64_t total = 0;
  for (int i = 0; i < r.rows(); ++i) {
    int64_t lane = r.i64(i, 0);
    if (lane < 0 || lane >= kLaneCount) continue;
    stats[lane].depth = uint64_t(r.i64(i, 1));
    stats[lane].oldest_received_at_ms = r.i64(i, 2);
    total += stats[lane].depth;
  }
  std::lock_guard<std::mutex> lock(stats_mu_);
  for (int l = 0; l < kLaneCount; ++l) lane_stats_[l] = stats[l];
  queued_ = total;
}

// Read now; while the database is unreachable, the last counts read.
LaneStats PgStore::lane_stats(Lane lane) const {
  try {
    read([&](pg::Conn& c) { refresh_lane_stats(c); });
  } catch (const StoreError&) {
  }
  std::lock_guard<std::mutex> lock(stats_mu_);
  return lane_stats_[int(lane)];
}

// Read on qualification's thread before each batch: a failure (the
// database unreachable) hands out nothing now, and the same upserts at the
// next call.
std::vector<ContextUpsert> PgStore::take_context() {
  std::lock_guard<std::mutex> lock(context_mu_);
  try {
    return take_context_locked();
  } catch (const StoreError&) {
    return {};
  }
}

std::vector<ContextUpsert> PgStore::take_context_locked() {
  constexpr int64_t kContextGapMs = 10000;
  constexpr size_t kMaxGaps = 10000;
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  std::erase_if(context_gaps_, [&](const auto& g) { return now - g.second > kContextGapMs; });
  std::string gaps = "{";
  for (const auto& [n, at] : context_gaps_) gaps += (gaps.size() > 1 ? "," : "") + std::to_string(n);
  gaps += '}';
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec(
        "SELECT n, entity, key, fields FROM context_log WHERE n > $1 OR n = ANY($2::bigint[]) ORDER BY n",
        pg::Params().add(context_seen_).add(gaps));
    std::vector<ContextUpsert> out;
    for (int i = 0; i < r.rows(); ++i) {
      int64_t n = r.i64(i, 0);
      if (n > context_seen_) {
        for (int64_t m = context_seen_ + 1; m < n && context_gaps_.size() < kMaxGaps; ++m)
          context_gaps_.emplace(m, now);
        context_seen_ = n;
      } else {
        context_gaps_.erase(n);
      }
      out.push_back({Entity(r.i64(i, 1)), r.str(i, 2), r.str(i, 3)});
    }
    return out;
  });
}

}  // namespace play::store
