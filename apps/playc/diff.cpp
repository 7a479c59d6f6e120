// `playc diff OLD NEW --signals FILE`: backtests two versions of a play set
// (directories, files or bundles) over the same signals (backtest.h) and
// reports, per play, the actions added, removed and changed.
//
// An action is identified by its play, its signal, the action's name, its
// sink and its rank among the actions with those four in common (so a `do`
// inserted before another does not make every later one look new); two
// actions with the same identity "changed" when their arguments, priority
// or shadow flag differ. Exit 1 when anything differs, 0 when nothing does,
// 2 on a usage, I/O or compile error (CI can require a reviewed change).
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "apps/playc/backtest.h"
#include "apps/playc/commands.h"
#include "common/json/json.h"
#include "runtime/engine/render.h"

namespace play::playc {

namespace {

struct ActionId {
  std::string play, signal, action, sink;
  uint32_t rank = 0;
  auto operator<=>(const ActionId&) const = default;
};

// What a changed action may differ in: its rendered arguments and flags.
using ActionBody = std::string;  // {"args": {...}, "priority": "...", "shadow": bool} as JSON

struct Run {
  std::map<ActionId, ActionBody> actions;
  std::set<std::string> plays;             // every play of the set, acting or not
  std::map<std::string, size_t> per_play;  // actions per play
  size_t signals = 0;
};

class CollectSink : public engine::OutputSink {
 public:
  explicit CollectSink(Run& run) : run_(run) {}
  void action(const engine::Action& a) override {
    ActionId id{std::string(a.play), std::string(a.signal), std::string(a.action), std::string(a.sink), 0};
    id.rank = rank_[std::make_tuple(id.play, id.signal, id.action, id.sink)]++;
    std::string body = "{\"args\":{";
    for (size_t i = 0; i < a.args.size(); ++i) {
      if (i) body += ',';
      json::append_string(body, a.def->args[i].name);
      body += ':';
      engine::append_value_json(body, a.args[i]);
    }
    body += "},\"priority\":\"";
    body += vm::priority_name(a.priority);
    body += a.shadow ? "\",\"shadow\":true}" : "\",\"shadow\":false}";
    ++run_.per_play[id.play];
    run_.actions.emplace(std::move(id), std::move(body));
  }
  void outcome(const engine::Outcome&) override {}
  bool wants_progress() const override { return false; }

