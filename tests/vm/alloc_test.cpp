// Evaluating a typical filter allocates nothing on the heap after warm-up:
//   signal.category == "pricing" and account.employees >= 500
//     and account.country in ["US", "CA"]
// Global operator new is replaced in this test binary to count allocations.
#include <cstdlib>
#include <new>

#include "tests/vm/vm_testing.h"

namespace {
bool g_counting = false;
size_t g_allocations = 0;
}  // namespace

// GCC 12 flags free() in a replaced operator delete as mismatched with the
// replaced operator new's malloc(); the pair is matched by construction.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace play::vm::testing {
namespace {

Program typical_filter() {
  Asm a;
  a.op(Op::LOAD_SIGNAL_SLOT, 0, 1);
  a.op(Op::LOAD_CONST, 1, a.ks("pricing"));
  a.op(Op::CMP_STR, 2, 0, 1, uint8_t(CmpCond::EQ));
  uint32_t j1 = a.op(Op::JUMP_IF, 2, 0, 0, uint8_t(JumpTest::False));
  a.op(Op::LOAD_ACCOUNT_SLOT, 3, 1);
  a.op(Op::LOAD_CONST, 4, a.k(I(500)));
  a.op(Op::CMP_INT, 5, 3, 4, uint8_t(CmpCond::GE));
  a.op(Op::AND, 2, 2, 5);
  uint32_t j2 = a.op(Op::JUMP_IF, 2, 0, 0, uint8_t(JumpTest::False));
  a.op(Op::LOAD_ACCOUNT_SLOT, 6, 2);
  Value countries[] = {S("US"), S("CA")};
  a.op(Op::LOAD_CONST, 7, a.k(Value::list(countries, 2)));
  a.op(Op::IN, 8, 6, 7);
  a.op(Op::AND, 2, 2, 8);
  a.patch_b(j1, a.here());
  a.patch_b(j2, a.here());
  a.op(Op::RETURN, 2);
  return a.done(9);
}

TEST(VmAllocation, TypicalFilterAllocatesNothing) {
  Context c;
  Program filter = typical_filter();
  for (int i = 0; i < 100; ++i) {  // warm-up
    c.arena.reset();
    ASSERT_TRUE(eval(filter, c.ctx).holds());
  }
  size_t held = 0;
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 10'000; ++i) {
    c.arena.reset();
    held += eval(filter, c.ctx).holds();
  }
  g_counting = false;
  EXPECT_EQ(g_allocations, 0u);
  EXPECT_EQ(held, 10'000u);
}

TEST(VmAllocation, CounterDetectsAllocations) {
  // The counting operator new is really in use (so the test above can fail).
  g_allocations = 0;
  g_counting = true;
  auto* p = new std::string(100, 'x');
  g_counting = false;
  delete p;
  EXPECT_GE(g_allocations, 1u);
}

TEST(VmAllocation, TemplatesAndComputedStringsStayInTheArenaAfterWarmUp) {
  Context c;
  Asm t;
  t.op(Op::LOAD_CONTACT_SLOT, 0, 0);
  t.op(Op::LOAD_CONST, 1, t.ks(" visited "));
  t.op(Op::LOAD_SIGNAL_SLOT, 2, 0);
  t.op(Op::LOAD_SIGNAL_SLOT, 3, 2);
  t.op(Op::CONCAT, 4, 0, 4);
  t.op(Op::LOWER, 4, 4);
  t.op(Op::RETURN, 4);
  Program p = t.done(5);
  for (int i = 0; i < 10; ++i) {
    c.arena.reset();
    ASSERT_TRUE(eval(p, c.ctx).ok);
  }
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 1000; ++i) {
    c.arena.reset();
    (void)eval(p, c.ctx);
  }
  g_counting = false;
  EXPECT_EQ(g_allocations, 0u);
}

}  // namespace
}  // namespace play::vm::testing
