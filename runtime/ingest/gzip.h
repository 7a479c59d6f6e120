// Request body decompression (Content-Encoding: gzip or deflate), as the
// Segment and RudderStack SDKs send. Bounded: a small compressed body can
// expand enormously (a "zip bomb"), so inflation stops at `limit` bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace play::ingest {

enum class InflateResult { Ok, Malformed, TooLarge };

// Accepts gzip and zlib framing (detected from the header). On Malformed,
// `error` says why.
InflateResult inflate_body(std::string_view compressed, size_t limit, std::string& out, std::string& error);

}  // namespace play::ingest
