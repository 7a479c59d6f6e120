// The LLJIT session, and running compiled code with eval()'s contract.
//
// Why ORC LLJIT: it is LLVM's ready-made in-process JIT (a compile layer
// over a JITLink/RuntimeDyld linker), thread-safe for adding modules from
// a background thread while code already added runs on another -- what
// swapping a play's evaluator in while the engine runs needs -- and with
// nothing to hand-roll (memory manager, relocation, symbol resolution).
#include "runtime/jit/jit.h"

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <vector>

#include "runtime/jit/codegen.h"

namespace play::jit {

namespace {

void init_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

std::string text(llvm::Error e) { return llvm::toString(std::move(e)); }

}  // namespace

std::string unsupported(const vm::Program& program) {
  for (const vm::Instr& in : program.code)
    // round_robin() rotates the host's pool cursors and runs only when an
    // action fires: nothing to gain, so not compiled (and it keeps one real
    // fallback path, which tests/jit exercises).
    if (in.op == vm::Op::ROUND_ROBIN)
      return "ROUND_ROBIN is not compiled (the program stays on the interpreter)";
  return "";
}

std::string ir_text(const vm::Program& program, std::string& why) {
  why = !program.verified ? "program was not verified" : unsupported(program);
  if (!why.empty()) return "";
  init_llvm();
  llvm::LLVMContext context;
  llvm::Module module("play", context);
  emit_ir(program, module, "play");
  optimize(module);
  std::string out;
  llvm::raw_string_ostream os(out);
  module.print(os, nullptr);
  return os.str();
}

struct Jit::Impl {
  std::unique_ptr<llvm::orc::LLJIT> lljit;
  std::string setup_error;  // why no program can be compiled
  std::mutex mu;
  std::deque<Compiled> compiled;  // stable addresses
  uint64_t next_name = 0;
};

Jit::Jit() : impl_(std::make_unique<Impl>()) {
  init_llvm();
  auto host = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!host) {
    impl_->setup_error = "LLVM JIT: " + text(host.takeError());
    return;
  }
  // -O2 machine code: measured on bench/gen_expr_plays.py, -O0 (fast
  // instruction selection) halves the compile time but its code evaluates
  // about half as fast, which is then slower than the interpreter.
  host->setCodeGenOptLevel(llvm::CodeGenOpt::Default);
  auto lljit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*host)).create();
  if (!lljit) {
    impl_->setup_error = "LLVM JIT: " + text(lljit.takeError());
    return;
  }
  impl_->lljit = std::move(*lljit);
  // The helpers are in this process: their addresses, by name.
  llvm::orc::MangleAndInterner mangle(impl_->lljit->getExecutionSession(), impl_->lljit->getDataLayout());
  llvm::orc::SymbolMap helpers;
  auto add = [&](const char* name, auto* fn) {
    helpers[mangle(name)] =
        llvm::JITEvaluatedSymbol(llvm::pointerToJITTargetAddress(fn), llvm::JITSymbolFlags::Exported);
  };
  add("play_jit_step", &play_jit_step);
  add("play_jit_budget_exhausted", &play_jit_budget_exhausted);
  add("play_jit_past_end", &play_jit_past_end);
  add("play_jit_map_key", &play_jit_map_key);
  if (auto e = impl_->lljit->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(helpers))))
    impl_->setup_error = "LLVM JIT: " + text(std::move(e));
}

Jit::~Jit() = default;

const Compiled* Jit::compile(const vm::Program& program, std::string& why) {
  const vm::Program* one[] = {&program};
  std::vector<std::string> whys;
  const Compiled* code = compile(one, whys)[0];
  why = whys[0];
  return code;
}

// All programs of a batch go into one module: LLVM's fixed cost per module
// (pass and code generator set-up, linking, a symbol lookup) is paid once.
std::vector<const Compiled*> Jit::compile(std::span<const vm::Program* const> programs,
                                          std::vector<std::string>& whys) {
  auto start = std::chrono::steady_clock::now();
  std::vector<const Compiled*> out(programs.size(), nullptr);
  whys.assign(programs.size(), "");
  std::lock_guard lock(impl_->mu);
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = std::make_unique<llvm::Module>("play", *context);
  std::vector<std::pair<size_t, std::string>> names;  // program index, function name
  for (size_t i = 0; i < programs.size(); ++i) {
    const vm::Program& p = *programs[i];
    whys[i] = !p.verified ? "program was not verified" : unsupported(p);
    if (whys[i].empty()) whys[i] = impl_->setup_error;
    if (!whys[i].empty()) continue;
    names.emplace_back(i, "play_" + std::to_string(impl_->next_name++));
    emit_ir(p, *module, names.back().second);
  }
  if (names.empty()) return out;
  module->setDataLayout(impl_->lljit->getDataLayout());
  module->setTargetTriple(impl_->lljit->getTargetTriple().str());
  auto fail_all = [&](const std::string& why) {
    for (auto& [i, name] : names) whys[i] = why;
    return out;
  };
  std::string broken;
  llvm::raw_string_ostream os(broken);
  if (llvm::verifyModule(*module, &os))  // a bug in codegen.cpp: keep the programs on the interpreter
    return fail_all("LLVM IR did not verify: " + os.str());
  optimize(*module);
  if (auto e = impl_->lljit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
    return fail_all(text(std::move(e)));
  std::vector<llvm::orc::ExecutorAddr> addresses;
  for (auto& [i, name] : names) {
    auto address = impl_->lljit->lookup(name);  // the first lookup makes the module's machine code
    if (!address) return fail_all(text(address.takeError()));
    addresses.push_back(*address);
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (size_t n = 0; n < names.size(); ++n) {
    Compiled& c = impl_->compiled.emplace_back();
    c.fn = addresses[n].toPtr<CompiledFn>();
    c.program = programs[names[n].first];
    c.compile_ms = ms / double(names.size());
    out[names[n].first] = &c;
  }
  return out;
}

vm::EvalResult run(CompiledFn code, const vm::Program& prog, vm::EvalContext& ctx) {
  if (!ctx.arena) return vm::eval(prog, ctx);  // the interpreter's error for it
  vm::EvalResult res;
  Frame f;
  f.signal = ctx.signal.data();
  f.signal_n = ctx.signal.size();
  f.account = ctx.account.data();
  f.account_n = ctx.account.size();
  f.contact = ctx.contact.data();
  f.contact_n = ctx.contact.size();
  f.lets = ctx.lets.data();
  f.lets_n = ctx.lets.size();
  f.envelope = ctx.envelope;
  f.now_ms = ctx.now_ms;
  f.loop_budget = ctx.loop_budget;
  f.account_known = ctx.account_known;
  f.contact_known = ctx.contact_known;
  f.program = &prog;
  f.ctx = &ctx;
  f.err = &res.error.message;
  vm::Value* R = vm::alloc_registers(prog, *ctx.arena);
  uint32_t pc = code(&f, R);
  if (pc == kReturned) {
    res.value = f.result;
    return res;
  }
  res.ok = false;
  res.value = vm::Value();
  res.error.pc = pc;
  res.error.pos = pc < prog.positions.size() ? prog.positions[pc] : vm::SourcePos{};
  return res;
}

}  // namespace play::jit
