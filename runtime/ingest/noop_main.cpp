// http_noop [PORT] [THREADS]: the ingestion HTTP server with a handler that
// answers every request at once with a small JSON body and does nothing
// else. bench/ runs it next to playd as the ceiling of the HTTP layer.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/ingest/http_server.h"

int main(int argc, char** argv) {
  int port = argc > 1 ? std::atoi(argv[1]) : 8081;
  size_t threads = argc > 2 ? size_t(std::atoi(argv[2])) : 2;
  play::ingest::HttpServerOptions options;
  options.threads = threads;
  play::ingest::HttpServer server(
      [](play::ingest::HttpRequest&&, play::ingest::Respond respond) {
        play::ingest::HttpResponse r;
        r.body = "{\"accepted\":1,\"duplicates\":0}";
        respond(std::move(r));
      },
      options);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // the server's threads inherit the mask
  try {
    server.start("127.0.0.1", uint16_t(port));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http_noop: %s\n", e.what());
    return 2;
  }
  std::printf("http_noop listening on 127.0.0.1:%u with %zu threads\n", server.port(), threads);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  server.stop();
  return 0;
}
