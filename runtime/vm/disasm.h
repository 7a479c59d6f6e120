// Text disassembly, like SQLite's EXPLAIN (`playc disasm`).
//
//   play pricing_visit_enterprise  on website.page_viewed  priority high  mode live  worst-case cost 42
//     clause 1: where  (plays/pricing.play:14:3)
//       addr  opcode             a    b    c    x    comment
//       0     LOAD_SIGNAL_SLOT   r0   1              signal.category              plays/pricing.play:14:9
//       1     LOAD_CONST         r1   k0             "pricing"                    plays/pricing.play:14:28
//       2     CMP_STR            r2   r0   r1   ==                                plays/pricing.play:14:25
//       3     RETURN             r2
#pragma once

#include <string>
#include <vector>

#include "runtime/vm/bundle.h"
#include "runtime/vm/program.h"

namespace play::vm {

// Names used to annotate operands; any list may be empty (then indexes are printed).
struct DisasmNames {
  const std::vector<std::string>* files = nullptr;
  const std::vector<Field>* signal = nullptr;  // the play's (first) signal type's properties
  const std::vector<Field>* account = nullptr;
  const std::vector<Field>* contact = nullptr;
  std::vector<std::string> lets, pools, icps;
};

// One program: a header line, then one line per instruction, each line
// prefixed with `indent`.
std::string disassemble(const Program& program, const DisasmNames& names, const std::string& indent = "");

// The whole bundle: schemas summary, pools, icps, suppression rules, then
// per play its metadata, worst-case cost and each clause / let / action
// argument program.
std::string disassemble(const Bundle& bundle);

// docs/bytecode.md: the operand kinds and every opcode with its operands and
// synopsis, by group, generated from opcodes.h (`playc bytecode-reference`).
std::string bytecode_reference();

}  // namespace play::vm
