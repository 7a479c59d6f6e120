#include "runtime/jit/runner.h"

#include <algorithm>

namespace play::jit {

namespace {

// Every program of the bundle the engine may run.
template <class F>
void for_each_program(const vm::Bundle& b, F f) {
  for (const vm::Icp& icp : b.icps) f(icp.program);
  for (const vm::SuppressionRule& rule : b.suppressions) f(rule.program);
  for (const vm::Play& play : b.plays) {
    for (const vm::PatternMember& m : play.pattern.members) {
      f(m.filter);
      f(m.weight);
    }
    for (const vm::Clause& c : play.clauses) f(c.program);
    for (const vm::Let& let : play.lets) f(let.program);
    for (const vm::Action& action : play.actions) {
      for (const vm::ActionArg& arg : action.args) f(arg.program);
      f(action.mrkdwn_text);
    }
  }
}

}  // namespace

Runner::Runner(const vm::Bundle& bundle, RunnerOptions options) : options_(options) {
  std::vector<const vm::Program*> all;
  for_each_program(bundle, [&](const vm::Program& p) {
    if (!p.code.empty() && index_.emplace(&p, uint32_t(all.size())).second) all.push_back(&p);
  });
  entries_ = std::make_unique<Entry[]>(all.size());
  stats_.programs = all.size();
  if (options_.eager) {
    for (size_t i = 0; i < all.size(); i += kBatch)
      compile(std::span(all).subspan(i, std::min(kBatch, all.size() - i)));
    return;
  }
  thread_ = std::thread([this] { work(); });
}

Runner::~Runner() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

vm::EvalResult Runner::eval(const vm::Program& program, vm::EvalContext& ctx) {
  auto it = index_.find(&program);
  if (it == index_.end()) return vm::eval(program, ctx);
  Entry& e = entries_[it->second];
  if (CompiledFn code = e.code.load(std::memory_order_acquire)) return run(code, program, ctx);
  if (!options_.eager && e.evaluations.fetch_add(1, std::memory_order_relaxed) + 1 == options_.threshold) {
    std::lock_guard lock(mu_);
    queue_.push_back(&program);
    wake_.notify_one();
  }
  return vm::eval(program, ctx);
}

void Runner::compile(std::span<const vm::Program* const> programs) {
  std::vector<std::string> whys;
  std::vector<const Compiled*> code = jit_.compile(programs, whys);
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < programs.size(); ++i) {
    if (code[i]) {
      ++stats_.compiled;
      stats_.compile_ms += code[i]->compile_ms;
    } else {
      ++stats_.stayed;
      stats_.reasons.push_back(whys[i]);
    }
    // Published after the code is complete: the engine's acquire load sees all of it.
    entries_[index_.at(programs[i])].code.store(code[i] ? code[i]->fn : nullptr, std::memory_order_release);
  }
}

void Runner::work() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    // What is queued now, as one batch (programs reaching the threshold together usually do).
    std::vector<const vm::Program*> batch;
    while (!queue_.empty() && batch.size() < kBatch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    busy_ = true;
    lock.unlock();
    compile(batch);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

void Runner::wait_idle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return stop_ || (queue_.empty() && !busy_); });
}

RunnerStats Runner::stats() {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace play::jit
