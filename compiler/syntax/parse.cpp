#include "compiler/syntax/parse.h"

#include <pthread.h>

#include <functional>

#include "antlr4-runtime.h"
#include "compiler/syntax/build.h"
#include "compiler/syntax/session.h"

namespace play::syntax {

namespace {

// Offset of the first byte that is not part of well-formed UTF-8, or npos.
size_t first_bad_utf8(std::string_view s) {
  size_t i = 0, n = s.size();
  auto cont = [&](size_t k) { return k < n && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      if (!cont(i + 1)) return i;
      i += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(i + 1) || !cont(i + 2)) return i;
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return i;  // overlong, surrogate
      i += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return i;
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return i;
      i += 4;
    } else {
      return i;
    }
  }
  return std::string_view::npos;
}

bool check_utf8(const SourceSet& sources, uint32_t file_id, Diagnostics& diags) {
  const std::string& text = sources.file(file_id).text();
  size_t bad = first_bad_utf8(text);
  if (bad == std::string_view::npos) return true;
  char buf[8];
  snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned char>(text[bad]));
  diags.error(
      "P0002", Span{file_id, uint32_t(bad), uint32_t(bad + 1)},
      std::string("file is not valid UTF-8 text (byte ") + buf + " cannot start or continue a character)");
  return false;
}

// Runs `work` on a thread with a large stack: recursive descent over a file that
// is legal but deeply nested must not overflow the caller's (maybe small) stack.
void with_big_stack(const std::function<void()>& work) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256u << 20);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  if (pthread_create(&thread, &attr, trampoline, const_cast<std::function<void()>*>(&work)) != 0) {
    pthread_attr_destroy(&attr);
    work();  // no thread to be had: the nesting limits still keep us safe
    return;
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

}  // namespace

ast::File parse_file(const SourceSet& sources, uint32_t file_id, Diagnostics& diags) {
  ast::File file;
  file.file_id = file_id;
  if (!check_utf8(sources, file_id, diags)) return file;
  with_big_stack([&] {
    Session session(sources, file_id, diags);
    Run run(session, sources.file(file_id).text(), 0);
    std::vector<ast::Comment> comments;
    if (run.lex(&comments)) {
      auto* ctx = run.parse(false);
      file = build_file(run, ctx);
    }
    file.comments = std::move(comments);
  });
  return file;
}

ast::ExprPtr parse_expression(const SourceSet& sources, uint32_t file_id, Diagnostics& diags) {
  if (!check_utf8(sources, file_id, diags)) return nullptr;
  ast::ExprPtr result;
  size_t errors_before = diags.error_count();
  with_big_stack([&] {
    Session session(sources, file_id, diags);
    Run run(session, sources.file(file_id).text(), 0);
    if (!run.lex(nullptr)) return;
    auto* ctx = run.parse(true);
    result = build_expression(run, ctx);
  });
  if (diags.error_count() > errors_before) return nullptr;
  return result;
}

}  // namespace play::syntax
