// The two kinds of context record plays read (LANGUAGE.md section 7): one
// enum for the engine, the store and ingestion alike.
#pragma once

#include <cstdint>

namespace play {

enum class Entity : uint8_t { Account, Contact };

}  // namespace play
