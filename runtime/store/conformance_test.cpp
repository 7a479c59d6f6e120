// What every backend of the store guarantees (store.h), run against each
// one: the embedded SQLite store, and PostgreSQL (a throwaway cluster,
// postgres/test_cluster.h; a fresh database per test) when built with it.
// A new backend adds a Backend type to kBackends and must pass all of it
// unchanged.
//
// "Crash" here is real where it matters: the durability test enqueues in a
// child process that _exit()s right after the call returns (no destructor,
// no checkpoint), and the parent opens what is on disk.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "runtime/store/store.h"
#ifdef PLAY_POSTGRES
#include "runtime/store/postgres/test_cluster.h"
#endif

namespace play::store {
namespace {

// A backend: how to open a fresh store, and the same store again.
struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  std::string dir;
  SqliteBackend() {
    dir = (std::filesystem::temp_directory_path() /
           ("store_conformance_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++)))
              .string();
    std::filesystem::remove_all(dir);
  }
  ~SqliteBackend() { std::filesystem::remove_all(dir); }
  std::unique_ptr<Store> open(const StoreOptions& options) {
    std::string error;
    auto s = open_store(dir, options, error);
    EXPECT_TRUE(s) << error;
    return s;
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  bool available(std::string&) const { return true; }
};

#ifdef PLAY_POSTGRES
// A fresh database on the process's throwaway cluster. The node is named,
// so the same store opened again is the same node restarted.
struct PostgresBackend {
  static constexpr const char* kName = "postgres";
  std::string url, error;
  PostgresBackend() {
    if (pg::TestCluster* cluster = pg::TestCluster::shared(error)) {
      url = cluster->create_database(error);
      if (!url.empty()) url += "&playd_node=conformance";
    }
  }
  std::unique_ptr<Store> open(const StoreOptions& options) {
    std::string e;
    auto s = open_store(url, options, e);
    EXPECT_TRUE(s) << e;
    return s;
  }
  bool available(std::string& why) const {
    why = error;
    return !url.empty();
  }
};
#endif

struct BackendName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

template <class Backend>
class StoreConformance : public ::testing::Test {
 protected:
  Backend backend;
  StoreOptions options;
  std::unique_ptr<Store> store;

  void SetUp() override {
    std::string why;
    if (!backend.available(why)) GTEST_SKIP() << "backend not available: " << why;
    options.high_lane_types = {"website.page_viewed"};
    options.integrity_check_ms = 5000;
    store = backend.open(options);
    ASSERT_TRUE(store);
  }
  void reopen() {
    store.reset();
    store = backend.open(options);
    ASSERT_TRUE(store);
  }
  static IncomingSignal signal(const std::string& id, const std::string& type = "website.form_submitted") {
    IncomingSignal s;
    s.id = id;
    s.type = type;
    s.occurred_at_ms = 1000;
    s.envelope = R"({"id":")" + id + R"(","type":")" + type + R"(","occurred_at":"2026-06-21T10:00:00Z"})";
    return s;
  }
  std::vector<QueuedSignal> take_all() {
    std::vector<QueuedSignal> out;
    while (store->take_signals(100, out, 10)) {
    }
    return out;
  }
  static std::vector<std::string> ids(const std::vector<QueuedSignal>& q) {
    std::vector<std::string> out;
    for (const auto& s : q) out.push_back(s.id);
    return out;
  }
  static ActionRecord action(const std::string& key, const std::string& sink = "crm") {
    ActionRecord a;
    a.key = key;
    a.play = "p";
    a.action = "task";
    a.sink = sink;
    a.line = R"({"kind":"action","key":")" + key + R"("})";
    return a;
  }
  // Evaluates `taken` with one action per signal (key = "k_" + id).
  void evaluate(const std::vector<QueuedSignal>& taken, const std::string& play_set = "v1") {
    Evaluation ev;
    ev.play_set = play_set;
    for (const auto& s : taken) {
      ActionRecord a = action("k_" + s.id);
      a.occurred_at_ms = s.occurred_at_ms;
      a.received_at_ms = s.received_at_ms;
      ev.signals.push_back({s.seq, s.id, {{"p", "fired", "", "", "", false}}, {a}, s.type});
    }
    store->commit_evaluation(ev);
    store->done_signals(taken);
  }
};

#ifdef PLAY_POSTGRES
using kBackends = ::testing::Types<SqliteBackend, PostgresBackend>;
#else
using kBackends = ::testing::Types<SqliteBackend>;
#endif
TYPED_TEST_SUITE(StoreConformance, kBackends, BackendName);

TYPED_TEST(StoreConformance, AcknowledgedSignalsSurviveAProcessThatDiesRightAfter) {
  this->store.reset();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = this->backend.open(this->options);
    auto r = s->enqueue_signals({this->signal("a"), this->signal("b")});
    ::_exit(r.size() == 2 && r[0] == Enqueued::Accepted ? 0 : 3);  // no destructor, no checkpoint
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  this->reopen();
  EXPECT_EQ(this->ids(this->take_all()), (std::vector<std::string>{"a", "b"}));
}

TYPED_TEST(StoreConformance, DuplicatesWithinTheTtlAcrossARestartAndNewAfterIt) {
  this->options.dedup_ttl_ms = 300;
  this->reopen();
  auto r = this->store->enqueue_signals({this->signal("a"), this->signal("a")});
  EXPECT_EQ(r, (std::vector<Enqueued>{Enqueued::Accepted, Enqueued::Duplicate}));  // within one call too
  this->reopen();
  EXPECT_EQ(this->store->enqueue_signals({this->signal("a")}), std::vector<Enqueued>{Enqueued::Duplicate});
  EXPECT_EQ(this->store->duplicate_signals(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(this->store->enqueue_signals({this->signal("a")}), std::vector<Enqueued>{Enqueued::Accepted});
}

TYPED_TEST(StoreConformance, TheHighLaneIsTakenFirstAndEachLaneInArrivalOrder) {
  this->store->enqueue_signals({this->signal("n1"), this->signal("h1", "website.page_viewed"),
                                this->signal("n2"), this->signal("h2", "website.page_viewed")});
  auto taken = this->take_all();
  EXPECT_EQ(this->ids(taken), (std::vector<std::string>{"h1", "h2", "n1", "n2"}));
  EXPECT_EQ(taken[0].lane, Lane::High);
  EXPECT_EQ(this->store->lane_stats(Lane::High).depth, 2u);  // taken, not done: still queued
}

// The writer binds a signal's envelope without copying it and then moves it
// into the queue mirror (SqliteStore::enqueue_signals_async): what the
// mirror hands out and what is on disk (read back after a restart) must
// both be the envelope sent, byte for byte, for every signal of a group.
TYPED_TEST(StoreConformance, EnvelopesInTheQueueAndOnDiskAreTheOnesSent) {
  std::vector<IncomingSignal> sent;
  for (int i = 0; i < 20; ++i) {
    IncomingSignal s = this->signal("e" + std::to_string(i));
    s.envelope.insert(s.envelope.size() - 1,
                      R"(,"pad":")" + std::string(size_t(1000 + i * 97), char('a' + i)) + "\"");
    sent.push_back(s);
  }
  std::vector<IncomingSignal> again = sent;
  EXPECT_EQ(this->store->enqueue_signals(std::move(again)), std::vector<Enqueued>(20, Enqueued::Accepted));
  auto check = [&](const std::vector<QueuedSignal>& taken) {
    ASSERT_EQ(taken.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
      EXPECT_EQ(taken[i].id, sent[i].id);
      EXPECT_EQ(taken[i].envelope, sent[i].envelope) << sent[i].id;
    }
  };
  check(this->take_all());  // from the mirror
  this->reopen();
  check(this->take_all());  // from disk
}

TYPED_TEST(StoreConformance, SignalsTakenButNeverCommittedComeBackAfterARestart) {
  this->store->enqueue_signals({this->signal("a"), this->signal("b")});
  auto taken = this->take_all();
  ASSERT_EQ(taken.size(), 2u);
  this->evaluate({taken[0]});  // a is decided; b was taken when the process died
  this->reopen();
  EXPECT_EQ(this->ids(this->take_all()), std::vector<std::string>{"b"});
  EXPECT_TRUE(this->store->signal("a")->evaluated_at_ms.has_value());
  EXPECT_EQ(this->store->signal("a")->play_set, "v1");
  EXPECT_FALSE(this->store->signal("b")->evaluated_at_ms.has_value());
}

TYPED_TEST(StoreConformance, OutboxKeysAreUniqueWhenADecisionIsCommittedTwice) {
  this->store->enqueue_signals({this->signal("a")});
  auto taken = this->take_all();
  this->evaluate(taken);
  this->evaluate(taken);  // the same batch evaluated again (after a failed commit, a replay)
  auto open = this->store->open_actions();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].key, "k_a");
  EXPECT_EQ(this->store->outcomes("a").size(), 2u);
}

TYPED_TEST(StoreConformance, APlaysLatestDecisionsNewestFirst) {
  this->store->enqueue_signals(
      {this->signal("a"), this->signal("b", "website.page_viewed"), this->signal("c"), this->signal("d")});
  auto taken = this->take_all();
  Evaluation ev;
  ev.play_set = "v1";
  for (const auto& s : taken) {
    bool fired = s.id == "a" || s.id == "d";
    EvaluatedSignal e;  // by name: the record may gain fields
    e.seq = s.seq;
    e.id = s.id;
    e.outcomes = {
        {"p", fired ? "fired" : "suppressed", fired ? "" : "do not contact", "p.play:3:3", "", false},
        {"q", "no_match", "", "q.play:5:3", "", true}};
    ev.signals.push_back(std::move(e));
  }
  this->store->commit_evaluation(ev);
  this->store->done_signals(taken);
  std::vector<std::string> order;
  for (const auto& s : taken) order.insert(order.begin(), s.id);  // newest first
  auto all = this->store->decisions("p", "", 10);
  ASSERT_EQ(all.size(), 4u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].signal_id, order[i]);
  auto b = std::find_if(all.begin(), all.end(), [](const DecisionRow& r) { return r.signal_id == "b"; });
  EXPECT_EQ(b->type, "website.page_viewed");
  EXPECT_EQ(b->outcome, "suppressed");
  EXPECT_EQ(b->reason, "do not contact");
  EXPECT_EQ(b->clause, "p.play:3:3");
  EXPECT_GT(b->at_ms, 0);
  EXPECT_EQ(this->store->decisions("p", "", 2).size(), 2u);
  auto fired = this->store->decisions("p", "fired", 10);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0].signal_id, "d");
  EXPECT_EQ(fired[1].signal_id, "a");
  EXPECT_TRUE(this->store->decisions("q", "", 10).at(0).shadow);
  EXPECT_TRUE(this->store->decisions("nope", "", 10).empty());
}

