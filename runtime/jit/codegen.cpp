// One basic block per instruction; registers are the arena register file
// the interpreter uses (vm::alloc_registers), so an instruction handed to
// vm::step() sees exactly what the interpreter would. The typed fast paths
// read the kind byte and the payload word of a Value directly:
//   word 0 = kind | flags << 8 | n << 32, word 1 = the payload,
// which is Value's layout (static_asserts below). LLVM's -O1 pipeline then
// forwards values between instructions (loads of a register just stored)
// and folds constants; there is no dispatch left.
#include "runtime/jit/codegen.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/Passes/PassBuilder.h>

#include <cstring>
#include <vector>

#include "runtime/jit/frame.h"

namespace play::jit {

using vm::Kind;
using vm::Op;

static_assert(offsetof(vm::Value, kind) == 0 && offsetof(vm::Value, flags) == 1 &&
              offsetof(vm::Value, n) == 4);
static_assert(offsetof(vm::Value, i) == 8 && sizeof(vm::Value) == 16);

namespace {

constexpr uint64_t kClearFlags = ~uint64_t{0xFF00};  // from_host(): host data's flags are never trusted

class Codegen {
 public:
  Codegen(const vm::Program& p, llvm::Module& m) : p_(p), m_(m), c_(m.getContext()), b_(c_) {
    i1_ = b_.getInt1Ty();
    i8_ = b_.getInt8Ty();
    i32_ = b_.getInt32Ty();
    i64_ = b_.getInt64Ty();
    ptr_ = llvm::PointerType::get(c_, 0);
    // Slow paths (other kinds, overflow, errors) are rare: laid out after
    // the hot path, which then stays compact in the instruction cache.
    llvm::MDBuilder md(c_);
    likely_ = md.createBranchWeights(1000, 1);
    unlikely_ = md.createBranchWeights(1, 1000);
  }

  void emit(const std::string& name) {
    auto* fty = llvm::FunctionType::get(i32_, {ptr_, ptr_}, false);
    fn_ = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, name, m_);
    fn_->addParamAttr(0, llvm::Attribute::NoAlias);
    fn_->addParamAttr(1, llvm::Attribute::NoAlias);
    frame_ = fn_->getArg(0);
    regs_ = fn_->getArg(1);
    declare_helpers();
    null_ = new llvm::GlobalVariable(
        m_, llvm::ArrayType::get(i64_, 2), true, llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantAggregateZero::get(llvm::ArrayType::get(i64_, 2)), "null_value");

    auto* entry = llvm::BasicBlock::Create(c_, "entry", fn_);
    // One more block for a jump to the end (verify() allows target == size; the interpreter would
    // read past its code): an error, not undefined behaviour.
    for (size_t pc = 0; pc <= p_.code.size(); ++pc)
      blocks_.push_back(llvm::BasicBlock::Create(c_, "i" + std::to_string(pc), fn_));
    fail_ = llvm::BasicBlock::Create(c_, "fail", fn_);
    b_.SetInsertPoint(fail_);
    fail_pc_ = b_.CreatePHI(i32_, 4, "failing_pc");
    b_.CreateRet(fail_pc_);

    b_.SetInsertPoint(entry);
    budget_ = b_.CreateAlloca(i64_, nullptr, "budget");
    b_.CreateStore(field(offsetof(Frame, loop_budget), i64_), budget_);
    b_.CreateBr(blocks_[0]);
    for (uint32_t pc = 0; pc < p_.code.size(); ++pc) {
      b_.SetInsertPoint(blocks_[pc]);
      instruction(pc);
    }
    b_.SetInsertPoint(blocks_.back());
    b_.CreateCall(past_end_, {frame_});
    fail_pc_->addIncoming(b_.getInt32(static_cast<uint32_t>(p_.code.size())), blocks_.back());
    b_.CreateBr(fail_);
  }

