// The review queue (records.h): its reads and the one write a person makes.
// Items are written by commit_evaluation() (qualify.cpp) with their action.
#include "runtime/store/postgres/pg_store.h"

namespace play::store {

namespace {

constexpr const char* kReviewColumns =
    "r.key, r.play, r.signal_id, r.account, r.contact, r.queue, r.note, r.status, r.created_at_ms, "
    "r.done_at_ms, r.done_by, r.comment, COALESCE(a.status, '')";

ReviewItem review_item(const pg::Result& r, int i) {
  ReviewItem it;
  it.key = r.str(i, 0);
  it.play = r.str(i, 1);
  it.signal_id = r.str(i, 2);
  it.account = r.str(i, 3);
  it.contact = r.str(i, 4);
  it.queue = r.str(i, 5);
  it.note = r.str(i, 6);
  it.status = r.str(i, 7);
  it.created_at_ms = r.i64(i, 8);
  it.done_at_ms = r.i64(i, 9);
  it.done_by = r.str(i, 10);
  it.comment = r.str(i, 11);
  it.delivery = r.str(i, 12);
  return it;
}

}  // namespace

std::vector<ReviewItem> PgStore::review_items(const ReviewQuery& query) {
  return read([&](pg::Conn& c) {
    pg::Result r =
        c.exec(std::string("SELECT ") + kReviewColumns +
                   " FROM review_queue r LEFT JOIN actions a ON a.key = r.key WHERE ($1 = '' OR "
                   "r.status = $1) AND ($2 = '' OR r.queue = $2) ORDER BY r.created_at_ms DESC, r.key "
                   "LIMIT $3",
               pg::Params()
                   .add(query.status == "all" ? std::string() : query.status)
                   .add(query.queue)
                   .add(int64_t(query.limit)));
    std::vector<ReviewItem> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(review_item(r, i));
    return out;
  });
}

std::optional<ReviewItem> PgStore::review_done(std::string_view key, std::string_view by,
                                               std::string_view comment) {
  int64_t now = now_ms();
  return write([&](pg::Conn& c) -> std::optional<ReviewItem> {
    // Done once: marking it again keeps the first time, person and comment.
    c.exec(
        "UPDATE review_queue SET status = 'done', done_at_ms = $1, done_by = $2, comment = $3 WHERE key = $4 "
        "AND "
        "status = 'open'",
        pg::Params().add(now).add(by).add(comment).add(key));
    pg::Result r = c.exec(std::string("SELECT ") + kReviewColumns +
                              " FROM review_queue r LEFT JOIN actions a ON a.key = r.key WHERE r.key = $1",
                          pg::Params().add(key));
    if (r.rows() == 0) return std::nullopt;
    return review_item(r, 0);
  });
}

}  // namespace play::store
