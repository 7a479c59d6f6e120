// The disassembly (`playc disasm`): per play, per clause, each instruction
// with operands, constants, names and source positions; the play's cost.
#include "runtime/vm/disasm.h"

#include <gtest/gtest.h>

#include "tests/vm/sample_bundle.h"

namespace play::vm::testing {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(VmDisasm, BundleListing) {
  Bundle b = sample_bundle();
  std::string text = disassemble(b);
  SCOPED_TRACE(text);
  EXPECT_TRUE(
      has(text, "play pricing_visit_enterprise  on website.page_viewed  priority high  mode live  sla 5m"));
  EXPECT_TRUE(has(text, "worst-case cost 17"));
  EXPECT_TRUE(has(text, "clause 1: where  (plays/pricing.play:14:3)"));
  EXPECT_TRUE(has(text, "clause 2: where icp enterprise"));
  EXPECT_TRUE(has(text, "clause 3: unless suppressed"));
  EXPECT_TRUE(has(text, "clause 4: unless fired within 4h per contact"));
  EXPECT_TRUE(has(text, "pool ent_sdrs = [\"sam@acme.com\", \"kim@acme.com\"]"));
  EXPECT_TRUE(has(text, "suppress rule 1 as \"do not contact\""));
  EXPECT_TRUE(has(text, "do enroll -> sink sequencer"));
  EXPECT_TRUE(has(text, "let rep"));
  EXPECT_TRUE(has(text, "registers 6  constants 2  worst-case cost 0"));  // the icp's program
  // Instruction lines: opcode, operands, annotated names and constants, position.
  EXPECT_TRUE(has(text, "LOAD_SIGNAL_SLOT"));
  EXPECT_TRUE(has(text, "signal.category"));
  EXPECT_TRUE(has(text, "\"pricing\""));
  EXPECT_TRUE(has(text, "plays/pricing.play:14:28"));
  EXPECT_TRUE(has(text, "CMP_STR            r2    r0    r1    =="));
  EXPECT_TRUE(has(text, "account.employees"));
  EXPECT_TRUE(has(text, "[\"US\", \"CA\"]"));
  EXPECT_TRUE(has(text, "pool ent_sdrs"));
  EXPECT_TRUE(has(text, "JUMP_IF            r2    @8          false"));
}

TEST(VmDisasm, InvalidOpcodeIsShownNotTrusted) {
  Program p;
  p.emit(static_cast<Op>(250));
  p.emit(Op::RETURN);
  std::string text = disassemble(p, DisasmNames{});
  EXPECT_TRUE(has(text, "<invalid opcode 250>")) << text;
}

}  // namespace
}  // namespace play::vm::testing