TYPED_TEST(StoreConformance, AttemptsAreRecordedAndDlqReplayKeepsTheKeyWithAFreshBudget) {
  this->store->enqueue_signals({this->signal("a")});
  this->evaluate(this->take_all());
  this->store->record_attempts({{"k_a", 1, 10, "retry", "retrying", 500, "boom", "HTTP 500: boom", 20}});
  this->store->record_attempts({{"k_a", 2, 30, "dlq", "dlq", 400, "no", "HTTP 400: no", 30}});
  EXPECT_TRUE(this->store->open_actions().empty());
  auto dlq = this->store->dlq();
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].attempts, 2);
  EXPECT_EQ(dlq[0].last_error, "HTTP 400: no");
  auto attempts = this->store->attempts("k_a");
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].result, "retry");
  EXPECT_EQ(attempts[1].http_status, 400);
  auto replayed = this->store->dlq_replay("k_a");
  ASSERT_EQ(replayed.size(), 1u);
  EXPECT_EQ(replayed[0].key, "k_a");
  EXPECT_EQ(replayed[0].budget_from, 2);
  this->reopen();  // durable
  auto open = this->store->open_actions();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].key, "k_a");
  EXPECT_EQ(open[0].budget_from, 2);
  EXPECT_TRUE(this->store->dlq().empty());
  EXPECT_TRUE(this->store->dlq_replay("k_a").empty());  // nothing left to replay
}

