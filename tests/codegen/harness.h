// Compiles Play source text (with the embedded stdlib) to a bundle and
// evaluates its programs, for the codegen tests.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/codegen/codegen.h"
#include "compiler/sema/project.h"
#include "runtime/vm/bundle.h"
#include "runtime/vm/vm.h"

namespace play::codegen::testing {

struct Compiled {
  sema::Project project;
  Diagnostics diags;
  vm::Bundle bundle;
  bool ok = false;           // checked without errors and generated
  std::string dump() const;  // "error[P0102] 3:9 message" per diagnostic
  const vm::Play& play(const std::string& name) const;
  const ast::PlayDecl& play_decl(const std::string& name) const;
};

// The stdlib plus one user file "test.play" holding `source`.
std::unique_ptr<Compiled> compile_source(const std::string& source);

// A play with all its metadata around `body`.
std::string play_src(const std::string& name, const std::string& on, const std::string& body);

// An evaluation context whose slots are filled by field name using the
// bundle's schemas. Strings are kept alive here.
class Context {
 public:
  Context(const vm::Bundle& bundle, const std::string& signal_type);
  vm::Value str(const std::string& s);
  vm::Value strs(const std::vector<std::string>& items);  // a list of strings
  void signal(const std::string& prop, vm::Value v);
  void account(const std::string& field, vm::Value v);  // makes the account known
  void contact(const std::string& field, vm::Value v);
  void forget_account();
  void forget_contact();
  void lets(std::vector<vm::Value> values) { lets_ = std::move(values); }

  vm::EvalResult run(const vm::Program& program);
  // debug_string of the result (floats as float(x)), or "error: message".
  std::string show(const vm::Program& program);

  int round_robin_calls = 0;
  int icp_calls = 0;
  std::vector<uint32_t> pool_cursor;

 private:
  static vm::Value round_robin(void* self, uint32_t pool);
  static vm::Value icp(void* self, uint32_t icp);

  const vm::Bundle& bundle_;
  const vm::SignalSchema* schema_ = nullptr;
  std::deque<std::string> strings_;
  std::deque<std::vector<vm::Value>> lists_;
  std::vector<vm::Value> signal_, account_, contact_, lets_;
  std::vector<std::string> names_;
  bool account_known_ = true, contact_known_ = true;
  vm::Arena arena_;
  vm::RegexCache regexes_;
};

std::string show(const vm::Value& v);

// The standard fixture: a website.page_viewed signal for a known account
// (BigCo, 1200 employees, US, tech stack salesforce+segment, owner null)
// and contact (Ana), now = 2026-06-21T10:00:00Z.
void fill_standard(Context& c);

// Compiles `let v = <expr>` in a play on website.page_viewed (the project
// also has `const small = 10`, `list regions = ["US", "CA", "GB"]`,
// `pool reps = ["sam@acme.com", "kim@acme.com"]`), returning the program.
struct LetProgram {
  std::unique_ptr<Compiled> compiled;
  const vm::Program* program = nullptr;
};
LetProgram compile_let(const std::string& expr);

// show() of `expr` evaluated in the standard context (after `setup`, if any).
std::string value_of(const std::string& expr, void (*setup)(Context&) = nullptr);

// Opcode names of a program, space-separated: "LOAD_CONST RETURN".
std::string opcodes(const vm::Program& p);

}  // namespace play::codegen::testing
