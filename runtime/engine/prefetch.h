// The steps in which an in-memory store loads what a signal will read, a
// signal apart (Engine::prefetch; apps/playc/backtest.cpp runs them for the
// next three signals): each step needs what the one before loaded.
#pragma once

namespace play::engine {

enum class PrefetchStep {
  Key,    // the entity's entry in its table
  Table,  // what that entry points at (its table of patterns or fires)
  States  // the entries the signal will read in there
};

}  // namespace play::engine
