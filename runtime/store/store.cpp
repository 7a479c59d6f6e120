#include "runtime/store/store.h"

#include <cctype>
#include <future>
#include <map>
#include <memory>

#include "runtime/store/database.h"

namespace play::store {

const char* lane_name(Lane lane) { return lane == Lane::High ? "high" : "normal"; }

std::unique_ptr<Store> Store::open(const std::string& dir, const StoreOptions& options, std::string& error) {
  std::unique_ptr<Store> s(new Store());
  s->options_ = options;
  try {
    s->db_ = std::make_unique<Database>(dir, options);
    s->db_->read([&](Sql& sql) {
      Stmt& st = sql.prepare("SELECT COALESCE(MAX(seq), 0) FROM signals");
      if (st.step()) s->next_seq_ = st.i64(0) + 1;
      st.reset();
    });
  } catch (const StoreError& e) {
    error = e.what();
    return nullptr;
  }
  return s;
}

Store::~Store() = default;

namespace {
struct EnqueueCall {
  std::vector<IncomingSignal> signals;
  std::vector<Enqueued> result;
  std::vector<QueuedSignal> accepted;
};
std::string what(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "store: unknown error";
  }
}
}  // namespace

void Store::enqueue_signals_async(std::vector<IncomingSignal> signals, EnqueueDone done) {
  auto call = std::make_shared<EnqueueCall>();
  call->signals = std::move(signals);
  int64_t now = now_ms();
  db_->write_async(
      [this, call, now](Sql& sql) {
        call->accepted.clear();
        call->result.assign(call->signals.size(), Enqueued::Duplicate);
        int64_t seq = next_seq_;
        for (size_t i = 0; i < call->signals.size(); ++i) {
          IncomingSignal& in = call->signals[i];
          // A repeat id is a duplicate unless its earlier record has expired.
          sql.prepare(
                 "INSERT INTO seen_signals(id, seq, expires_at_ms) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO "
                 "UPDATE "
                 "SET seq = excluded.seq, expires_at_ms = excluded.expires_at_ms WHERE "
                 "seen_signals.expires_at_ms < ?4")
              .bind(1, in.id)
              .bind(2, seq)
              .bind(3, now + options_.dedup_ttl_ms)
              .bind(4, now)
              .run();
          if (sql.changes() == 0) continue;
          QueuedSignal q;
          q.seq = seq++;
          q.id = in.id;
          q.lane = options_.high_lane_types.count(in.type) ? Lane::High : Lane::Normal;
          q.received_at_ms = in.received_at_ms ? in.received_at_ms : now;
          q.occurred_at_ms = in.occurred_at_ms;
          sql.prepare(
                 "INSERT INTO signals(seq, id, type, lane, received_at_ms, occurred_at_ms, envelope) VALUES "
                 "(?, ?, ?, ?, ?, ?, ?)")
              .bind(1, q.seq)
              .bind(2, in.id)
              .bind(3, in.type)
              .bind(4, int64_t(q.lane))
              .bind(5, q.received_at_ms)
              .bind(6, q.occurred_at_ms)
              .bind(7, in.envelope)
              .run();
          q.envelope = in.envelope;
          call->result[i] = Enqueued::Accepted;
          call->accepted.push_back(std::move(q));
        }
        next_seq_ = seq;  // only reached when the job succeeded
      },
      [this, call] {
        accepted_ += call->accepted.size();
        duplicates_ += call->signals.size() - call->accepted.size();
        db_->push_queued(std::move(call->accepted));
      },
      [call, done = std::move(done)](std::exception_ptr e) {
        if (e)
          done({}, what(e));
        else
          done(std::move(call->result), "");
      });
}

std::vector<Enqueued> Store::enqueue_signals(std::vector<IncomingSignal> signals) {
  std::promise<std::pair<std::vector<Enqueued>, std::string>> p;
  auto f = p.get_future();
  enqueue_signals_async(std::move(signals), [&p](std::vector<Enqueued> r, std::string error) {
    p.set_value({std::move(r), std::move(error)});
  });
  auto [r, error] = f.get();
  if (!error.empty()) throw StoreError(error);
  return r;
}

