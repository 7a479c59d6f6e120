// What N playd processes on one PostgreSQL store share (pg_store.h), shown
// with two or three stores on one database, each a node: claims in lane
// and account order, dedup across nodes, a dead node's claims and actions
// and actions taken over, context upserts reaching every node. The conformance suite
// (runtime/store/conformance_test.cpp) covers the single node.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "runtime/store/postgres/pg_store.h"
#include "runtime/store/postgres/test_cluster.h"
#include "runtime/store/store.h"

namespace play::store {
namespace {

class Nodes : public ::testing::Test {
 protected:
  std::string url;
  void SetUp() override {
    std::string error;
    pg::TestCluster* cluster = pg::TestCluster::shared(error);
    if (!cluster) GTEST_SKIP() << "no PostgreSQL: " << error;
    url = cluster->create_database(error);
    ASSERT_FALSE(url.empty()) << error;
  }
  std::unique_ptr<Store> node(const std::string& name) {
    std::string error;
    auto s = open_store(url + "&playd_node=" + name, StoreOptions{}, error);
    EXPECT_TRUE(s) << error;
    return s;
  }
  static IncomingSignal signal(const std::string& id, const std::string& account) {
    IncomingSignal s;
    s.id = id;
    s.type = "website.form_submitted";
    s.envelope = R"({"id":")" + id + R"(","type":"website.form_submitted","account":")" + account + R"("})";
    return s;
  }
  static std::vector<std::string> ids(const std::vector<QueuedSignal>& q) {
    std::vector<std::string> out;
    for (const auto& s : q) out.push_back(s.id);
    return out;
  }
  static void evaluate(Store& s, const std::vector<QueuedSignal>& taken) {
    Evaluation ev;
    ev.play_set = "v1";
    for (const auto& q : taken) {
      ActionRecord a;
      a.key = "k_" + q.id;
      a.play = "p";
      a.action = "task";
      a.sink = "crm";
      a.line = "{}";
      ev.signals.push_back({q.seq, q.id, {{"p", "fired", "", "", "", false}}, {a}, q.type});
    }
    s.commit_evaluation(ev);
    s.done_signals(taken);
  }
};

TEST_F(Nodes, TwoSignalsOfOneAccountAreNeverEvaluatedByTwoNodesAtOnce) {
  auto a = node("a"), b = node("b");
  a->enqueue_signals({signal("x1", "x.com"), signal("x2", "X.com"), signal("y1", "y.com")});
  std::vector<QueuedSignal> on_a, on_b;
  ASSERT_TRUE(a->take_signals(1, on_a, 0));
  EXPECT_EQ(ids(on_a), std::vector<std::string>{"x1"});
  // x2 waits for x1 (on a); b takes y1 only.
  EXPECT_TRUE(b->take_signals(10, on_b, 0));
  EXPECT_EQ(ids(on_b), std::vector<std::string>{"y1"});
  on_b.clear();
  EXPECT_FALSE(b->take_signals(10, on_b, 0));
  evaluate(*a, on_a);
  EXPECT_TRUE(b->take_signals(10, on_b, 0));  // x1 is evaluated: x2 is free
  EXPECT_EQ(ids(on_b), std::vector<std::string>{"x2"});
}

TEST_F(Nodes, ANodeTakesTheNextSignalOfAnAccountItHoldsAlready) {
  auto a = node("a"), b = node("b");
  a->enqueue_signals({signal("x1", "x.com"), signal("x2", "x.com")});
  std::vector<QueuedSignal> first, second, other;
  ASSERT_TRUE(a->take_signals(1, first, 0));
  EXPECT_EQ(ids(first), std::vector<std::string>{"x1"});
  EXPECT_FALSE(b->take_signals(10, other, 0));
  ASSERT_TRUE(a->take_signals(10, second, 0));  // after x1, on the same node
  EXPECT_EQ(ids(second), std::vector<std::string>{"x2"});
}

TEST_F(Nodes, ANodeTakesARunOfOneAccountsSignalsInOneBatchInOrder) {
  auto a = node("a"), b = node("b");
  a->enqueue_signals({signal("x1", "x.com"), signal("x2", "x.com"), signal("x3", "x.com")});
  std::vector<QueuedSignal> taken, other;
  ASSERT_TRUE(a->take_signals(10, taken, 0));
  EXPECT_EQ(ids(taken), (std::vector<std::string>{"x1", "x2", "x3"}));
  EXPECT_FALSE(b->take_signals(10, other, 0));
}

TEST_F(Nodes, ALaterHighLaneSignalWaitsForItsAccountsEarlierNormalOne) {
  StoreOptions options;
  options.high_lane_types = {"website.page_viewed"};
  std::string error;
  auto a = open_store(url + "&playd_node=a", options, error);
  ASSERT_TRUE(a) << error;
  IncomingSignal high = signal("x2", "x.com");
  high.type = "website.page_viewed";
  a->enqueue_signals({signal("x1", "x.com"), high, signal("y1", "y.com")});
  std::vector<QueuedSignal> taken;
  ASSERT_TRUE(a->take_signals(1, taken, 0));
  EXPECT_EQ(ids(taken), std::vector<std::string>{"x1"});  // not x2: it would overtake x1
  taken.clear();
  ASSERT_TRUE(a->take_signals(10, taken, 0));
  EXPECT_EQ(ids(taken), (std::vector<std::string>{"x2", "y1"}));
}

TEST_F(Nodes, ARepeatIdIsADuplicateOnAnyNode) {
  auto a = node("a"), b = node("b");
  EXPECT_EQ(a->enqueue_signals({signal("s", "x.com")}), std::vector<Enqueued>{Enqueued::Accepted});
  EXPECT_EQ(b->enqueue_signals({signal("s", "x.com")}), std::vector<Enqueued>{Enqueued::Duplicate});
}

TEST_F(Nodes, ContextUpsertsOnOneNodeReachQualificationOnEvery) {
  auto a = node("a"), b = node("b");
  a->upsert_context({{Entity::Account, "X.com", R"({"tier":1})"}});
  b->upsert_context({{Entity::Account, "x.com", R"({"tier":2})"}});
  for (auto* s : {a.get(), b.get()}) {
    auto got = s->take_context();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].fields_json, R"({"tier":1})");
    EXPECT_EQ(got[1].fields_json, R"({"tier":2})");
    EXPECT_TRUE(s->take_context().empty());
  }
}

