// The stdio loop: bytes from standard input are cut into messages (framing.h)
// and handed to the server; when no more input is waiting the server is told
// it is idle, which is when diagnostics go out. Standard output carries only
// protocol messages; logs go to standard error (editors show it as the
// server's output).
#include "apps/playc/lsp/run.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "apps/playc/lsp/framing.h"
#include "apps/playc/lsp/server.h"

namespace play::lsp {

namespace {

bool input_waiting() {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

}  // namespace

int run_stdio() {
  auto send = [](const std::string& message) {
    std::string framed = frame(message);
    std::fwrite(framed.data(), 1, framed.size(), stdout);
    std::fflush(stdout);
  };
  auto log = [](const std::string& line) { std::fprintf(stderr, "playc lsp: %s\n", line.c_str()); };
  Server server(send, log);
  Framer framer;
  char buf[1 << 16];
  for (;;) {
    std::string body, error;
    while (framer.next(body, error) || !error.empty()) {
      if (!error.empty()) {
        log(error);
        continue;
      }
      server.handle(body);
      if (server.exited()) return server.exit_code();
    }
    if (!input_waiting()) server.idle();
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n == 0) return server.shutdown_requested() ? 0 : 1;  // the client went away
    if (n < 0) {
      if (errno == EINTR) continue;
      log("reading standard input failed");
      return 1;
    }
    framer.feed(std::string_view(buf, static_cast<size_t>(n)));
  }
}

}  // namespace play::lsp
