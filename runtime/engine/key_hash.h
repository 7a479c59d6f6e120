// The hasher of the engine's in-memory tables keyed by strings (account and
// contact keys, signal ids, ledger keys): Abseil's, which is several times
// faster than std::hash's for short keys, with std::string_view lookups
// (Debian's Abseil has its own string_view, so its StringHash does not take ours).
#pragma once

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <functional>
#include <string_view>

namespace play::engine {

struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
  }
};

}  // namespace play::engine
