// The review queue (records.h): its reads and the one write a person makes.
// Items are written by commit_evaluation() (qualify.cpp) with their action.
#include "runtime/store/sqlite/sqlite_store.h"

namespace play::store {

namespace {

constexpr const char* kReviewColumns =
    "r.key, r.play, r.signal_id, r.account, r.contact, r.queue, r.note, r.status, r.created_at_ms, "
    "r.done_at_ms, r.done_by, r.comment, COALESCE(a.status, '')";

ReviewItem review_item(Stmt& s) {
  ReviewItem r;
  r.key = s.text(0);
  r.play = s.text(1);
  r.signal_id = s.text(2);
  r.account = s.text(3);
  r.contact = s.text(4);
  r.queue = s.text(5);
  r.note = s.text(6);
  r.status = s.text(7);
  r.created_at_ms = s.i64(8);
  r.done_at_ms = s.i64(9);
  r.done_by = s.text(10);
  r.comment = s.text(11);
  r.delivery = s.text(12);
  return r;
}

}  // namespace

std::vector<ReviewItem> SqliteStore::review_items(const ReviewQuery& query) {
  return db_->read([&](Sql& sql) {
    // ?1: the status ('' every one), ?2: the queue ('' every one).
    static const std::string q =
        std::string("SELECT ") + kReviewColumns +
        " FROM review_queue r LEFT JOIN actions a ON a.key = r.key WHERE (?1 = '' OR "
        "r.status = ?1) AND (?2 = '' OR r.queue = ?2) ORDER BY r.created_at_ms DESC, "
        "r.key LIMIT ?3";
    std::vector<ReviewItem> out;
    Stmt& s = sql.prepare(q.c_str());
    s.bind(1, query.status == "all" ? std::string() : query.status)
        .bind(2, query.queue)
        .bind(3, int64_t(query.limit));
    while (s.step()) out.push_back(review_item(s));
    s.reset();
    return out;
  });
}

std::optional<ReviewItem> SqliteStore::review_done(std::string_view key, std::string_view by,
                                                   std::string_view comment) {
  std::optional<ReviewItem> out;
  int64_t now = now_ms();
  db_->write([&](Sql& sql) {
    out.reset();  // a job may run again after a failed commit
    // Done once: marking it again keeps the first time, person and comment.
    sql.prepare(
           "UPDATE review_queue SET status = 'done', done_at_ms = ?, done_by = ?, comment = ? WHERE key = ? "
           "AND status = 'open'")
        .bind(1, now)
        .bind(2, by)
        .bind(3, comment)
        .bind(4, key)
        .run();
    static const std::string q = std::string("SELECT ") + kReviewColumns +
                                 " FROM review_queue r LEFT JOIN actions a ON a.key = r.key WHERE r.key = ?";
    Stmt& s = sql.prepare(q.c_str());
    s.bind(1, key);
    if (s.step()) out = review_item(s);
    s.reset();
  });
  return out;
}

}  // namespace play::store
