// What every backend of the store guarantees (store.h), run against each
// one: the embedded SQLite store now, PostgreSQL next. A new backend adds a
// Backend type to kBackends and must pass all of it unchanged.
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
};

template <class Backend>
class StoreConformance : public ::testing::Test {
 protected:
  Backend backend;
  StoreOptions options;
  std::unique_ptr<Store> store;

  void SetUp() override {
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
    for (const auto& s : taken)
      ev.signals.push_back({s.seq, s.id, {{"p", "fired", "", "", "", false}}, {action("k_" + s.id)}});
    store->commit_evaluation(ev);
    store->done_signals(taken);
  }
};

using kBackends = ::testing::Types<SqliteBackend>;
TYPED_TEST_SUITE(StoreConformance, kBackends);

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
    e.outcomes = {{"p", fired ? "fired" : "suppressed", fired ? "" : "do not contact", "p.play:3:3", "", false},
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
  ev.signals.push_back({taken[0].seq, "a", {}, {}});
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

}  // namespace
}  // namespace play::store
