// What the sinks' unit tests build again and again: a vendor's answer and a
// pending action with its action line (runtime/engine/render.cpp's form).
#pragma once

#include <string>
#include <utility>

#include "runtime/sinks/executor.h"
#include "runtime/sinks/http_client.h"

namespace play::sinks::test {

inline HttpResult answer(int status, std::string body, int64_t retry_after_ms = 0) {
  HttpResult r;
  r.status = status;
  r.body = std::move(body);
  r.retry_after_ms = retry_after_ms;
  return r;
}

// An action of `play` on `account` / `contact` with `args` (a JSON object), key "k1".
inline PendingAction action(const std::string& kind, const std::string& args, const std::string& contact,
                            const std::string& account, const std::string& play = "p") {
  PendingAction a;
  a.key = "k1";
  a.play = play;
  a.account = account;
  a.contact = contact;
  a.line = R"({"kind":"action","play":")" + play + R"(","action":")" + kind +
           R"(","signal":"s1","account":")" + account + R"(","contact":")" + contact + R"(","args":)" + args +
           R"(,"key":"k1"})";
  return a;
}

}  // namespace play::sinks::test