 private:
  const vm::Program& p_;
  llvm::Module& m_;
  llvm::LLVMContext& c_;
  llvm::IRBuilder<> b_;
  llvm::Type *i1_, *i8_, *i32_, *i64_, *ptr_;
  llvm::Function* fn_ = nullptr;
  llvm::Value *frame_ = nullptr, *regs_ = nullptr, *budget_ = nullptr;
  llvm::GlobalVariable* null_ = nullptr;
  std::vector<llvm::BasicBlock*> blocks_;
  llvm::BasicBlock* fail_ = nullptr;
  llvm::PHINode* fail_pc_ = nullptr;
  llvm::FunctionCallee step_, budget_exhausted_, past_end_, map_key_;
  llvm::MDNode *likely_ = nullptr, *unlikely_ = nullptr;

  void declare_helpers() {
    step_ = m_.getOrInsertFunction("play_jit_step", llvm::FunctionType::get(i1_, {ptr_, ptr_, i32_}, false));
    budget_exhausted_ = m_.getOrInsertFunction("play_jit_budget_exhausted",
                                               llvm::FunctionType::get(b_.getVoidTy(), {ptr_}, false));
    past_end_ =
        m_.getOrInsertFunction("play_jit_past_end", llvm::FunctionType::get(b_.getVoidTy(), {ptr_}, false));
    map_key_ = m_.getOrInsertFunction("play_jit_map_key",
                                      llvm::FunctionType::get(b_.getVoidTy(), {ptr_, ptr_, i64_}, false));
  }

  llvm::Value* at(llvm::Value* base, uint64_t offset) {
    return b_.CreateConstInBoundsGEP1_64(i8_, base, offset);
  }
  llvm::Value* field(size_t offset, llvm::Type* t) { return b_.CreateLoad(t, at(frame_, offset)); }
  llvm::Value* reg(uint32_t r) { return at(regs_, uint64_t{r} * 16); }
  llvm::Value* word0(uint32_t r) { return b_.CreateLoad(i64_, reg(r)); }
  llvm::Value* word1(uint32_t r) { return b_.CreateLoad(i64_, at(regs_, uint64_t{r} * 16 + 8)); }
  llvm::Value* kind(uint32_t r) { return b_.CreateLoad(i8_, reg(r)); }
  llvm::Value* is(llvm::Value* kind_byte, Kind k) {
    return b_.CreateICmpEQ(kind_byte, b_.getInt8(static_cast<uint8_t>(k)));
  }
  llvm::Value* both(uint32_t x, uint32_t y, Kind k) { return b_.CreateAnd(is(kind(x), k), is(kind(y), k)); }
  void store(uint32_t r, llvm::Value* w0, llvm::Value* w1) {
    b_.CreateStore(w0, reg(r));
    b_.CreateStore(w1, at(regs_, uint64_t{r} * 16 + 8));
  }
  void store_scalar(uint32_t r, Kind k, llvm::Value* payload) {
    store(r, b_.getInt64(static_cast<uint8_t>(k)), payload);
  }
  void store_bool(uint32_t r, llvm::Value* v) { store_scalar(r, Kind::Bool, b_.CreateZExt(v, i64_)); }
  llvm::BasicBlock* block(const char* name) { return llvm::BasicBlock::Create(c_, name, fn_); }
  // verify(): the last instruction is a RETURN, so every other one has a next.
  llvm::BasicBlock* next(uint32_t pc) { return blocks_[pc + 1]; }

  // The interpreter's code for instruction pc; on an error the function returns pc.
  void call_step(uint32_t pc) {
    llvm::Value* ok = b_.CreateCall(step_, {frame_, regs_, b_.getInt32(pc)});
    fail_pc_->addIncoming(b_.getInt32(pc), b_.GetInsertBlock());
    b_.CreateCondBr(ok, next(pc), fail_, likely_);
  }
  // A fast path under `fast`, built by `body` (which must end in a branch);
  // otherwise (other kinds, overflow, a zero divisor) the interpreter's code.
  template <class Body>
  void fast_or_step(uint32_t pc, llvm::Value* fast, Body body) {
    auto* yes = block("fast");
    auto* no = block("slow");
    b_.CreateCondBr(fast, yes, no, likely_);
    b_.SetInsertPoint(no);
    call_step(pc);
    b_.SetInsertPoint(yes);
    body(no);
  }

