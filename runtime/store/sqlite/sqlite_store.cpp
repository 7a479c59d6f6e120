#include "runtime/store/sqlite/sqlite_store.h"

namespace play::store {

SqliteStore::SqliteStore(const std::string& dir, const StoreOptions& options)
    : options_(options),
      high_lane_types_(std::make_shared<std::unordered_set<std::string>>(options.high_lane_types)),
      db_(std::make_unique<Database>(dir, options)) {
  db_->read([&](Sql& sql) {
    Stmt& st = sql.prepare("SELECT COALESCE(MAX(seq), 0) FROM signals");
    if (st.step()) next_seq_ = st.i64(0) + 1;
    st.reset();
  });
}

SqliteStore::~SqliteStore() = default;

Lane SqliteStore::lane_of(std::string_view type) const {
  std::shared_ptr<const std::unordered_set<std::string>> types;
  {
    std::lock_guard<std::mutex> lock(lanes_mu_);
    types = high_lane_types_;
  }
  return types->count(std::string(type)) ? Lane::High : Lane::Normal;
}

void SqliteStore::set_high_lane_types(std::unordered_set<std::string> types) {
  auto next = std::make_shared<const std::unordered_set<std::string>>(std::move(types));
  std::lock_guard<std::mutex> lock(lanes_mu_);
  high_lane_types_ = std::move(next);
}

bool SqliteStore::overloaded() const { return db_->queued() >= options_.max_queue_depth; }

QueuedSignal SqliteStore::queued(Stmt& st) const {
  QueuedSignal q;
  q.seq = st.i64(0);
  q.id = st.text(1);
  // The lane is computed from the current plays: a restart (or a replay)
  // with new plays puts each waiting signal where the new plays say.
  q.type = st.text(2);
  q.lane = lane_of(st.text(2));
  q.received_at_ms = st.i64(3);
  q.occurred_at_ms = st.i64(4);
  q.envelope = st.text(5);
  return q;
}

}  // namespace play::store
