// Bracketed sequences (call arguments, records, list and map literals) broken
// over lines when they do not fit; see layout.h.
#include "compiler/fmt/layout.h"

namespace play::fmt {

bool fits(const std::string& text, size_t column, size_t reserve) {
  size_t start = 0;
  for (;;) {
    size_t nl = text.find('\n', start);
    size_t width = (start == 0 ? column : 0) + (nl == std::string::npos ? text.size() : nl) - start;
    if (nl == std::string::npos) return width + reserve <= kMaxWidth;
    if (width > kMaxWidth) return false;
    start = nl + 1;
  }
}

size_t end_column(const std::string& text, size_t column) {
  size_t nl = text.rfind('\n');
  return nl == std::string::npos ? column + text.size() : text.size() - nl - 1;
}

std::string layout_seq(const std::string& head, const std::string& open, const std::string& close,
                       const std::vector<Part>& parts, size_t column, size_t reserve, size_t indent) {
  std::string flat = head + open;
  for (size_t i = 0; i < parts.size(); ++i) flat += (i ? ", " : "") + parts[i].flat;
  flat += close;
  if (parts.empty() || fits(flat, column, reserve)) return flat;

  // One part per line starting at `at`; does every line fit (with each part on a single line)?
  auto stacked = [&](size_t at, bool one_per_line, bool& ok) {
    std::string s;
    ok = true;
    for (size_t i = 0; i < parts.size(); ++i) {
      bool last = i + 1 == parts.size();
      size_t after = last ? close.size() + reserve : 1;
      std::string p = parts[i].laid(at, after, at);
      ok = ok && fits(p, at, after) && (!one_per_line || p.find('\n') == std::string::npos);
      s += p + (last ? close : ",\n" + std::string(at, ' '));
    }
    return s;
  };
  bool ok = false;
  size_t aligned = column + head.size() + open.size();
  std::string s = head + open + stacked(aligned, true, ok);
  size_t deeper = indent + 4;
  if (ok || aligned <= deeper) return s;
  // Trailing spaces of `open` ("{ ") would end the line.
  std::string bracket = open.substr(0, open.find_last_not_of(' ') + 1);
  return head + bracket + "\n" + std::string(deeper, ' ') + stacked(deeper, false, ok);
}

}  // namespace play::fmt
