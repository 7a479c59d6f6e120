// What an authenticated source may send (SourceConfig): which signal types
// (glob patterns), whether it may change context records (PUT endpoints and
// the context-changing signal types), and which Segment identify/group
// traits may change them. `nullptr` is the open loopback mode (no sources
// configured): everything is allowed, as before sources existed.
#pragma once

#include <string>
#include <string_view>

#include "runtime/ingest/auth.h"
#include "runtime/store/store.h"

namespace play::ingest {

// '*' matches any run of characters, dots included; nothing else is special.
bool glob_match(std::string_view pattern, std::string_view text);

// "" when `source` may send a signal of `type`, else the rule that refuses
// it ("source 'website' may not send crm.contact_updated (...)").
std::string refuse_signal(const SourceConfig* source, std::string_view type);

// "" when `source` may PUT context records, else why not.
std::string refuse_context(const SourceConfig* source);

// Keeps, of a JSON object of record fields, those `source` may set on
// `entity` through Segment identify/group traits; `dropped` counts the rest.
// Returns the kept fields as a JSON object ("{}" when none).
std::string allowed_traits(const SourceConfig* source, store::Entity entity, std::string_view fields_json,
                           size_t& dropped);

}  // namespace play::ingest