TYPED_TEST(StoreConformance, ContextUpsertsMergeAndReachQualificationInCommitOrder) {
  this->store->upsert_context({{Entity::Contact, "Ana@BigCo.com", R"({"name":"Ana"})"}});
  this->store->upsert_context({{Entity::Contact, "ana@bigco.com", R"({"title":"CTO"})"}});
  auto rec = this->store->context_record(Entity::Contact, "ana@bigco.com");
  ASSERT_TRUE(rec);
  EXPECT_NE(rec->find(R"("name":"Ana")"), std::string::npos) << *rec;
  EXPECT_NE(rec->find(R"("title":"CTO")"), std::string::npos) << *rec;
  auto handed = this->store->take_context();
  ASSERT_EQ(handed.size(), 2u);
  EXPECT_EQ(handed[0].key, "ana@bigco.com");  // lower-cased
  EXPECT_EQ(handed[1].fields_json, R"({"title":"CTO"})");
  EXPECT_FALSE(this->store->context_record(Entity::Account, "bigco.com"));
}

TYPED_TEST(StoreConformance, AnEvaluationWritesContextLedgerAndCursorsTogether) {
  this->store->enqueue_signals({this->signal("a")});
  auto taken = this->take_all();
  Evaluation ev;
  ev.play_set = "v1";
  ev.signals.push_back({taken[0].seq, "a", {}, {}, taken[0].type});
  ev.context.push_back({Entity::Account, "bigco.com", R"({"name":"BigCo"})"});
  ev.fires.push_back({"p", "ana@bigco.com", 5000});
  ev.pools.push_back({"sdrs", 3});
  this->store->commit_evaluation(ev);
  ev.signals.clear();
  ev.context.clear();
  ev.fires = {{"p", "ana@bigco.com", 4000}};  // an older fire does not move the ledger back
  ev.pools = {{"sdrs", 4}};
  this->store->commit_evaluation(ev);
  this->reopen();
  EXPECT_EQ(this->store->last_fired("p", "ana@bigco.com"), std::optional<int64_t>(5000));
  EXPECT_FALSE(this->store->last_fired("p", "bo@bigco.com"));
  EXPECT_EQ(this->store->pool_cursor("sdrs"), std::optional<uint64_t>(4));
  EXPECT_EQ(this->store->pool_cursors().size(), 1u);
  EXPECT_TRUE(this->store->context_record(Entity::Account, "bigco.com"));
}

// Check-and-record (records.h): what several processes sharing one store
// need for `fired within` and round-robin to stay exact.
TYPED_TEST(StoreConformance, AFireOrRotationDecidedFromAStaleLedgerIsRefusedWhole) {
  Evaluation ev;
  ev.play_set = "v1";
  ev.fires = {{"p", "ana@bigco.com", 5000, true, std::nullopt}};
  ev.pools = {{"sdrs", 1, 0}};
  this->store->commit_evaluation(ev);
  // Another evaluation that also saw no fire and cursor 0: refused, nothing of it written.
  this->store->enqueue_signals({this->signal("a")});
  auto taken = this->take_all();
  ev.signals.push_back(
      {taken[0].seq, "a", {{"p", "fired", "", "", "", false}}, {this->action("k_a")}, taken[0].type});
  ev.fires = {{"p", "ana@bigco.com", 6000, true, std::nullopt}};
  EXPECT_THROW(this->store->commit_evaluation(ev), StoreError);
  ev.fires = {{"p", "ana@bigco.com", 6000, true, 5000}};
  ev.pools = {{"sdrs", 2, 0}};
  EXPECT_THROW(this->store->commit_evaluation(ev), StoreError);
  EXPECT_EQ(this->store->last_fired("p", "ana@bigco.com"), std::optional<int64_t>(5000));
  EXPECT_EQ(this->store->pool_cursor("sdrs"), std::optional<uint64_t>(1));
  EXPECT_TRUE(this->store->open_actions().empty());
  EXPECT_TRUE(this->store->outcomes("a").empty());
  // Evaluated again from what is stored: committed.
  ev.pools = {{"sdrs", 2, 1}};
  this->store->commit_evaluation(ev);
  EXPECT_EQ(this->store->last_fired("p", "ana@bigco.com"), std::optional<int64_t>(6000));
  EXPECT_EQ(this->store->pool_cursor("sdrs"), std::optional<uint64_t>(2));
  EXPECT_EQ(this->store->open_actions().size(), 1u);
}

