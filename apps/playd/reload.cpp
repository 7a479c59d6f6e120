#include "apps/playd/reload.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include "apps/playd/plays_loader.h"
#include "common/json/json.h"
#include "common/time/time.h"
#include "compiler/diag/render.h"
#include "compiler/loader/loader.h"
#include "runtime/vm/bundle.h"

namespace play::playd {

namespace {

ReloadResult refused(const std::string& why, const std::string& diagnostics_json) {
  std::string body;
  json::Writer w(body);
  w.begin_object().key("reloaded").value(false).key("error").value(why);
  if (!diagnostics_json.empty()) w.key("check").raw(diagnostics_json);
  w.end_object();
  return {422, body};
}

}  // namespace

Reloader::Reloader(std::vector<std::string> paths, const Config& config, engine::LivePlays& live,
                   store::Store& store, qualify::Qualifier& qualifier, observe::Metrics& metrics)
    : paths_(std::move(paths)),
      config_(config),
      live_(live),
      store_(store),
      qualifier_(qualifier),
      metrics_(metrics) {}

ReloadResult Reloader::reload(const char* why) {
  std::lock_guard<std::mutex> lock(mu_);
  auto fail = [&](const std::string& error, const std::string& diagnostics) {
    metrics_.reloaded("failed");
    std::fprintf(stderr, "playd: reload (%s) refused, the running plays stay: %s\n", why, error.c_str());
    std::fflush(stderr);
    return refused(error, diagnostics);
  };
  auto bundle = std::make_shared<vm::Bundle>();
  loader::Loaded loaded = loader::load(paths_, *bundle);
  if (!loaded.ok()) {
    std::string diagnostics = loaded.project ? render_json(loaded.project->sources, loaded.diagnostics) : "";
    std::string text = loaded.error_text();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return fail(loaded.from_bundle() ? text : "the plays do not compile",
                diagnostics.empty() ? "" : diagnostics);
  }
  if (bundle->plays.empty() && !config_.allow_no_plays)
    return fail("no plays: refusing to run with none (allow_no_plays is off)", "");
  // The configuration must still hold with the new plays (Segment mapping,
  // source signal patterns, traits): the config of the start, checked again.
  Config check = config_;
  std::string error;
  if (!finish_config(check, *bundle, error))
    return fail("the configuration does not fit the new plays: " + error, "");
  std::string version = play_set_version(*bundle);
  auto previous = live_.current();
  if (version == previous->version) {
    metrics_.reloaded("unchanged");
    std::fprintf(stderr, "playd: reload (%s): plays unchanged (play set %s)\n", why, version.c_str());
    std::fflush(stderr);
    std::string body;
    json::Writer(body)
        .begin_object()
        .key("reloaded")
        .value(false)
        .key("unchanged")
        .value(true)
        .key("play_set")
        .value(version)
        .end_object();
    return {200, body};
  }
  std::vector<std::string> names;
  for (const auto& p : bundle->plays) names.push_back(p.name);
  // Published first: a shared store's nodes (this one included) evaluate
  // with the store's current set from their next claim.
  try {
    store_.publish_play_set(version, vm::write_bundle(*bundle));
  } catch (const std::exception& e) {
    return fail(std::string("cannot publish the play set to the store: ") + e.what(), "");
  }
  store_.set_high_lane_types(qualify::high_lane_types(*bundle));
  size_t plays = bundle->plays.size();
  // Qualification may have taken it up from the store already.
  if (live_.current()->version != version) live_.replace(bundle, version, now_ms());
  uint64_t generation = live_.current()->generation;
  // Answer once qualification evaluates with the new set (it takes it up
  // between two batches; a batch takes milliseconds).
  for (int i = 0; i < 3000 && qualifier_.generation_in_use() < generation; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  try {
    store_.record_play_set(version, names);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "playd: cannot record play set %s yet: %s\n", version.c_str(), e.what());
  }
  metrics_.reloaded("ok");
  std::fprintf(stderr, "playd: reload (%s): %zu plays, play set %s (was %s)\n", why, plays, version.c_str(),
               previous->version.c_str());
  std::fflush(stderr);
  std::string body;
  json::Writer(body)
      .begin_object()
      .key("reloaded")
      .value(true)
      .key("play_set")
      .value(version)
      .key("previous")
      .value(previous->version)
      .key("plays")
      .value(uint64_t(plays))
      .end_object();
  return {200, body};
}

bool adopt_play_set(const std::string& version, const Config& config, engine::LivePlays& live,
                    store::Store& store, observe::Metrics& metrics) {
  auto refuse = [&](const std::string& why) {
    metrics.reloaded("failed");
    std::fprintf(
        stderr,
        "playd: play set %s, current in the store, cannot run here (%s): signals wait until it can or "
        "another set is published\n",
        version.c_str(), why.c_str());
    std::fflush(stderr);
    return false;
  };
  std::optional<std::string> bytes;
  try {
    bytes = store.play_set_bundle(version);
  } catch (const std::exception& e) {
    return refuse(e.what());
  }
  if (!bytes) return refuse("the store has no bundle by that version");
  auto bundle = std::make_shared<vm::Bundle>();
  std::string error;
  if (!vm::read_bundle(*bytes, *bundle, error)) return refuse("unreadable bundle: " + error);
  if (play_set_version(*bundle) != version) return refuse("the bundle does not match its version");
  Config check = config;
  if (!finish_config(check, *bundle, error))
    return refuse("the configuration does not fit its plays: " + error);
  auto previous = live.current();
  if (previous->version == version) return true;
  store.set_high_lane_types(qualify::high_lane_types(*bundle));
  size_t plays = bundle->plays.size();
  live.replace(std::move(bundle), version, now_ms());
  metrics.reloaded("ok");
  std::fprintf(stderr, "playd: play set %s from the store (published by another node): %zu plays (was %s)\n",
               version.c_str(), plays, previous->version.c_str());
  std::fflush(stderr);
  return true;
}

// inotify on every directory under the paths (and a file's directory);
// a burst of events (an editor's save, a git checkout) is one reload after
// 300 ms of quiet. New subdirectories are watched too.
void watch_plays(const std::vector<std::string>& paths, Reloader& reloader, const std::atomic<bool>& stop) {
  namespace fs = std::filesystem;
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "playd: --watch: inotify unavailable; plays are not watched\n");
    return;
  }
  const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE;
  auto add_tree = [&](const fs::path& p) {
    std::error_code ec;
    fs::path dir = fs::is_directory(p, ec) ? p : p.parent_path();
    if (dir.empty()) dir = ".";
    inotify_add_watch(fd, dir.c_str(), mask);
    if (fs::is_directory(dir, ec))
      for (auto it = fs::recursive_directory_iterator(dir, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_directory(ec)) inotify_add_watch(fd, it->path().c_str(), mask);
  };
  for (const auto& p : paths) add_tree(p);
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  bool dirty = false;
  auto last_event = std::chrono::steady_clock::now();
  while (!stop.load()) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 100) > 0) {
      ssize_t n;
      while ((n = ::read(fd, buf, sizeof buf)) > 0) {
        for (char* p = buf; p < buf + n;) {
          auto* ev = reinterpret_cast<inotify_event*>(p);
          std::string name = ev->len ? ev->name : "";
          if ((ev->mask & IN_ISDIR) && (ev->mask & IN_CREATE)) {
            for (const auto& root : paths) add_tree(root);  // a new folder: watch it too
            dirty = true;
          } else if (name.size() > 5 && name.compare(name.size() - 5, 5, ".play") == 0) {
            dirty = true;
          }
          p += sizeof(inotify_event) + ev->len;
        }
        last_event = std::chrono::steady_clock::now();
      }
    }
    if (dirty && std::chrono::steady_clock::now() - last_event > std::chrono::milliseconds(300)) {
      dirty = false;
      reloader.reload("watch");
    }
  }
  ::close(fd);
}

}  // namespace play::playd