  // R[dst] = slots[index], or null past the end (the interpreter's slot()).
  void load_slot(uint32_t dst, size_t ptr_field, size_t count_field, uint32_t index) {
    llvm::Value* base = field(ptr_field, ptr_);
    llvm::Value* in_range = b_.CreateICmpULT(b_.getInt64(index), field(count_field, i64_));
    llvm::Value* src = b_.CreateSelect(in_range, at(base, uint64_t{index} * 16), null_);
    store(dst, b_.CreateAnd(b_.CreateLoad(i64_, src), kClearFlags), b_.CreateLoad(i64_, at(src, 8)));
  }

  void int_arith(uint32_t pc, const vm::Instr& in, llvm::Intrinsic::ID op) {
    fast_or_step(pc, both(in.b, in.c, Kind::Int), [&](llvm::BasicBlock* slow) {
      llvm::Value* r = b_.CreateBinaryIntrinsic(op, word1(in.b), word1(in.c));
      auto* ok = block("no_overflow");
      b_.CreateCondBr(b_.CreateExtractValue(r, 1), slow, ok, unlikely_);
      b_.SetInsertPoint(ok);
      store_scalar(in.a, Kind::Int, b_.CreateExtractValue(r, 0));
      b_.CreateBr(next(pc));
    });
  }
  // DIV_INT, MOD_INT: the divisors 0 and -1 (an error, INT64_MIN / -1) go to the interpreter.
  void int_divide(uint32_t pc, const vm::Instr& in, bool modulo) {
    fast_or_step(pc, both(in.b, in.c, Kind::Int), [&](llvm::BasicBlock* slow) {
      llvm::Value* d = word1(in.c);
      auto* ok = block("plain_divisor");
      llvm::Value* plain =
          b_.CreateAnd(b_.CreateICmpNE(d, b_.getInt64(0)), b_.CreateICmpNE(d, b_.getInt64(-1)));
      b_.CreateCondBr(plain, ok, slow, likely_);
      b_.SetInsertPoint(ok);
      llvm::Value* n = word1(in.b);
      store_scalar(in.a, Kind::Int, modulo ? b_.CreateSRem(n, d) : b_.CreateSDiv(n, d));
      b_.CreateBr(next(pc));
    });
  }
  void float_arith(uint32_t pc, const vm::Instr& in, llvm::Instruction::BinaryOps op) {
    fast_or_step(pc, both(in.b, in.c, Kind::Float), [&](llvm::BasicBlock*) {
      llvm::Value* x = b_.CreateBitCast(word1(in.b), b_.getDoubleTy());
      llvm::Value* y = b_.CreateBitCast(word1(in.c), b_.getDoubleTy());
      store_scalar(in.a, Kind::Float, b_.CreateBitCast(b_.CreateBinOp(op, x, y), i64_));
      b_.CreateBr(next(pc));
    });
  }
  void compare(uint32_t pc, const vm::Instr& in, Kind k) {
    static const llvm::CmpInst::Predicate ints[] = {llvm::CmpInst::ICMP_EQ,  llvm::CmpInst::ICMP_NE,
                                                    llvm::CmpInst::ICMP_SLT, llvm::CmpInst::ICMP_SLE,
                                                    llvm::CmpInst::ICMP_SGT, llvm::CmpInst::ICMP_SGE};
    // C++'s == < <= > >= on doubles are ordered (false with a NaN), != is unordered.
    static const llvm::CmpInst::Predicate floats[] = {llvm::CmpInst::FCMP_OEQ, llvm::CmpInst::FCMP_UNE,
                                                      llvm::CmpInst::FCMP_OLT, llvm::CmpInst::FCMP_OLE,
                                                      llvm::CmpInst::FCMP_OGT, llvm::CmpInst::FCMP_OGE};
    fast_or_step(pc, both(in.b, in.c, k), [&](llvm::BasicBlock*) {
      llvm::Value* r;
      if (k == Kind::Int) {
        r = b_.CreateICmp(ints[in.x], word1(in.b), word1(in.c));
      } else {
        llvm::Value* x = b_.CreateBitCast(word1(in.b), b_.getDoubleTy());
        llvm::Value* y = b_.CreateBitCast(word1(in.c), b_.getDoubleTy());
        r = b_.CreateFCmp(floats[in.x], x, y);
      }
      store_bool(in.a, r);
      b_.CreateBr(next(pc));
    });
  }