TYPED_TEST(StoreConformance, PatternStatesAreCommittedWithTheirDecisionsAndPurgedWhenNoPatternNeedsThem) {
  this->store->enqueue_signals({this->signal("a")});
  auto taken = this->take_all();
  const std::string state("\x01bytes\0with a NUL", 18);
  const uint64_t pattern = 0xF00DF00DF00DF00Dull;  // above INT64_MAX: stored as its two's complement
  Evaluation ev;
  ev.play_set = "v1";
  ev.signals.push_back(
      {taken[0].seq, "a", {{"burst", "no_match", "counted 1 of 3", "", "", false}}, {}, taken[0].type});
  ev.patterns.push_back({"gone", 7, "bigco.com", "y"});
  ev.patterns.push_back({"burst", pattern, "old.com", "x"});
  this->store->commit_evaluation(ev);
  ev.signals.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  int64_t between = now_ms();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ev.patterns = {{"burst", pattern, "bigco.com", state}};
  this->store->commit_evaluation(ev);
  this->reopen();
  EXPECT_EQ(this->store->pattern_state("burst", pattern, "bigco.com"), std::optional<std::string>(state));
  EXPECT_FALSE(
      this->store->pattern_state("burst", pattern + 1, "bigco.com"));  // another pattern: its own state
  EXPECT_FALSE(this->store->pattern_state("burst", pattern, "acme.com"));
  // A later write replaces the state.
  ev.patterns = {{"burst", pattern, "bigco.com", "z"}};
  this->store->commit_evaluation(ev);
  EXPECT_EQ(this->store->pattern_state("burst", pattern, "bigco.com"), std::optional<std::string>("z"));
  // Purge: the play `gone` is no longer running; old.com's state was last
  // written longer ago than the pattern keeps it.
  EXPECT_EQ(this->store->purge_patterns({{"burst", pattern, 0}}, between), 2u);
  EXPECT_TRUE(this->store->pattern_state("burst", pattern, "bigco.com"));
  EXPECT_FALSE(this->store->pattern_state("burst", pattern, "old.com"));
  EXPECT_FALSE(this->store->pattern_state("gone", 7, "bigco.com"));
}

// The absence form's timers (records.h PatternWrite::timer_ms): found due
// by due_pattern_timers() earliest first, cleared or moved by the write that
// records the fire (one transaction: after it, the timer is gone for good),
// kept by the purge while armed, and dropped with a pattern that goes.
TYPED_TEST(StoreConformance, AbsenceTimersAreFoundDueAndClearedWithTheirFire) {
  Evaluation ev;
  ev.play_set = "v1";
  const uint64_t pattern = 0xFEEDFEEDFEEDFEEDull;
  ev.patterns.push_back({"stall", pattern, "late.com", "s1", 5000});
  ev.patterns.push_back({"stall", pattern, "early.com", "s2", 1000});
  ev.patterns.push_back({"stall", pattern, "idle.com", "s3"});  // no timer armed
  ev.patterns.push_back({"gone", 9, "bigco.com", "s4", 2000});
  this->store->commit_evaluation(ev);
  this->reopen();
  EXPECT_TRUE(this->store->due_pattern_timers(999, INT64_MIN, 10).empty());
  auto due = this->store->due_pattern_timers(5000, INT64_MIN, 10);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].key, "early.com");
  EXPECT_EQ(due[0].play, "stall");
  EXPECT_EQ(due[0].pattern, pattern);
  EXPECT_EQ(due[0].timer_ms, 1000);
  EXPECT_EQ(due[1].play, "gone");
  EXPECT_EQ(due[2].key, "late.com");
  EXPECT_EQ(this->store->due_pattern_timers(5000, INT64_MIN, 1).size(), 1u);
  // The fire of early.com commits its decision with the cleared timer; late.com's is moved on.
  ev.patterns = {{"stall", pattern, "early.com", "fired"}, {"stall", pattern, "late.com", "s1", 9000}};
  ev.signals.push_back(
      {0, "absence:stall:early.com:1000", {{"stall", "fired", "", "", "", false}}, {}, "product.login"});
  this->store->commit_evaluation(ev);
  this->reopen();
  due = this->store->due_pattern_timers(8999, INT64_MIN, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].play, "gone");
  EXPECT_EQ(this->store->pattern_state("stall", pattern, "early.com"), std::optional<std::string>("fired"));
  // The purge keeps armed states however old, drops the others as before,
  // and every state (timers included) of a pattern no longer running.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(this->store->purge_patterns({{"stall", pattern, 0}}, now_ms()), 3u);  // gone, idle, early
  EXPECT_TRUE(this->store->pattern_state("stall", pattern, "late.com"));
  EXPECT_FALSE(this->store->pattern_state("stall", pattern, "idle.com"));
  due = this->store->due_pattern_timers(INT64_MAX, INT64_MIN, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].key, "late.com");
  EXPECT_EQ(due[0].timer_ms, 9000);
}