// A play's context write (crm.* upsert, enroll's last_enrolled_at) on one
// node must reach the others' caches: suppression reads it.
TEST_F(Nodes, ContextThePlaysWriteOnOneNodeReachesQualificationOnEvery) {
  auto a = node("a"), b = node("b");
  Evaluation ev;
  ev.play_set = "v1";
  ev.context = {{Entity::Contact, "ana@x.com", R"({"last_enrolled_at":5})"}};
  a->commit_evaluation(ev);
  auto got = b->take_context();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].key, "ana@x.com");
  EXPECT_EQ(got[0].fields_json, R"({"last_enrolled_at":5})");
}

// A context row whose number was taken before a row already read, and that
// commits after it, is still handed out.
TEST_F(Nodes, AContextRowCommittedAfterAHigherNumberedOneIsNotSkipped) {
  auto a = node("a");
  pg::Conn late(url);
  late.exec("BEGIN");
  late.exec("INSERT INTO context_log(entity, key, fields, at_ms) VALUES (0, 'late.com', '{}', 0)");
  a->upsert_context({{Entity::Account, "early.com", R"({"tier":1})"}});
  auto first = a->take_context();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].key, "early.com");
  late.exec("COMMIT");
  auto second = a->take_context();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].key, "late.com");
  EXPECT_TRUE(a->take_context().empty());
}

TEST_F(Nodes, ALiveNodesOpenActionsAreItsOwnAndADeadNodesAreTakenOver) {
  // Node "dead" evaluates and dies (no destructor: as kill -9) holding a
  // claim and an open action.
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto d = node("dead");
    d->enqueue_signals({signal("s1", "x.com"), signal("s2", "y.com")});
    std::vector<QueuedSignal> taken;
    if (!d->take_signals(1, taken, 0)) ::_exit(3);
    evaluate(*d, taken);  // s1: its action k_s1 is open, owned by "dead"
    taken.clear();
    if (!d->take_signals(1, taken, 0)) ::_exit(4);  // s2: claimed, never evaluated
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  auto a = node("a");
  std::vector<QueuedSignal> taken;
  EXPECT_FALSE(a->take_signals(10, taken, 0));  // "dead" beat a moment ago: still its own
  EXPECT_TRUE(a->open_actions().empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(PgStore::kDeadAfterMs + 1500));
  ASSERT_TRUE(a->take_signals(10, taken, 0));
  EXPECT_EQ(ids(taken), std::vector<std::string>{"s2"});
  auto b = node("b");
  auto adopted = a->adopt_orphaned_actions();  // a running node's executor, now and then
  ASSERT_EQ(adopted.size(), 1u);
  EXPECT_EQ(adopted[0].key, "k_s1");
  EXPECT_TRUE(b->adopt_orphaned_actions().empty());  // each handed to one node
  EXPECT_TRUE(b->open_actions().empty());            // "a" is alive: k_s1 is a's now
  EXPECT_EQ(a->open_actions().size(), 1u);           // what a restart of "a" would resume
}

}  // namespace
}  // namespace play::store