  // The interpreter's test() of JUMP_IF.
  llvm::Value* jump_test(vm::JumpTest t, uint32_t r) {
    llvm::Value* k = kind(r);
    llvm::Value* is_true =
        b_.CreateAnd(is(k, Kind::Bool),
                     b_.CreateICmpNE(b_.CreateLoad(i8_, at(regs_, uint64_t{r} * 16 + 8)), b_.getInt8(0)));
    switch (t) {
      case vm::JumpTest::False:
        return b_.CreateAnd(is(k, Kind::Bool), b_.CreateNot(is_true));
      case vm::JumpTest::True:
        return is_true;
      case vm::JumpTest::Null:
        return is(k, Kind::Null);
      case vm::JumpTest::NotNull:
        return b_.CreateNot(is(k, Kind::Null));
      case vm::JumpTest::NotTrue:
        return b_.CreateNot(is_true);
      default:
        return b_.getFalse();
    }
  }

  // ITER_NEXT: the interpreter's bounds checks, then bind the element and advance.
  void iter_next(uint32_t pc, const vm::Instr& in) {
    llvm::Value* it = word1(in.a);
    llvm::Value* src_kind = kind(in.a + 1);
    llvm::Value* count = b_.CreateLShr(word0(in.a + 1), 32);
    llvm::Value* is_list = is(src_kind, Kind::List);
    llvm::Value* iterable = b_.CreateOr(is_list, is(src_kind, Kind::Map));
    llvm::Value* more =
        b_.CreateAnd(b_.CreateAnd(is(kind(in.a), Kind::Int), iterable),
                     b_.CreateAnd(b_.CreateICmpSGE(it, b_.getInt64(0)), b_.CreateICmpSLT(it, count)));
    auto* bind = block("bind");
    b_.CreateCondBr(more, bind, blocks_[in.c]);
    b_.SetInsertPoint(bind);
    auto* list = block("list_item");
    auto* map = block("map_key");
    auto* advance = block("advance");
    b_.CreateCondBr(is_list, list, map);
    b_.SetInsertPoint(list);
    llvm::Value* item =
        b_.CreateInBoundsGEP(i8_, b_.CreateIntToPtr(word1(in.a + 1), ptr_), b_.CreateShl(it, 4));
    llvm::Value* w0 = b_.CreateLoad(i64_, item);
    llvm::Value* w1 = b_.CreateLoad(i64_, at(item, 8));
    store(in.b, w0, w1);
    b_.CreateBr(advance);
    b_.SetInsertPoint(map);
    b_.CreateCall(map_key_, {reg(in.b), reg(in.a + 1), it});
    b_.CreateBr(advance);
    b_.SetInsertPoint(advance);
    b_.CreateStore(b_.CreateAdd(word1(in.a), b_.getInt64(1)), at(regs_, uint64_t{in.a} * 16 + 8));
    b_.CreateBr(next(pc));
  }