 private:
  Run& run_;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, uint32_t> rank_;
};

// Loads one side and backtests it; the exit code (2 for any failure).
int run_side(const std::string& path, const DiffOptions& o, Run& run) {
  vm::Bundle bundle;
  if (report_load(loader::load({path}, bundle))) return 2;
  for (const auto& p : bundle.plays) run.plays.insert(p.name);
  CollectSink sink(run);
  BacktestResult r = backtest(bundle, {o.signals, o.context, "playc diff"}, sink);
  run.signals = r.signals;
  if (r.rc) return 2;
  // Lines neither side can read are reported (by backtest) and left out of
  // the comparison, as `playc run` does.
  if (r.skipped)
    std::fprintf(stderr, "playc diff: %zu signal line%s skipped with the plays of '%s'\n", r.skipped,
                 r.skipped == 1 ? "" : "s", path.c_str());
  return 0;
}

struct Change {
  const ActionId* id;
  const ActionBody* old_body = nullptr;  // removed, changed
  const ActionBody* new_body = nullptr;  // added, changed
};

struct PlayDiff {
  std::string play;
  std::string status;  // "same", "changed", "added" (only in NEW), "removed" (only in OLD)
  size_t old_actions = 0, new_actions = 0;
  std::vector<Change> added, removed, changed;
  bool differs() const {
    return !added.empty() || !removed.empty() || !changed.empty() || status == "added" || status == "removed";
  }
};

std::vector<PlayDiff> compare(const Run& a, const Run& b) {
  std::map<std::string, PlayDiff> plays;
  std::set<std::string> names(a.plays);
  names.insert(b.plays.begin(), b.plays.end());
  for (const auto& n : names) {
    PlayDiff& d = plays[n];
    d.play = n;
    bool in_a = a.plays.count(n), in_b = b.plays.count(n);
    d.status = !in_a ? "added" : !in_b ? "removed" : "same";
    auto ca = a.per_play.find(n), cb = b.per_play.find(n);
    d.old_actions = ca == a.per_play.end() ? 0 : ca->second;
    d.new_actions = cb == b.per_play.end() ? 0 : cb->second;
  }
  // Both maps are ordered by identity: one merge pass.
  auto ia = a.actions.begin(), ib = b.actions.begin();
  while (ia != a.actions.end() || ib != b.actions.end()) {
    if (ib == b.actions.end() || (ia != a.actions.end() && ia->first < ib->first)) {
      plays[ia->first.play].removed.push_back({&ia->first, &ia->second, nullptr});
      ++ia;
    } else if (ia == a.actions.end() || ib->first < ia->first) {
      plays[ib->first.play].added.push_back({&ib->first, nullptr, &ib->second});
      ++ib;
    } else {
      if (ia->second != ib->second)
        plays[ia->first.play].changed.push_back({&ia->first, &ia->second, &ib->second});
      ++ia, ++ib;
    }
  }
  std::vector<PlayDiff> out;
  for (auto& [n, d] : plays) {
    if (d.status == "same" && d.differs()) d.status = "changed";
    out.push_back(std::move(d));
  }
  return out;
}

void write_changes(json::Writer& w, const std::vector<Change>& cs, size_t limit) {
  w.begin_array();
  for (size_t i = 0; i < cs.size() && i < limit; ++i) {
    const Change& c = cs[i];
    w.begin_object();
    w.key("signal").value(c.id->signal);
    w.key("action").value(c.id->action);
    w.key("sink").value(c.id->sink);
    if (c.old_body) w.key("old").raw(*c.old_body);
    if (c.new_body) w.key("new").raw(*c.new_body);
    w.end_object();
  }
  w.end_array();
}

std::string json_report(const std::vector<PlayDiff>& plays, const Run& a, const Run& b, bool differ,
                        size_t limit) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("identical").value(!differ);
  w.key("signals").value(static_cast<uint64_t>(a.signals));
  w.key("old_actions").value(static_cast<uint64_t>(a.actions.size()));
  w.key("new_actions").value(static_cast<uint64_t>(b.actions.size()));
  w.key("plays").begin_array();
  for (const auto& d : plays) {
    w.begin_object();
    w.key("play").value(d.play);
    w.key("status").value(d.status);
    w.key("old_actions").value(static_cast<uint64_t>(d.old_actions));
    w.key("new_actions").value(static_cast<uint64_t>(d.new_actions));
    w.key("added").value(static_cast<uint64_t>(d.added.size()));
    w.key("removed").value(static_cast<uint64_t>(d.removed.size()));
    w.key("changed").value(static_cast<uint64_t>(d.changed.size()));
    w.key("examples").begin_object();
    w.key("added");
    write_changes(w, d.added, limit);
    w.key("removed");
    write_changes(w, d.removed, limit);
    w.key("changed");
    write_changes(w, d.changed, limit);
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out + "\n";
}

std::string text_report(const std::vector<PlayDiff>& plays, const Run& a, const Run& b, bool differ,
                        size_t limit) {
  std::string out;
  size_t n = 0;
  for (const auto& d : plays) {
    if (!d.differs()) continue;
    ++n;
    out += "play " + d.play;
    if (d.status == "added") out += " (new play)";
    if (d.status == "removed") out += " (play removed)";
    out += ": " + std::to_string(d.added.size()) + " added, " + std::to_string(d.removed.size()) +
           " removed, " + std::to_string(d.changed.size()) + " changed (" + std::to_string(d.old_actions) +
           " -> " + std::to_string(d.new_actions) + " actions)\n";
    auto list = [&](const char* what, const std::vector<Change>& cs) {
      for (size_t i = 0; i < cs.size() && i < limit; ++i) {
        const Change& c = cs[i];
        out += std::string("  ") + what + " signal " + c.id->signal + ": " + c.id->action + " -> " +
               (c.id->sink.empty() ? "?" : c.id->sink) + "\n";
        if (c.old_body && c.new_body) out += "      old " + *c.old_body + "\n      new " + *c.new_body + "\n";
      }
      if (cs.size() > limit) out += "  ... and " + std::to_string(cs.size() - limit) + " more " + what + "\n";
    };
    list("added  ", d.added);
    list("removed", d.removed);
    list("changed", d.changed);
  }
  if (differ)
    out += std::to_string(n) + " play" + (n == 1 ? "" : "s") + " differ over " + std::to_string(a.signals) +
           " signals (" + std::to_string(a.actions.size()) + " -> " + std::to_string(b.actions.size()) +
           " actions)\n";
  else
    out += "no difference over " + std::to_string(a.signals) + " signals (" +
           std::to_string(a.actions.size()) + " actions)\n";
  return out;
}

}  // namespace

int run_diff(const DiffOptions& o) {
  Run a, b;
  if (int rc = run_side(o.old_path, o, a)) return rc;
  if (int rc = run_side(o.new_path, o, b)) return rc;
  std::vector<PlayDiff> plays = compare(a, b);
  bool differ = false;
  for (const auto& d : plays) differ = differ || d.differs();
  std::string out = o.format == "json" ? json_report(plays, a, b, differ, o.examples)
                                       : text_report(plays, a, b, differ, o.examples);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return differ ? 1 : 0;
}

}  // namespace play::playc
