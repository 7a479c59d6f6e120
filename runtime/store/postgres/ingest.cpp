// Ingestion's writes: signals (dedup by the unique key of seen_signals, so
// a repeat id on any node is a duplicate) and context upserts (logged in
// commit order for every node's qualification), each call in the ingest
// thread's next group commit.
#include <cctype>
#include <memory>

#include "runtime/store/postgres/pg_store.h"

namespace play::store {

namespace {
struct EnqueueCall {
  std::vector<IncomingSignal> signals;
  std::vector<Enqueued> result;
  size_t accepted = 0;
};
std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

void PgStore::enqueue_signals_async(std::vector<IncomingSignal> signals, EnqueueDone done) {
  auto call = std::make_shared<EnqueueCall>();
  call->signals = std::move(signals);
  int64_t now = now_ms();
  Job job;
  job.run = [this, call, now](pg::Conn& c) {
    call->accepted = 0;
    call->result.assign(call->signals.size(), Enqueued::Duplicate);
    for (size_t i = 0; i < call->signals.size(); ++i) {
      const IncomingSignal& in = call->signals[i];
      // A repeat id is a duplicate unless its earlier record has expired.
      pg::Result r = c.exec(
          "WITH d AS (INSERT INTO seen_signals(id, seq, expires_at_ms) VALUES ($1, "
          "nextval(pg_get_serial_sequence('signals', 'seq')), $2) ON CONFLICT (id) DO UPDATE SET seq = "
          "excluded.seq, expires_at_ms = excluded.expires_at_ms WHERE seen_signals.expires_at_ms < $3 "
          "RETURNING seq) INSERT INTO signals(seq, id, type, lane, received_at_ms, occurred_at_ms, envelope, "
          "account_key) SELECT seq, $1, $4::text, $5::smallint, $6::bigint, $7::bigint, $8::text, "
          "lower(COALESCE($8::json->>'account', $8::json->>'contact')) FROM d RETURNING seq",
          pg::Params()
              .add(in.id)
              .add(now + options_.dedup_ttl_ms)
              .add(now)
              .add(in.type)
              .add(int64_t(lane_of(in.type)))
              .add(in.received_at_ms ? in.received_at_ms : now)
              .add(in.occurred_at_ms)
              .add(in.envelope));
      if (r.rows() == 0) continue;
      call->result[i] = Enqueued::Accepted;
      ++call->accepted;
    }
  };
  job.after = [this, call] {
    accepted_ += call->accepted;
    duplicates_ += call->signals.size() - call->accepted;
    queued_ += call->accepted;
    if (call->accepted) notify_local();
  };
  job.done = [call, done = std::move(done)](std::string error) {
    if (!error.empty())
      done({}, std::move(error));
    else
      done(std::move(call->result), "");
  };
  submit(std::move(job));
}

void PgStore::upsert_context_async(std::vector<ContextUpsert> upserts,
                                   std::function<void(std::string error)> done) {
  int64_t now = now_ms();
  for (auto& u : upserts) u.key = lower(std::move(u.key));
  auto call = std::make_shared<std::vector<ContextUpsert>>(std::move(upserts));
  Job job;
  job.run = [call, now](pg::Conn& c) {
    // Upserts are serialized (until the commit) so the log's order is the
    // commit order: a node reading the log never skips one committed late
    // (the lock key: "playd|c" in ASCII).
    c.exec("SELECT pg_advisory_xact_lock(31644363295849571)");
    for (const auto& u : *call) {
      // || merges: fields present replace, others are kept.
      const char* q =
          u.entity == Entity::Account
              ? "INSERT INTO accounts(domain, fields, updated_at_ms) VALUES ($1, $2::jsonb, $3) ON "
                "CONFLICT (domain) DO UPDATE SET fields = accounts.fields || excluded.fields, updated_at_ms "
                "= "
                "excluded.updated_at_ms"
              : "INSERT INTO contacts(email, fields, updated_at_ms) VALUES ($1, $2::jsonb, $3) ON "
                "CONFLICT (email) DO UPDATE SET fields = contacts.fields || excluded.fields, updated_at_ms = "
                "excluded.updated_at_ms";
      c.exec(q, pg::Params().add(u.key).add(u.fields_json).add(now));
      c.exec("INSERT INTO context_log(entity, key, fields, at_ms) VALUES ($1, $2, $3, $4)",
             pg::Params().add(int64_t(u.entity)).add(u.key).add(u.fields_json).add(now));
    }
  };
  job.done = std::move(done);
  submit(std::move(job));
}

}  // namespace play::store