// The rate form's timers (PatternWrite::stream_timer) are due on the
// stream clock, not the service's, and neither clock finds the other's; the
// stream clock (Evaluation::stream_clock_ms) is kept with the commit, never
// goes back, and survives a reopen (a kill -9).
TYPED_TEST(StoreConformance, RateTimersAreDueOnTheStreamClockWhichIsKept) {
  EXPECT_EQ(this->store->stream_clock(), INT64_MIN);
  Evaluation ev;
  ev.play_set = "v1";
  const uint64_t pattern = 0xDEADBEEFDEADBEEFull;
  ev.patterns.push_back({"drop", pattern, "quiet.com", "r1", 5000, true});
  ev.patterns.push_back({"drop", pattern, "busy.com", "r2", 9000, true});
  ev.patterns.push_back({"stall", 3, "bigco.com", "s1", 5000});
  ev.stream_clock_ms = 4000;
  this->store->commit_evaluation(ev);
  this->reopen();
  EXPECT_EQ(this->store->stream_clock(), 4000);
  // The service clock far ahead, the stream behind (a backfill): only the absence is due.
  auto due = this->store->due_pattern_timers(1'000'000, 4000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].play, "stall");
  EXPECT_FALSE(due[0].stream);
  // The stream clock at the rate's timer, the service's before the absence's.
  due = this->store->due_pattern_timers(4999, 5000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].key, "quiet.com");
  EXPECT_EQ(due[0].timer_ms, 5000);
  EXPECT_TRUE(due[0].stream);
  // The clock never goes back.
  ev.patterns.clear();
  ev.stream_clock_ms = 3000;
  this->store->commit_evaluation(ev);
  EXPECT_EQ(this->store->stream_clock(), 4000);
  ev.stream_clock_ms = 6000;
  this->store->commit_evaluation(ev);
  this->reopen();
  EXPECT_EQ(this->store->stream_clock(), 6000);
  // The fire moves quiet.com's timer on; a settled state has none, and the
  // purge drops it as it would any unarmed state, keeping the armed ones.
  ev.patterns = {{"drop", pattern, "quiet.com", "r1b", 90000, true}, {"drop", pattern, "busy.com", "r2b"}};
  this->store->commit_evaluation(ev);
  EXPECT_TRUE(this->store->due_pattern_timers(0, 6000, 10).empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(this->store->purge_patterns({{"drop", pattern, 0}, {"stall", 3, 0}}, now_ms()), 1u);
  EXPECT_TRUE(this->store->pattern_state("drop", pattern, "quiet.com"));
  EXPECT_FALSE(this->store->pattern_state("drop", pattern, "busy.com"));
}

TYPED_TEST(StoreConformance, UndeliveredActionsAreFlaggedOnce) {
  this->store->enqueue_signals({this->signal("a"), this->signal("b")});
  this->evaluate(this->take_all());
  int64_t later = now_ms() + 1000;
  auto first = this->store->flag_undelivered(later);
  EXPECT_EQ(first.size(), 2u);
  EXPECT_TRUE(this->store->flag_undelivered(later).empty());
  EXPECT_EQ(this->store->action_counts().undelivered, 2u);
  EXPECT_EQ(this->store->action_counts().open, 2u);
  EXPECT_TRUE(this->store->action("k_a")->flagged);
}

TYPED_TEST(StoreConformance, ReplayRequeuesWhatAPlaySetDecidedAndDryRunChangesNothing) {
  this->store->enqueue_signals({this->signal("a"), this->signal("b")});
  auto taken = this->take_all();
  this->evaluate({taken[0]}, "old");
  this->evaluate({taken[1]}, "new");
  ReplayFilter f;
  f.play_set = "old";
  f.dry_run = true;
  EXPECT_EQ(this->store->replay(f).signals, 1u);
  EXPECT_TRUE(this->take_all().empty());
  f.dry_run = false;
  ReplayResult r = this->store->replay(f);
  EXPECT_EQ(r.signals, 1u);
  EXPECT_EQ(r.by_play_set, (std::vector<std::pair<std::string, uint64_t>>{{"old", 1}}));
  EXPECT_EQ(this->ids(this->take_all()), std::vector<std::string>{"a"});
  EXPECT_TRUE(this->store->outcomes("a").empty());    // the trace shows the new evaluation only
  EXPECT_EQ(this->store->open_actions().size(), 2u);  // the actions keep their keys
}

TYPED_TEST(StoreConformance, FileSinkSizesAndTailsAreRecordedWithTheirAttempts) {
  EXPECT_EQ(this->store->file_sink_size("/x/outbox.ndjson"), -1);
  this->store->enqueue_signals({this->signal("a"), this->signal("b")});
  this->evaluate(this->take_all());
  FileMark mark{"/x/outbox.ndjson", 120};
  this->store->record_attempts({{"k_a", 1, 10, "sent", "sent", 200, "", "", 10}}, &mark);
  EXPECT_EQ(this->store->file_sink_size("/x/outbox.ndjson"), 120);
  // b was written before a crash but not recorded; a is already sent.
  EXPECT_EQ(this->store->adopt_file_tail("/x/outbox.ndjson", {"k_a", "k_b"}, 240, "found at start"), 1u);
  EXPECT_EQ(this->store->file_sink_size("/x/outbox.ndjson"), 240);
  EXPECT_EQ(this->store->action("k_b")->status, "sent");
  EXPECT_TRUE(this->store->open_actions().empty());
}

TYPED_TEST(StoreConformance, PlaySetsAreRecordedAndAWritableStoreSaysSo) {
  this->store->record_play_set("v1", {"a", "b"});
  this->store->record_play_set("v1", {"a", "b"});  // loaded again
  EXPECT_TRUE(this->store->writable());
  EXPECT_EQ(this->store->health().state, StoreState::Ok);
  EXPECT_TRUE(this->store->wait_writable(nullptr, 0));
}

// ---- history: counted in the transactions that make it happen -------------------

// 2026-06-20T10:00:00Z on the service's clock, and that hour.
constexpr int64_t kT0 = 1781949600000;

