#include "runtime/ingest/gzip.h"

#include <zlib.h>

namespace play::ingest {

InflateResult inflate_body(std::string_view compressed, size_t limit, std::string& out, std::string& error) {
  out.clear();
  z_stream zs{};
  // 15 + 32: the largest window, with gzip/zlib header auto-detection.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) {
    error = "cannot initialise zlib";
    return InflateResult::Malformed;
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  char chunk[16384];
  int rc = Z_OK;
  InflateResult result = InflateResult::Ok;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      error = std::string("malformed compressed body: ") + (zs.msg ? zs.msg : "truncated or corrupt stream");
      result = InflateResult::Malformed;
      break;
    }
    size_t produced = sizeof chunk - zs.avail_out;
    if (out.size() + produced > limit) {
      result = InflateResult::TooLarge;
      break;
    }
    out.append(chunk, produced);
    if (rc == Z_OK && produced == 0 && zs.avail_in == 0) {
      error = "malformed compressed body: truncated stream";
      result = InflateResult::Malformed;
      break;
    }
  }
  inflateEnd(&zs);
  return result;
}

}  // namespace play::ingest