static std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void Store::upsert_context_async(std::vector<ContextUpsert> upserts,
                                 std::function<void(std::string error)> done) {
  int64_t now = now_ms();
  for (auto& u : upserts) u.key = lower(std::move(u.key));
  auto call = std::make_shared<std::vector<ContextUpsert>>(std::move(upserts));
  db_->write_async(
      [call, now](Sql& sql) {
        for (const auto& u : *call) {
          // json_patch merges: fields present replace, others are kept.
          const char* q =
              u.entity == Entity::Account
                  ? "INSERT INTO accounts(domain, fields, updated_at_ms) VALUES (?1, json(?2), ?3) ON "
                    "CONFLICT(domain) DO UPDATE SET fields = json_patch(fields, excluded.fields), "
                    "updated_at_ms = excluded.updated_at_ms"
                  : "INSERT INTO contacts(email, fields, updated_at_ms) VALUES (?1, json(?2), ?3) ON "
                    "CONFLICT(email) DO UPDATE SET fields = json_patch(fields, excluded.fields), "
                    "updated_at_ms = excluded.updated_at_ms";
          sql.prepare(q).bind(1, u.key).bind(2, u.fields_json).bind(3, now).run();
        }
      },
      [this, call] { db_->push_context(std::move(*call)); },
      [done = std::move(done)](std::exception_ptr e) { done(e ? what(e) : std::string()); });
}

void Store::upsert_context(std::vector<ContextUpsert> upserts) {
  std::promise<std::string> p;
  auto f = p.get_future();
  upsert_context_async(std::move(upserts), [&p](std::string error) { p.set_value(std::move(error)); });
  std::string error = f.get();
  if (!error.empty()) throw StoreError(error);
}

void Store::record_play_set(const std::string& version, const std::vector<std::string>& play_names) {
  std::string names = "[";
  for (size_t i = 0; i < play_names.size(); ++i) {
    if (i) names += ',';
    names += '"' + play_names[i] + '"';  // play names are identifiers: nothing to escape
  }
  names += ']';
  int64_t now = now_ms();
  db_->write([&](Sql& sql) {
    sql.prepare(
           "INSERT INTO play_sets(version, plays, names, first_loaded_at_ms, last_loaded_at_ms) VALUES "
           "(?1, ?2, ?3, ?4, ?4) ON CONFLICT(version) DO UPDATE SET last_loaded_at_ms = "
           "excluded.last_loaded_at_ms")
        .bind(1, version)
        .bind(2, int64_t(play_names.size()))
        .bind(3, names)
        .bind(4, now)
        .run();
  });
}

Store::ReplayResult Store::replay(const ReplayFilter& f) {
  ReplayResult result;
  std::vector<QueuedSignal> requeued;
  auto select = [&](Sql& sql) {
    result = {};
    requeued.clear();
    std::map<std::string, uint64_t> by_set;
    Stmt& st = sql.prepare(
        "SELECT seq, id, type, received_at_ms, occurred_at_ms, envelope, COALESCE(play_set, '') FROM signals "
        "WHERE evaluated_at_ms IS NOT NULL AND received_at_ms >= ?1 AND received_at_ms < ?2 AND (?3 = '' OR "
        "play_set = ?3) ORDER BY seq");
    st.bind(1, f.since_ms).bind(2, f.until_ms).bind(3, f.play_set);
    while (st.step()) {
      QueuedSignal q;
      q.seq = st.i64(0);
      q.id = st.text(1);
      q.lane = options_.high_lane_types.count(std::string(st.text(2))) ? Lane::High : Lane::Normal;
      q.received_at_ms = st.i64(3);
      q.occurred_at_ms = st.i64(4);
      q.envelope = st.text(5);
      by_set[std::string(st.text(6))]++;
      requeued.push_back(std::move(q));
    }
    st.reset();
    result.signals = requeued.size();
    result.by_play_set.assign(by_set.begin(), by_set.end());
  };
  if (f.dry_run) {
    db_->read(select);
    return result;
  }
  db_->write(
      [&](Sql& sql) {
        select(sql);
        for (const auto& q : requeued) {
          sql.prepare("UPDATE signals SET evaluated_at_ms = NULL, play_set = NULL WHERE seq = ?")
              .bind(1, q.seq)
              .run();
          sql.prepare("DELETE FROM outcomes WHERE signal_id = ?").bind(1, q.id).run();
        }
      },
      [&] { db_->push_queued(std::move(requeued)); });
  return result;
}

bool Store::overloaded() const { return db_->queued() >= options_.max_queue_depth; }
bool Store::accepting_signals() { return db_->health().accepting(); }
StoreHealth Store::health() { return db_->health().snapshot(); }
bool Store::wait_writable(const std::atomic<bool>* stop, int64_t max_ms) {
  return db_->health().wait_writable(stop, max_ms);
}
bool Store::writable() const { return db_->health().writable(); }

int Store::retry_after_seconds() const { return 1; }

LaneStats Store::lane_stats(Lane lane) const { return db_->lane_stats(lane); }
uint64_t Store::signals_accepted() const { return accepted_; }
uint64_t Store::duplicate_signals() const { return duplicates_; }

}  // namespace play::store