TYPED_TEST(StoreConformance, HistoryCountsOutcomesAndActionsIssuedPerHourPlayAndSignalType) {
  set_clock(kT0 + 60'000);
  this->store->enqueue_signals(
      {this->signal("a"), this->signal("b", "website.page_viewed"), this->signal("c")});
  auto taken = this->take_all();
  Evaluation ev;
  ev.play_set = "v1";
  for (const auto& s : taken) {
    EvaluatedSignal e{s.seq, s.id, {}, {}, s.type};
    if (s.id == "c") {
      e.outcomes = {{"p", "suppressed", "do not contact", "", "", false},
                    {"q", "no_match", "", "", "", false}};
    } else {
      e.outcomes = {{"p", "fired", "", "", "", false}};
      e.actions = {this->action("k_" + s.id, "crm")};
      auto shadow = this->action("s_" + s.id, "chat");
      shadow.shadow = true;
      e.actions.push_back(shadow);
    }
    ev.signals.push_back(e);
  }
  ev.signals.push_back({0, "undecodable", {{"", "error", "", "", "signal: bad", false}}, {}, "x"});
  this->store->commit_evaluation(ev);
  this->store->commit_evaluation(ev);  // committed again: outcomes count again, actions do not
  HistoryQuery q;
  q.from_ms = kT0;
  q.to_ms = kT0 + kHourMs;
  q.group = HistoryGroup::PlayAndSignalType;
  auto h = this->store->history(q);
  ASSERT_EQ(h.size(), 3u);  // (p, form), (p, page), (q, form); never the undecodable one
  const HistoryBucket& p_form = h[0];
  EXPECT_EQ(p_form.start_ms, kT0);
  EXPECT_EQ(p_form.play, "p");
  EXPECT_EQ(p_form.signal_type, "website.form_submitted");
  EXPECT_EQ(p_form.signals, 4u);
  EXPECT_EQ(p_form.outcomes.at("fired"), 2u);
  EXPECT_EQ(p_form.outcomes.at("suppressed"), 2u);
  EXPECT_EQ(p_form.suppressed_by.at("do not contact"), 2u);
  EXPECT_EQ(p_form.sinks.at("crm").issued, 1u);
  EXPECT_EQ(p_form.sinks.at("chat").shadow, 1u);
  EXPECT_EQ(p_form.sinks.at("chat").issued, 0u);
  EXPECT_EQ(h[1].signal_type, "website.page_viewed");
  EXPECT_EQ(h[1].signals, 2u);
  EXPECT_EQ(h[2].play, "q");
  EXPECT_EQ(h[2].outcomes.at("no_match"), 2u);
  // Filtered and merged.
  q.group = HistoryGroup::None;
  q.play = "p";
  h = this->store->history(q);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].play, "");
  EXPECT_EQ(h[0].signals, 6u);
  EXPECT_EQ(h[0].actions().issued, 2u);
  q.play = "";
  q.signal_type = "website.page_viewed";
  EXPECT_EQ(this->store->history(q).at(0).signals, 2u);
  q.to_ms = kT0;  // an empty range
  EXPECT_TRUE(this->store->history(q).empty());
  EXPECT_EQ(this->store->history_first_hours(), (std::map<std::string, int64_t>{{"p", kT0}, {"q", kT0}}));
}

TYPED_TEST(StoreConformance, HistoryCountsDeliveriesFailuresAndLatencyWithTheirAttempts) {
  set_clock(kT0 + 60'000);
  this->store->enqueue_signals({this->signal("a"), this->signal("b"), this->signal("c")});
  auto taken = this->take_all();
  this->evaluate(taken);
  // Attempts an hour later: a sent 2 minutes after it was received, b
  // failed once then dead-lettered, c cancelled.
  int64_t at = kT0 + kHourMs + 60'000;
  int64_t received = taken[0].received_at_ms;
  this->store->record_attempts({{"k_a", 1, received + 120'000, "sent", "sent", 200, "", "", 0},
                                {"k_b", 1, at, "retry", "retrying", 500, "", "HTTP 500", at + 1000}});
  this->store->record_attempts({{"k_b", 2, at, "dlq", "dlq", 400, "", "HTTP 400", at},
                                {"k_c", 1, at, "cancelled", "cancelled", 0, "suppressed: x", "", at}});
  this->reopen();  // durable
  HistoryQuery q;
  q.from_ms = kT0;
  q.to_ms = kT0 + 2 * kHourMs;
  auto h = this->store->history(q);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].sinks.at("crm").issued, 3u);
  EXPECT_EQ(h[0].sinks.at("crm").delivered, 1u);  // a was sent within the first hour
  EXPECT_EQ(h[0].from_received.count(), 1u);
  EXPECT_NEAR(h[0].from_received.quantile(0.5), 120'000, 1200);
  // The signal occurred at 1000 ms after the epoch (a test envelope): measured, huge.
  EXPECT_EQ(h[0].from_occurred.count(), 1u);
  const SinkCounts& later = h[1].sinks.at("crm");
  EXPECT_EQ(later.delivered, 0u);
  EXPECT_EQ(later.failed, 2u);
  EXPECT_EQ(later.dlq, 1u);
  EXPECT_EQ(later.cancelled, 1u);
  // One bucket of two hours holds both.
  q.step_ms = 2 * kHourMs;
  h = this->store->history(q);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].actions().failed, 2u);
  EXPECT_EQ(h[0].actions().delivered, 1u);
}

TYPED_TEST(StoreConformance, HistoryLatencySketchesMergeAcrossHoursIntoDays) {
  set_clock(kT0);
  this->store->enqueue_signals({this->signal("a"), this->signal("b"), this->signal("c"), this->signal("d")});
  auto taken = this->take_all();
  this->evaluate(taken);
  for (size_t i = 0; i < taken.size(); ++i) {
    // Delivered in four different hours, i hours and i + 1 minutes after received.
    int64_t latency = int64_t(i) * kHourMs + int64_t(i + 1) * 60'000;
    this->store->record_attempts(
        {{"k_" + taken[i].id, 1, taken[i].received_at_ms + latency, "sent", "sent", 200, "", "", 0}});
  }
  HistoryQuery q;
  q.from_ms = kT0;
  q.to_ms = kT0 + kDayMs;
  q.step_ms = kDayMs;
  auto h = this->store->history(q);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].actions().delivered, 4u);
  EXPECT_EQ(h[0].from_received.count(), 4u);
  // The day's median is the second latency: 1 h 2 min.
  EXPECT_NEAR(h[0].from_received.quantile(0.5), 2 * 60'000 + kHourMs, 0.01 * (2 * 60'000 + kHourMs));
}

