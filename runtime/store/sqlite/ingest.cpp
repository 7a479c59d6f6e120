// Ingestion's writes: signals (with dedup) and context upserts, each call
// in the writer's next group commit.
#include <cctype>
#include <memory>

#include "runtime/store/sqlite/sqlite_store.h"

namespace play::store {

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

void SqliteStore::enqueue_signals_async(std::vector<IncomingSignal> signals, EnqueueDone done) {
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
          q.lane = lane_of(in.type);
          q.received_at_ms = in.received_at_ms ? in.received_at_ms : now;
          q.occurred_at_ms = in.occurred_at_ms;
          q.type = in.type;
          sql.prepare(
                 "INSERT INTO signals(seq, id, type, lane, received_at_ms, occurred_at_ms, envelope) VALUES "
                 "(?, ?, ?, ?, ?, ?, ?)")
              .bind(1, q.seq)
              .bind(2, in.id)
              .bind(3, in.type)
              .bind(4, int64_t(q.lane))
              .bind(5, q.received_at_ms)
              .bind(6, q.occurred_at_ms)
              .bind_static(7, in.envelope)
              .run();
          // The row is written: the queue mirror takes the envelope itself
          // (this job runs once; a failure fails the whole call).
          q.envelope = std::move(in.envelope);
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

static std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void SqliteStore::upsert_context_async(std::vector<ContextUpsert> upserts,
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

}  // namespace play::store
