// Diagnostics: every problem found in a run, with a stable code (docs/diagnostics.md),
// a span and a message in the author's words. Rendering lives in render.h.
#pragma once

#include <string>
#include <vector>

#include "compiler/diag/source.h"

namespace play {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;  // e.g. "P0102"; stable, documented
  Span span;
  std::string message;  // one line; may end with "; did you mean 'x'?"
};

class Diagnostics {
 public:
  void error(std::string code, Span span, std::string message) {
    add({Severity::Error, std::move(code), span, std::move(message)});
  }
  void warning(std::string code, Span span, std::string message) {
    add({Severity::Warning, std::move(code), span, std::move(message)});
  }
  void add(Diagnostic d);
  const std::vector<Diagnostic>& all() const { return list_; }
  size_t error_count() const { return errors_; }
  size_t warning_count() const { return warnings_; }
  bool has_errors() const { return errors_ > 0; }
  // Sorted by file, then position; stable for equal positions.
  void sort(const SourceSet& sources);

 private:
  std::vector<Diagnostic> list_;
  size_t errors_ = 0, warnings_ = 0;
};

// "did you mean": the closest candidate within an edit distance that scales
// with the word's length, or "" when nothing is close enough.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);
// "; did you mean 'x'?" or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace play
