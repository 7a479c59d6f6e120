// The base protocol of LSP: each message is a header block (`Content-Length:
// N`, optionally `Content-Type`, each line ended by CRLF, the block by an empty
// line) followed by N bytes of JSON. Framer cuts a byte stream, fed in pieces
// as they arrive, into message bodies. It is forgiving so a confused client
// cannot wedge the server: bare LF line ends are accepted, unknown headers
// ignored, and a header block without a usable Content-Length is dropped (and
// reported) so reading resumes at the next header.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace play::lsp {

class Framer {
 public:
  // Bodies above this are refused (the header block is dropped) rather than buffered.
  static constexpr size_t kMaxBody = 64u << 20;

  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next complete message: true and `body` set; false when more bytes
  // are needed. A dropped header block returns false with `error` set: call
  // again, a message may follow it.
  bool next(std::string& body, std::string& error);

 private:
  std::string buffer_;
};

// "Content-Length: N\r\n\r\n" + body.
std::string frame(std::string_view body);

}  // namespace play::lsp
