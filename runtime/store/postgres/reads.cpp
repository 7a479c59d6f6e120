// Reads for traces, and the play-set records and replay.
#include <map>

#include "runtime/store/postgres/history.h"
#include "runtime/store/postgres/pg_store.h"

namespace play::store {

std::optional<SignalRow> PgStore::signal(std::string_view id) {
  return read([&](pg::Conn& c) -> std::optional<SignalRow> {
    pg::Result r = c.exec(
        "SELECT lane, received_at_ms, evaluated_at_ms, COALESCE(play_set, '') FROM signals WHERE seq = "
        "(SELECT "
        "seq FROM seen_signals WHERE id = $1)",
        pg::Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    SignalRow s;
    s.id = std::string(id);
    s.lane = Lane(r.i64(0, 0));
    s.received_at_ms = r.i64(0, 1);
    if (!r.is_null(0, 2)) s.evaluated_at_ms = r.i64(0, 2);
    s.play_set = r.str(0, 3);
    return s;
  });
}

std::vector<OutcomeRow> PgStore::outcomes(std::string_view signal_id) {
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec(
        "SELECT play, outcome, reason, clause, error, shadow FROM outcomes WHERE signal_id = $1 ORDER BY n",
        pg::Params().add(signal_id));
    std::vector<OutcomeRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.str(i, 0), r.str(i, 1), r.str(i, 2), r.str(i, 3), r.str(i, 4), r.boolean(i, 5)});
    return out;
  });
}

std::vector<ActionRow> PgStore::signal_actions(std::string_view signal_id) {
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec(
        "SELECT key, play, action, sink, status, attempts, last_error, line, flagged FROM actions WHERE "
        "signal_id = $1 ORDER BY key",
        pg::Params().add(signal_id));
    std::vector<ActionRow> out;
    for (int i = 0; i < r.rows(); ++i) {
      ActionRow a;
      a.key = r.str(i, 0);
      a.play = r.str(i, 1);
      a.action = r.str(i, 2);
      a.sink = r.str(i, 3);
      a.status = r.str(i, 4);
      a.attempts = int(r.i64(i, 5));
      a.last_error = r.str(i, 6);
      a.line = r.str(i, 7);
      a.flagged = r.boolean(i, 8);
      a.signal_id = std::string(signal_id);
      out.push_back(std::move(a));
    }
    return out;
  });
}

// Newest first by insertion order (index outcomes_play).
std::vector<DecisionRow> PgStore::decisions(std::string_view play, std::string_view outcome, size_t limit) {
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec(
        "SELECT o.signal_id, COALESCE(s.type, ''), o.outcome, o.reason, o.clause, o.error, o.shadow, o.at_ms "
        "FROM outcomes o LEFT JOIN seen_signals n ON n.id = o.signal_id LEFT JOIN signals s ON s.seq = n.seq "
        "WHERE o.play = $1 AND ($2 = '' OR o.outcome = $2) ORDER BY o.n DESC LIMIT $3",
        pg::Params().add(play).add(outcome).add(int64_t(limit)));
    std::vector<DecisionRow> out;
    for (int i = 0; i < r.rows(); ++i) {
      DecisionRow d;
      d.signal_id = r.str(i, 0);
      d.type = r.str(i, 1);
      d.outcome = r.str(i, 2);
      d.reason = r.str(i, 3);
      d.clause = r.str(i, 4);
      d.error = r.str(i, 5);
      d.shadow = r.boolean(i, 6);
      d.at_ms = r.i64(i, 7);
      out.push_back(std::move(d));
    }
    return out;
  });
}

void PgStore::record_play_set(const std::string& version, const std::vector<std::string>& play_names) {
  std::string names = "[";
  for (size_t i = 0; i < play_names.size(); ++i) {
    if (i) names += ',';
    names += '"' + play_names[i] + '"';  // play names are identifiers: nothing to escape
  }
  names += ']';
  int64_t now = now_ms();
  write([&](pg::Conn& c) {
    c.exec(
        "INSERT INTO play_sets(version, plays, names, first_loaded_at_ms, last_loaded_at_ms) VALUES ($1, $2, "
        "$3, $4, $4) ON CONFLICT (version) DO UPDATE SET last_loaded_at_ms = excluded.last_loaded_at_ms",
        pg::Params().add(version).add(int64_t(play_names.size())).add(names).add(now));
  });
}

