#include "compiler/codegen/builder.h"

#include <algorithm>
#include <cstring>

namespace play::codegen {

namespace {

void append_bits(std::string& out, const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }

void key_of(const vm::Value& v, std::string& out) {
  out.push_back(static_cast<char>(v.kind));
  switch (v.kind) {
    case vm::Kind::Null:
      break;
    case vm::Kind::Bool:
      out.push_back(v.b ? 1 : 0);
      break;
    case vm::Kind::Int:
    case vm::Kind::Duration:
    case vm::Kind::Timestamp:
      append_bits(out, &v.i, sizeof v.i);
      break;
    case vm::Kind::Float:
      append_bits(out, &v.f, sizeof v.f);
      break;  // bits: -0.0 != 0.0
    case vm::Kind::String:
      append_bits(out, &v.n, sizeof v.n);
      out.append(v.str());
      break;
    case vm::Kind::List:
      append_bits(out, &v.n, sizeof v.n);
      for (const auto& item : v.list_items()) key_of(item, out);
      break;
    case vm::Kind::Map:
      append_bits(out, &v.n, sizeof v.n);
      for (const auto& e : v.map_entries()) {
        key_of(vm::Value::string(e.key), out);
        key_of(e.value, out);
      }
      break;
  }
}

}  // namespace

std::string constant_key(const vm::Value& v) {
  std::string k;
  key_of(v, k);
  return k;
}

uint16_t ProgramBuilder::alloc() {
  if (top_ >= vm::kMaxRegisters)
    throw TooLarge("an expression needs more than " + std::to_string(vm::kMaxRegisters) +
                   " registers; split it into lets");
  uint16_t r = static_cast<uint16_t>(top_++);
  max_ = std::max(max_, top_);
  return r;
}

uint16_t ProgramBuilder::constant(const vm::Value& v) {
  std::string key = constant_key(v);
  auto it = const_index_.find(key);
  if (it != const_index_.end()) return it->second;
  if (prog_.constants.size() >= 65535) throw TooLarge("an expression needs more than 65535 constants");
  uint16_t k = prog_.constants.add(v);
  const_index_.emplace(std::move(key), k);
  return k;
}

vm::SourcePos ProgramBuilder::pos(Span s) {
  if (!sources_ || s.file == 0 || s.file >= sources_->size()) return {};
  if (s.file != pos_file_ || s.begin != pos_offset_) {
    LineCol lc = sources_->file(s.file).line_col(s.begin);
    pos_cache_ = {s.file, lc.line, lc.col};
    pos_file_ = s.file;
    pos_offset_ = s.begin;
  }
  return pos_cache_;
}

uint32_t ProgramBuilder::emit(vm::Op op, uint16_t a, uint16_t b, uint16_t c, uint8_t x, Span where) {
  if (prog_.code.size() >= vm::kMaxCode - 1)
    throw TooLarge("an expression compiles to more than " + std::to_string(vm::kMaxCode) + " instructions");
  cost_ = std::min<uint64_t>(cost_ + mult_, UINT32_MAX);
  return prog_.emit(op, a, b, c, x, pos(where));
}

void ProgramBuilder::patch_to_here(uint32_t at) {
  vm::Instr& in = prog_.code[at];
  uint16_t target = static_cast<uint16_t>(here());
  if (in.op == vm::Op::ITER_NEXT)
    in.c = target;
  else
    in.b = target;
}

vm::Program ProgramBuilder::finish(uint16_t result, Span where) {
  emit(vm::Op::RETURN, result, 0, 0, 0, where);
  prog_.num_registers = static_cast<uint16_t>(std::max<uint32_t>(max_, 1));
  prog_.worst_case_cost = static_cast<uint32_t>(cost_);
  return std::move(prog_);
}

}  // namespace play::codegen