TYPED_TEST(StoreConformance, AFileTailAdoptedAtStartIsCountedDelivered) {
  set_clock(kT0);
  this->store->enqueue_signals({this->signal("a")});
  this->evaluate(this->take_all());
  EXPECT_EQ(this->store->adopt_file_tail("/x/out.ndjson", {"k_a"}, 100, "found"), 1u);
  HistoryQuery q;
  q.from_ms = kT0;
  q.to_ms = kT0 + kHourMs;
  EXPECT_EQ(this->store->history(q).at(0).actions().delivered, 1u);
}

TYPED_TEST(StoreConformance, AReplayTakesItsSignalsOutcomesOutOfTheHistoryUntilEvaluatedAgain) {
  set_clock(kT0);
  this->store->enqueue_signals({this->signal("a"), this->signal("b")});
  this->evaluate(this->take_all(), "old");
  set_clock(kT0 + 3 * kHourMs);
  ReplayFilter f;
  f.play_set = "old";
  EXPECT_EQ(this->store->replay(f).signals, 2u);
  HistoryQuery q;
  q.from_ms = kT0;
  q.to_ms = kT0 + kDayMs;
  auto h = this->store->history(q);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].signals, 0u);                 // taken back
  EXPECT_EQ(h[0].sinks.at("crm").issued, 2u);  // the actions stay issued
  this->evaluate(this->take_all(), "new");
  h = this->store->history(q);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].start_ms, kT0 + 3 * kHourMs);  // counted in the hour they were evaluated again
  EXPECT_EQ(h[1].signals, 2u);
  EXPECT_EQ(h[1].outcomes.at("fired"), 2u);
  EXPECT_EQ(h[0].actions().issued + h[1].actions().issued, 2u);  // not issued twice
}

TYPED_TEST(StoreConformance, HistoryAndResolvedAlertsExpireAfterTheirTtl) {
  this->options.history_ttl_ms = 2 * kDayMs;
  this->options.sweep_interval_ms = 100;
  this->reopen();
  set_clock(kT0);
  this->store->enqueue_signals({this->signal("a")});
  this->evaluate(this->take_all());
  this->store->save_alerts(
      {{"playd/lag/high", "lag", "p", "lane high", "resolved", kT0 - kHourMs, kT0, 1, 2, "s", ""},
       {"playd/lag/normal", "lag", "p", "lane normal", "firing", kT0, 0, 1, 2, "s", ""}});
  set_clock(kT0 + 3 * kDayMs);
  HistoryQuery q;
  q.from_ms = kT0;
  q.to_ms = kT0 + kHourMs;
  for (int i = 0; i < 100 && !this->store->history(q).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(this->store->history(q).empty());
  auto alerts = this->store->alerts(0);
  ASSERT_EQ(alerts.size(), 1u);  // a firing alert is never expired
  EXPECT_EQ(alerts[0].key, "playd/lag/normal");
}

// ---- alerts, undelivered actions, the review queue --------------------------------

TYPED_TEST(StoreConformance, AlertIncidentsAreKeptFiringFirstAndTheirNotificationRecorded) {
  AlertRecord a{"playd/volume_drop/p", "volume_drop", "p", "", "firing", 1000, 0, 0.3, 0.5, "p: low", ""};
  AlertRecord b{"playd/lag/high", "lag", "q", "lane high", "firing", 2000, 0, 900, 300, "lag", ""};
  this->store->save_alerts({a, b});
  this->store->alert_notified(a.key, a.since_ms, "firing");
  a.state = "resolved";
  a.until_ms = 5000;
  a.value = 0.8;
  this->store->save_alerts({a});  // the same incident, resolved: notified is kept
  AlertRecord again = a;
  again.state = "firing";
  again.since_ms = 6000;
  again.until_ms = 0;
  this->store->save_alerts({again});  // a new incident of the same key
  this->reopen();
  auto all = this->store->alerts(0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].since_ms, 6000);  // firing, newest first
  EXPECT_EQ(all[1].key, "playd/lag/high");
  EXPECT_EQ(all[1].subject, "lane high");
  EXPECT_EQ(all[2].state, "resolved");
  EXPECT_EQ(all[2].until_ms, 5000);
  EXPECT_EQ(all[2].value, 0.8);
  EXPECT_EQ(all[2].notified, "firing");  // the resolve is not sent yet
  EXPECT_EQ(all[0].notified, "");
  EXPECT_EQ(this->store->alerts(5001).size(), 2u);  // resolved before: left out
}

TYPED_TEST(StoreConformance, UndeliveredActionsAreCountedByPlayAndSink) {
  set_clock(kT0);
  this->store->enqueue_signals({this->signal("a"), this->signal("b"), this->signal("c")});
  this->evaluate(this->take_all());
  this->store->record_attempts({{"k_c", 1, kT0, "sent", "sent", 200, "", "", 0}});
  EXPECT_TRUE(this->store->undelivered(kT0 - 1).empty());
  auto u = this->store->undelivered(kT0 + kHourMs);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].play, "p");
  EXPECT_EQ(u[0].sink, "crm");
  EXPECT_EQ(u[0].actions, 2u);
  EXPECT_GE(u[0].oldest_created_ms, kT0);
}

