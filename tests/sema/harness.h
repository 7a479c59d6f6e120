// Checks Play source text with the embedded stdlib, for the sema tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/sema/project.h"

namespace play::sema::testing {

struct Checked {
  Project project;
  Diagnostics diags;
  // "P0102" for each diagnostic, in order.
  std::vector<std::string> codes() const;
  bool has(const std::string& code) const;
  int count(const std::string& code) const;
  const Diagnostic* first(const std::string& code) const;
  // The source text a diagnostic's span covers.
  std::string text_at(const Diagnostic& d) const;
  // "error[P0102] 3:9 message" per line, for failure messages.
  std::string dump() const;
  const Play* play(const std::string& name) const;
};

// The stdlib plus one user file "test.play" holding `source`.
std::unique_ptr<Checked> check_source(const std::string& source);

// Finds the first expression (depth first, in clause order) of play `play`
// whose source text is exactly `text`.
const ast::Expr* find_expr(const Checked& c, const std::string& play, const std::string& text);

// A play with all its metadata, so tests see only the diagnostics they are about.
inline std::string play_src(const std::string& name, const std::string& on, const std::string& body) {
  return "play " + name +
         " {\n  title \"t\"\n  owner \"o@acme.com\"\n  oncall \"#c\"\n  runbook \"r\"\n  on " + on + "\n" +
         body + "\n}\n";
}
inline const char* kSuppress = "suppress {\n  contact.do_not_contact as \"do not contact\"\n}\n";

}  // namespace play::sema::testing