void PgStore::publish_play_set(const std::string& version, const std::string& bundle) {
  int64_t now = now_ms();
  write([&](pg::Conn& c) {
    c.exec(
        "INSERT INTO play_set_bundles(version, bundle, published_at_ms) VALUES ($1, $2::bytea, $3) ON "
        "CONFLICT "
        "(version) DO NOTHING",
        pg::Params().add(version).add_bytea(bundle).add(now));
    c.exec(
        "INSERT INTO play_set_current(one, version, published_at_ms, node) VALUES (true, $1, $2, $3) ON "
        "CONFLICT "
        "(one) DO UPDATE SET version = excluded.version, published_at_ms = excluded.published_at_ms, node = "
        "excluded.node",
        pg::Params().add(version).add(now).add(node_));
  });
  set_current_play_set(version);
}

void PgStore::set_current_play_set(std::string version) const {
  std::lock_guard<std::mutex> lock(play_set_mu_);
  current_play_set_ = std::move(version);
}

std::string PgStore::current_play_set() {
  std::lock_guard<std::mutex> lock(play_set_mu_);
  return current_play_set_;
}

std::optional<std::string> PgStore::play_set_bundle(const std::string& version) {
  return read([&](pg::Conn& c) -> std::optional<std::string> {
    pg::Result r =
        c.exec("SELECT bundle FROM play_set_bundles WHERE version = $1", pg::Params().add(version));
    if (r.rows() == 0) return std::nullopt;
    return r.bytea(0, 0);
  });
}

ReplayResult PgStore::replay(const ReplayFilter& f) {
  auto run = [&](pg::Conn& c) {
    ReplayResult result;
    // Locked: a replay and a node's claim never interleave on one signal.
    pg::Result r = c.exec(
        std::string(
            "SELECT seq, id, type, COALESCE(play_set, '') FROM signals WHERE evaluated_at_ms IS NOT NULL "
            "AND received_at_ms >= $1 AND received_at_ms < $2 AND ($3 = '' OR play_set = $3) ORDER BY seq") +
            (f.dry_run ? "" : " FOR UPDATE"),
        pg::Params().add(f.since_ms).add(f.until_ms).add(f.play_set));
    std::map<std::string, uint64_t> by_set;
    for (int i = 0; i < r.rows(); ++i) by_set[r.str(i, 3)]++;
    result.signals = uint64_t(r.rows());
    result.by_play_set.assign(by_set.begin(), by_set.end());
    if (f.dry_run) return result;
    // Their outcomes leave the history with them (counted again when
    // evaluated again); their actions keep their keys: not issued twice.
    pg::HistoryDelta history;
    for (int i = 0; i < r.rows(); ++i) {
      std::string id = r.str(i, 1), type = r.str(i, 2);
      pg::Result o = c.exec("SELECT play, outcome, reason, at_ms FROM outcomes WHERE signal_id = $1",
                            pg::Params().add(id));
      for (int j = 0; j < o.rows(); ++j) {
        std::string play = o.str(j, 0), outcome = o.str(j, 1);
        if (play.empty()) continue;
        int64_t at = o.i64(j, 3);
        history.count(at, play, type, "signals", "", -1);
        history.count(at, play, type, "outcome", outcome, -1);
        if (outcome == "suppressed") history.count(at, play, type, "suppressed", o.str(j, 2), -1);
      }
    }
    history.write(c);
    for (int i = 0; i < r.rows(); ++i) {
      c.exec("UPDATE signals SET evaluated_at_ms = NULL, play_set = NULL, claimed_by = NULL WHERE seq = $1",
             pg::Params().add(r.i64(i, 0)));
      c.exec("DELETE FROM outcomes WHERE signal_id = $1", pg::Params().add(r.text(i, 1)));
    }
    return result;
  };
  if (f.dry_run) return read(run);
  ReplayResult result = write(run);
  queued_ += result.signals;
  notify_local();
  return result;
}

}  // namespace play::store