TYPED_TEST(StoreConformance, RecentActionsOfOneActionNewestFirst) {
  this->store->enqueue_signals({this->signal("a"), this->signal("b")});
  auto taken = this->take_all();
  for (size_t i = 0; i < taken.size(); ++i) {
    set_clock(kT0 + int64_t(i) * 1000);
    Evaluation ev;
    auto r = this->action("r_" + taken[i].id, "review");
    r.action = "review";
    r.account = "bigco.com";
    ev.signals.push_back(
        {taken[i].seq, taken[i].id, {}, {r, this->action("t_" + taken[i].id)}, taken[i].type});
    this->store->commit_evaluation(ev);
  }
  auto rows = this->store->recent_actions("review", 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key, "r_b");
  EXPECT_EQ(rows[0].account, "bigco.com");
  EXPECT_EQ(rows[0].signal_id, "b");
  // The service's clock runs on from the time set: a busy machine adds milliseconds.
  EXPECT_GE(rows[0].created_at_ms, kT0 + 1000);
  EXPECT_LT(rows[0].created_at_ms, kT0 + 2000);
  EXPECT_EQ(this->store->recent_actions("review", 1).size(), 1u);
  EXPECT_TRUE(this->store->recent_actions("enroll", 10).empty());
}

TYPED_TEST(StoreConformance, ReviewActionsAreQueuedOnceWithTheirActionUntilDone) {
  this->options.sweep_interval_ms = 100;
  this->reopen();
  this->store->enqueue_signals({this->signal("a"), this->signal("b"), this->signal("c")});
  auto taken = this->take_all();
  ASSERT_EQ(taken.size(), 3u);
  auto review = [&](const std::string& key, const std::string& args, bool shadow = false) {
    auto r = this->action(key, "review");
    r.action = "review";
    r.account = "bigco.com";
    r.contact = "ann@bigco.com";
    r.shadow = shadow;
    r.line = R"({"kind":"action","action":"review","args":)" + args + "}";
    return r;
  };
  for (size_t i = 0; i < taken.size(); ++i) {
    set_clock(kT0 + int64_t(i) * 1000);
    Evaluation ev;
    std::vector<ActionRecord> actions{this->action("t_" + taken[i].id)};
    if (i == 0) actions.push_back(review("r_a", R"({"queue":"weekly","note":"look"})"));
    if (i == 1) actions.push_back(review("r_b", R"({"queue":"intent","note":null})"));
    if (i == 2) actions.push_back(review("r_c", R"({"queue":"weekly"})", true));  // shadow: not queued
    ev.signals.push_back({taken[i].seq, taken[i].id, {}, actions, taken[i].type});
    this->store->commit_evaluation(ev);
    this->store->commit_evaluation(ev);  // committed again: still one item
  }
  this->store->done_signals(taken);
  auto open = this->store->review_items({});
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].key, "r_b");  // newest first
  EXPECT_EQ(open[0].queue, "intent");
  EXPECT_EQ(open[0].note, "");
  EXPECT_EQ(open[1].key, "r_a");
  EXPECT_EQ(open[1].play, "p");
  EXPECT_EQ(open[1].signal_id, "a");
  EXPECT_EQ(open[1].account, "bigco.com");
  EXPECT_EQ(open[1].contact, "ann@bigco.com");
  EXPECT_EQ(open[1].queue, "weekly");
  EXPECT_EQ(open[1].note, "look");
  EXPECT_EQ(open[1].status, "open");
  // The service clock runs on from each set_clock(): stamped at kT0, give or take the commit's time.
  EXPECT_GE(open[1].created_at_ms, kT0);
  EXPECT_LT(open[1].created_at_ms, kT0 + 1000);
  EXPECT_EQ(open[1].done_at_ms, 0);
  EXPECT_EQ(open[1].delivery, "pending");  // the action still goes to its sink
  EXPECT_EQ(this->store->action("r_a")->status, "pending");
  EXPECT_EQ(this->store->review_items({"weekly", "open", 10}).size(), 1u);
  EXPECT_EQ(this->store->review_items({"", "open", 1}).size(), 1u);
  EXPECT_TRUE(this->store->review_items({"", "done", 10}).empty());

  set_clock(kT0 + 5000);
  auto done = this->store->review_done("r_a", "ann", "called them");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, "done");
  EXPECT_GE(done->done_at_ms, kT0 + 5000);
  EXPECT_LT(done->done_at_ms, kT0 + 6000);
  EXPECT_EQ(done->done_by, "ann");
  EXPECT_EQ(done->comment, "called them");
  set_clock(kT0 + 6000);
  auto again = this->store->review_done("r_a", "bob", "");  // idempotent: the first mark is kept
  ASSERT_TRUE(again);
  EXPECT_EQ(again->done_at_ms, done->done_at_ms);
  EXPECT_EQ(again->done_by, "ann");
  EXPECT_FALSE(this->store->review_done("nope", "ann", ""));

  this->reopen();  // durable
  auto d = this->store->review_items({"", "done", 10});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key, "r_a");
  EXPECT_EQ(d[0].comment, "called them");
  EXPECT_EQ(this->store->review_items({"", "all", 10}).size(), 2u);
  EXPECT_EQ(this->store->review_items({"", "open", 10}).size(), 1u);

  // Done items expire a trace TTL after they were done; open ones are kept.
  set_clock(kT0 + 5000 + this->options.trace_ttl_ms + kDayMs);
  for (int i = 0; i < 100 && !this->store->review_items({"", "done", 10}).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(this->store->review_items({"", "done", 10}).empty());
  auto left = this->store->review_items({"", "all", 10});
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].key, "r_b");
}

}  // namespace
}  // namespace play::store