  void instruction(uint32_t pc) {
    const vm::Instr in = p_.code[pc];
    switch (in.op) {
      case Op::NOP:
        b_.CreateBr(next(pc));
        return;
      case Op::LOAD_NULL:
        store(in.a, b_.getInt64(0), b_.getInt64(0));
        break;
      case Op::LOAD_BOOL:
        store_scalar(in.a, Kind::Bool, b_.getInt64(in.x != 0));
        break;
      case Op::LOAD_CONST: {  // the pool outlives the code: its words are immediates
        uint64_t w[2];
        std::memcpy(w, &p_.constants[in.b], sizeof w);
        store(in.a, b_.getInt64(w[0]), b_.getInt64(w[1]));
        break;
      }
      case Op::MOVE:
        store(in.a, word0(in.b), word1(in.b));
        break;
      case Op::LOAD_SIGNAL_SLOT:
        load_slot(in.a, offsetof(Frame, signal), offsetof(Frame, signal_n), in.b);
        break;
      case Op::LOAD_ACCOUNT_SLOT:
        load_slot(in.a, offsetof(Frame, account), offsetof(Frame, account_n), in.b);
        break;
      case Op::LOAD_CONTACT_SLOT:
        load_slot(in.a, offsetof(Frame, contact), offsetof(Frame, contact_n), in.b);
        break;
      case Op::LOAD_LET:
        load_slot(in.a, offsetof(Frame, lets), offsetof(Frame, lets_n), in.b);
        break;
      case Op::LOAD_ENVELOPE: {  // x < EnvelopeField::kCount (verify())
        llvm::Value* src = at(field(offsetof(Frame, envelope), ptr_), uint64_t{in.x} * 16);
        store(in.a, b_.CreateAnd(b_.CreateLoad(i64_, src), kClearFlags), b_.CreateLoad(i64_, at(src, 8)));
        break;
      }
      case Op::RECORD_KNOWN: {
        size_t known = in.x == 0 ? offsetof(Frame, account_known) : offsetof(Frame, contact_known);
        store_bool(in.a, b_.CreateICmpNE(field(known, i8_), b_.getInt8(0)));
        break;
      }
      case Op::LOAD_NOW:
        store_scalar(in.a, Kind::Timestamp, field(offsetof(Frame, now_ms), i64_));
        break;
      case Op::ADD_INT:
        return int_arith(pc, in, llvm::Intrinsic::sadd_with_overflow);
      case Op::SUB_INT:
        return int_arith(pc, in, llvm::Intrinsic::ssub_with_overflow);
      case Op::MUL_INT:
        return int_arith(pc, in, llvm::Intrinsic::smul_with_overflow);
      case Op::DIV_INT:
        return int_divide(pc, in, false);
      case Op::MOD_INT:
        return int_divide(pc, in, true);
      case Op::ADD_FLOAT:
        return float_arith(pc, in, llvm::Instruction::FAdd);
      case Op::SUB_FLOAT:
        return float_arith(pc, in, llvm::Instruction::FSub);
      case Op::MUL_FLOAT:
        return float_arith(pc, in, llvm::Instruction::FMul);
      case Op::DIV_FLOAT:
        return float_arith(pc, in, llvm::Instruction::FDiv);
      case Op::CMP_INT:
        return compare(pc, in, Kind::Int);
      case Op::CMP_FLOAT:
        return compare(pc, in, Kind::Float);
      case Op::HAS:
        store_bool(in.a, b_.CreateNot(is(kind(in.b), Kind::Null)));
        break;
      case Op::JUMP:
        b_.CreateBr(blocks_[in.b]);
        return;
      case Op::JUMP_IF:
        b_.CreateCondBr(jump_test(static_cast<vm::JumpTest>(in.x), in.a), blocks_[in.b], next(pc));
        return;
      case Op::ITER_NEXT:
        return iter_next(pc, in);
      case Op::LOOP: {
        llvm::Value* left = b_.CreateLoad(i64_, budget_);
        auto* out = block("budget_exhausted");
        auto* go = block("loop");
        b_.CreateCondBr(b_.CreateICmpEQ(left, b_.getInt64(0)), out, go, unlikely_);
        b_.SetInsertPoint(out);
        b_.CreateCall(budget_exhausted_, {frame_});
        fail_pc_->addIncoming(b_.getInt32(pc), out);
        b_.CreateBr(fail_);
        b_.SetInsertPoint(go);
        b_.CreateStore(b_.CreateSub(left, b_.getInt64(1)), budget_);
        b_.CreateBr(blocks_[in.b]);
        return;
      }
      case Op::RETURN: {  // the caller gets a finished list: flags cleared
        llvm::Value* result = at(frame_, offsetof(Frame, result));
        b_.CreateStore(b_.CreateAnd(word0(in.a), kClearFlags), result);
        b_.CreateStore(word1(in.a), at(result, 8));
        b_.CreateRet(b_.getInt32(kReturned));
        return;
      }
      default:  // everything else: the interpreter's code, one instruction
        return call_step(pc);
    }
    b_.CreateBr(next(pc));
  }
};

}  // namespace

void emit_ir(const vm::Program& program, llvm::Module& module, const std::string& name) {
  Codegen(program, module).emit(name);
}

void optimize(llvm::Module& module) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O1).run(module, mam);
}

}  // namespace play::jit
