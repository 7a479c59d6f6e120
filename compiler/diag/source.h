// Source files and spans. Every AST node and every diagnostic points into a
// SourceFile by byte offsets; line/column are derived on demand so spans stay small.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace play {

struct Span {
  uint32_t file = 0;   // index into SourceSet
  uint32_t begin = 0;  // byte offset of the first character
  uint32_t end = 0;    // byte offset one past the last character
  bool valid() const { return end >= begin && !(begin == 0 && end == 0 && file == 0); }
  static Span join(Span a, Span b) {
    return Span{a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
};

struct LineCol {
  uint32_t line = 1;  // 1-based
  uint32_t col = 1;   // 1-based, in Unicode code points (so carets line up)
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  LineCol line_col(uint32_t offset) const;
  std::string_view line_text(uint32_t line) const;  // without the newline
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// All files of one compilation; file index 0 is reserved for "no file".
class SourceSet {
 public:
  SourceSet();
  uint32_t add(std::string path, std::string text);
  const SourceFile& file(uint32_t id) const { return *files_[id]; }
  size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace play
