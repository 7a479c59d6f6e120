// The opcode table (runtime/vm/opcodes.h): every opcode has a name, operand
// kinds and a one-line synopsis; the groups cover every opcode once, in
// order; the generated reference (docs/bytecode.md, kept current by the
// bytecode_reference_current test) and the disassembler read the same rows.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "runtime/vm/disasm.h"
#include "runtime/vm/program.h"

namespace play::vm {
namespace {

TEST(Opcodes, EveryRowIsComplete) {
  std::set<std::string> names;
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    const OpInfo& info = op_info(static_cast<Op>(i));
    ASSERT_NE(info.name, nullptr);
    EXPECT_TRUE(names.insert(info.name).second) << "duplicate opcode " << info.name;
    std::string synopsis = info.synopsis;
    EXPECT_FALSE(synopsis.empty()) << info.name;
    EXPECT_EQ(synopsis.find('\n'), std::string::npos) << info.name << ": one line";
  }
  for (size_t i = 0; i < kOperandKinds; ++i) EXPECT_STRNE(operand_info(static_cast<Operand>(i)).meaning, "");
}

TEST(Opcodes, GroupsCoverEveryOpcodeOnceInOrder) {
  size_t next = 0;
  for (const OpGroup& g : op_groups()) {
    EXPECT_EQ(static_cast<size_t>(g.first), next) << g.title;
    EXPECT_LT(static_cast<size_t>(g.first), static_cast<size_t>(g.end)) << g.title << " is empty";
    next = static_cast<size_t>(g.end);
  }
  EXPECT_EQ(next, static_cast<size_t>(Op::kCount));
}

TEST(Opcodes, ReferenceAndDisassemblerReadTheTable) {
  std::string ref = bytecode_reference();
  Program p;
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    const OpInfo& info = op_info(static_cast<Op>(i));
    EXPECT_NE(ref.find("| `" + std::string(info.name) + "` |"), std::string::npos) << info.name;
    p.emit(static_cast<Op>(i));
  }
  // After the two header lines, line i is "i  NAME ...".
  std::istringstream text(disassemble(p, DisasmNames{}));
  std::string line;
  std::getline(text, line);
  std::getline(text, line);
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    ASSERT_TRUE(std::getline(text, line));
    std::istringstream words(line);
    std::string addr, name;
    words >> addr >> name;
    EXPECT_EQ(addr, std::to_string(i));
    EXPECT_EQ(name, op_info(static_cast<Op>(i)).name);
  }
}

}  // namespace
}  // namespace play::vm
