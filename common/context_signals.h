// The signal types that change context (LANGUAGE.md section 7; the stdlib
// catalog declares them): the engine upserts their properties into the
// account / contact record before any play sees the signal; ingestion
// treats them as context changes (a source needs `context = true`); playd
// puts them in the high lane, so no decision is made on context older than
// an update acknowledged before it. Named here once.
#pragma once

#include <string_view>

namespace play {

inline constexpr std::string_view kAccountUpdatedType = "crm.account_updated";
inline constexpr std::string_view kContactUpdatedType = "crm.contact_updated";

inline bool changes_context(std::string_view signal_type) {
  return signal_type == kAccountUpdatedType || signal_type == kContactUpdatedType;
}

}  // namespace play
