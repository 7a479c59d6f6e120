// Per-source authentication of ingestion requests. A source is configured
// with one kind of secret: a bearer token, a Segment write key (HTTP Basic,
// the key as user name, as the Segment and RudderStack SDKs send it), or a
// Standard Webhooks secret ("whsec_..."). With no source configured at all
// (a first run), unauthenticated requests are accepted from loopback only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/ingest/http_server.h"

namespace play::ingest {

enum class SourceKind { Bearer, SegmentWriteKey, StandardWebhooks };

struct SourceConfig {
  std::string name;  // becomes the signal's `source` when the envelope has none
  SourceKind kind = SourceKind::Bearer;
  std::string secret;
};

struct AuthResult {
  bool ok = false;
  std::string source;      // the matching source's name ("" for the open loopback mode)
  std::string webhook_id;  // Standard Webhooks: the dedup id for envelopes without one
  std::string error;       // why not (for the 401 body)
};

class Authenticator {
 public:
  // Throws std::invalid_argument on a Standard Webhooks secret that is not
  // base64, or a source without a secret.
  explicit Authenticator(std::vector<SourceConfig> sources, int64_t tolerance_s = 300);

  // `raw_body` is the body as received (signatures cover the bytes sent,
  // before any decompression). `now_s`: Unix seconds.
  AuthResult authenticate(const HttpRequest& request, std::string_view raw_body, int64_t now_s) const;

  bool open_mode() const { return sources_.empty(); }

 private:
  struct Source {
    SourceConfig config;
    std::string key;  // bearer token, write key, or the decoded webhook key
  };
  std::vector<Source> sources_;
  int64_t tolerance_s_;
};

// Admin endpoints: `Authorization: Bearer <token>`; with no token configured,
// loopback only.
bool admin_authorized(const HttpRequest& request, std::string_view admin_token);

}  // namespace play::ingest
