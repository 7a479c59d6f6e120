#include "runtime/vm/disasm.h"

#include <cstdio>

namespace play::vm {

namespace {

std::string field_name(const std::vector<Field>* fs, uint32_t i) {
  if (fs && i < fs->size()) return (*fs)[i].name;
  return "#" + std::to_string(i);
}

std::string name_at(const std::vector<std::string>& names, uint32_t i) {
  if (i < names.size()) return names[i];
  return "#" + std::to_string(i);
}

// "  alerts volume_drop below 30%, latency_p95 above 30m, lag off\n", "  alerts off\n",
// or "" (all defaults).
std::string alerts_text(const AlertOverrides& a) {
  if (!a.any()) return "";
  if (a.off == kAllAlertRules) return "  alerts off\n";
  auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return std::string(buf);
  };
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "  alerts " : ", ") + s; };
  if (a.volume_drop) add("volume_drop below " + num(*a.volume_drop * 100) + "%");
  if (a.volume_spike) add("volume_spike above " + num(*a.volume_spike) + "x");
  if (a.success_rate) add("success_rate below " + num(*a.success_rate * 100) + "%");
  if (a.lag_ms) add("lag above " + format_duration(*a.lag_ms));
  if (a.latency_ms) add("latency_p95 above " + format_duration(*a.latency_ms));
  if (a.undelivered_ms) add("undelivered after " + format_duration(*a.undelivered_ms));
  for (size_t r = 0; r < static_cast<size_t>(AlertRule::kCount); ++r)
    if (a.off & (1u << r)) add(std::string(kAlertRuleNames[r]) + " off");
  return out + "\n";
}

std::string pos_text(const SourcePos& p, const DisasmNames& n) {
  if (p.line == 0) return "";
  std::string file = n.files && p.file < n.files->size() ? (*n.files)[p.file] : "";
  return (file.empty() ? "?" : file) + ":" + std::to_string(p.line) + ":" + std::to_string(p.col);
}

// How one operand prints, and what it contributes to the comment column.
std::string operand_text(const Program& p, const Instr& in, Operand kind, uint32_t v, const DisasmNames& n,
                         std::string& comment) {
  auto note = [&](const std::string& s) {
    if (!comment.empty()) comment += "  ";
    comment += s;
  };
  switch (kind) {
    case Operand::None:
      return "";
    case Operand::Reg:
    case Operand::Reg2:
    case Operand::RegRange:
      return "r" + std::to_string(v);
    case Operand::Count:
      return std::to_string(v);
    case Operand::Const:
    case Operand::ConstStr:
      if (v < p.constants.size()) note(debug_string(p.constants[v]));
      return "k" + std::to_string(v);
    case Operand::Jump:
    case Operand::Back:
      return "@" + std::to_string(v);
    case Operand::SigSlot:
      note("signal." + field_name(n.signal, v));
      return std::to_string(v);
    case Operand::AccSlot:
      note("account." + field_name(n.account, v));
      return std::to_string(v);
    case Operand::ConSlot:
      note("contact." + field_name(n.contact, v));
      return std::to_string(v);
    case Operand::Let:
      note("let " + name_at(n.lets, v));
      return std::to_string(v);
    case Operand::Pool:
      note("pool " + name_at(n.pools, v));
      return std::to_string(v);
    case Operand::Icp:
      note("icp " + name_at(n.icps, v));
      return std::to_string(v);
    case Operand::Envelope:
      note(std::string("signal.") + envelope_name(static_cast<EnvelopeField>(v)));
      return std::to_string(v);
    case Operand::Record:
      return v == 0 ? "account" : "contact";
    case Operand::Cond:
      return cond_name(static_cast<CmpCond>(v));
    case Operand::Test:
      return test_name(static_cast<JumpTest>(v));
    case Operand::Bool:
      return v ? "true" : "false";
    case Operand::Part:
      return time_part_name(static_cast<TimePart>(v));
  }
  (void)in;
  return "?";
}

std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s + " ";
}

std::string play_names_lets(const Play& p, DisasmNames& n) {
  n.lets.clear();
  for (auto& l : p.lets) n.lets.push_back(l.name);
  return "";
}

}  // namespace

std::string disassemble(const Program& p, const DisasmNames& n, const std::string& indent) {
  std::string out = indent + "registers " + std::to_string(p.num_registers) + "  constants " +
                    std::to_string(p.constants.size()) + "  worst-case cost " +
                    std::to_string(p.worst_case_cost) + "\n";
  out += indent + pad("addr", 5) + pad("opcode", 18) + pad("a", 5) + pad("b", 5) + pad("c", 5) + pad("x", 9) +
         pad("comment", 30) + "position\n";
  for (size_t pc = 0; pc < p.code.size(); ++pc) {
    const Instr& in = p.code[pc];
    std::string line = indent + pad(std::to_string(pc), 5);
    if (static_cast<size_t>(in.op) >= static_cast<size_t>(Op::kCount)) {
      out += line + "<invalid opcode " + std::to_string(int(in.op)) + ">\n";
      continue;
    }
    const OpInfo& info = op_info(in.op);
    std::string comment;
    line += pad(info.name, 18);
    line += pad(operand_text(p, in, info.a, in.a, n, comment), 5);
    line += pad(operand_text(p, in, info.b, in.b, n, comment), 5);
    line += pad(operand_text(p, in, info.c, in.c, n, comment), 5);
    line += pad(operand_text(p, in, info.x, in.x, n, comment), 9);
    line += pad(comment, 30);
    line += pc < p.positions.size() ? pos_text(p.positions[pc], n) : "";
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string disassemble(const Bundle& b) {
  std::string out;
  DisasmNames n;
  n.files = &b.files;
  n.account = &b.account;
  n.contact = &b.contact;
  for (auto& p : b.pools) n.pools.push_back(p.name);
  for (auto& i : b.icps) n.icps.push_back(i.name);

  out += "bundle version " + std::to_string(kBundleVersion) + ": " + std::to_string(b.signals.size()) +
         " signal types, " + std::to_string(b.plays.size()) + " plays, " + std::to_string(b.icps.size()) +
         " icps, " + std::to_string(b.suppressions.size()) + " suppression rules, " +
         std::to_string(b.pools.size()) + " pools\n";
  for (auto& p : b.pools) {
    out += "pool " + p.name + " = [";
    for (size_t i = 0; i < p.members.size(); ++i) out += (i ? ", " : "") + ("\"" + p.members[i] + "\"");
    out += "]\n";
  }
  for (auto& i : b.icps) {
    out += "\nicp " + i.name + "\n";
    out += disassemble(i.program, n, "  ");
  }
  for (size_t i = 0; i < b.suppressions.size(); ++i) {
    out += "\nsuppress rule " + std::to_string(i + 1) + " as \"" + b.suppressions[i].reason + "\"\n";
    out += disassemble(b.suppressions[i].program, n, "  ");
  }
  for (auto& p : b.plays) {
    play_names_lets(p, n);
    n.signal = !p.signal_types.empty() && p.signal_types[0] < b.signals.size()
                   ? &b.signals[p.signal_types[0]].props
                   : nullptr;
    out += "\nplay " + p.name + "  on";
    for (size_t i = 0; i < p.signal_types.size(); ++i) {
      uint32_t t = p.signal_types[i];
      out += (i ? ", " : " ") + (t < b.signals.size() ? b.signals[t].name : "#" + std::to_string(t));
    }
    out += std::string("  priority ") + priority_name(p.priority) + "  mode " +
           (p.mode == Mode::Shadow ? "shadow" : "live") + "  sla " + format_duration(p.sla_ms) +
           "  worst-case cost " + std::to_string(p.worst_case_cost);
    std::string pt = pos_text(p.pos, n);
    out += (pt.empty() ? "" : "  (" + pt + ")") + "\n";
    out += alerts_text(p.alerts);
    if (p.pattern.kind != PatternKind::None) {
      const Pattern& pat = p.pattern;
      bool score = pat.kind == PatternKind::Score;
      out += std::string("  pattern ") +
             (score ? "score " + pat.score_name + " crosses " + render(Value::floating(pat.crosses)) +
                          " half_life " + format_duration(pat.half_life_ms)
              : pat.kind == PatternKind::Count
                  ? "count >= " + std::to_string(pat.threshold) + " within " + format_duration(pat.within_ms)
              : pat.kind == PatternKind::Rate
                  ? rate_text(pat, pat.members.empty() || pat.members[0].signal_type >= b.signals.size()
                                       ? std::string_view("?")
                                       : std::string_view(b.signals[pat.members[0].signal_type].name))
              : pat.kind == PatternKind::Absence ? "absence for " + format_duration(pat.within_ms)
                                                 : "all of within " + format_duration(pat.within_ms)) +
             (pat.per == Per::Contact ? " per contact" : " per account") + "  lateness " +
             format_duration(pat.lateness_ms) + "\n";
      const std::vector<Field>* play_signal = n.signal;
      for (size_t i = 0; i < pat.members.size(); ++i) {
        uint32_t t = pat.members[i].signal_type;
        bool known = t < b.signals.size();
        out += std::string(score ? "  rule " : "  member ") + std::to_string(i + 1) + ": " +
               (known ? b.signals[t].name : "#" + std::to_string(t)) +
               (pat.members[i].filter.code.empty() ? " (every signal)\n" : " where\n");
        n.signal = known ? &b.signals[t].props : nullptr;
        if (!pat.members[i].filter.code.empty()) out += disassemble(pat.members[i].filter, n, "    ");
        if (score) out += "    weight\n" + disassemble(pat.members[i].weight, n, "      ");
      }
      n.signal = play_signal;
    }
    for (size_t i = 0; i < p.clauses.size(); ++i) {
      const Clause& c = p.clauses[i];
      std::string head = "  clause " + std::to_string(i + 1) + ": ";
      switch (c.kind) {
        case ClauseKind::Where:
          head += "where";
          break;
        case ClauseKind::WhereIcp:
          head += "where icp " + (c.icp < n.icps.size() ? n.icps[c.icp] : "#" + std::to_string(c.icp));
          break;
        case ClauseKind::Unless:
          head += "unless as \"" + c.reason + "\"";
          break;
        case ClauseKind::UnlessSuppressed:
          head += "unless suppressed";
          break;
        case ClauseKind::UnlessFired:
          head += "unless fired within " + format_duration(c.within_ms) +
                  (c.per == Per::Contact   ? " per contact"
                   : c.per == Per::Account ? " per account"
                                           : "");
          break;
        default:
          head += "?";
          break;
      }
      std::string cp = pos_text(c.pos, n);
      out += head + (cp.empty() ? "" : "  (" + cp + ")") + "\n";
      if (c.kind == ClauseKind::Where || c.kind == ClauseKind::Unless)
        out += disassemble(c.program, n, "    ");
    }
    for (size_t i = 0; i < p.lets.size(); ++i) {
      out += "  let " + p.lets[i].name + "\n";
      out += disassemble(p.lets[i].program, n, "    ");
    }
    for (auto& a : p.actions) {
      std::string ap = pos_text(a.pos, n);
      out += "  do " + a.name + " -> sink " + (a.sink.empty() ? "(named by argument)" : a.sink) +
             (ap.empty() ? "" : "  (" + ap + ")") + "\n";
      for (auto& arg : a.args) {
        out += "    arg " + arg.name + "\n";
        out += disassemble(arg.program, n, "      ");
      }
      if (!a.mrkdwn_text.code.empty()) {
        out += "    text as Slack mrkdwn (values escaped)\n";
        out += disassemble(a.mrkdwn_text, n, "      ");
      }
    }
  }
  return out;
}

namespace {

// A Markdown table cell: `|` would end it. (Synopses put entity-like text
// such as `&amp;` in backquotes themselves.)
std::string cell(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

std::string operand_cell(Operand kind) { return kind == Operand::None ? "" : operand_info(kind).name; }

}  // namespace

std::string bytecode_reference() {
  std::string out =
      "# Bytecode reference\n\n"
      "<!-- Generated from runtime/vm/opcodes.h by `playc bytecode-reference > docs/bytecode.md`;\n"
      "     do not edit. The test bytecode_reference_current fails when it is out of date. -->\n\n"
      "What `playc disasm` prints. A program (one clause, let, action argument, icp or\n"
      "suppression rule) is a list of 8-byte instructions: an opcode, three 16-bit operands\n"
      "`a`, `b`, `c` and a small operand `x`. Each opcode fixes the kind of each operand, and\n"
      "the verifier checks every operand against it before a program may run, so a corrupt\n"
      "or hostile bundle is refused, never executed. `R[n]` is register n, `K[n]` constant n.\n"
      "Typed instructions (`ADD_INT`, `CMP_STR`, ...) are what codegen emits where the checker\n"
      "proved the operand kinds; on other kinds they fall back to the generic semantics, so a\n"
      "wrong guess is only slower, never wrong.\n\n"
      "## Operand kinds\n\n| kind | meaning |\n|---|---|\n";
  for (size_t i = 1; i < kOperandKinds; ++i) {  // None is an empty cell below
    const OperandInfo& k = operand_info(static_cast<Operand>(i));
    out += "| " + std::string(k.name) + " | " + cell(k.meaning) + " |\n";
  }
  out += "\nAn empty operand cell means the operand is unused and must be 0.\n\n## Opcodes\n";
  for (const OpGroup& g : op_groups()) {
    out += "\n### " + std::string(g.title) + "\n\n";
    if (*g.text) out += cell(g.text) + "\n\n";
    out += "| # | opcode | a | b | c | x | synopsis |\n|--:|---|---|---|---|---|---|\n";
    for (auto op = static_cast<size_t>(g.first); op < static_cast<size_t>(g.end); ++op) {
      const OpInfo& info = op_info(static_cast<Op>(op));
      out += "| " + std::to_string(op) + " | `" + info.name + "` | " + operand_cell(info.a) + " | " +
             operand_cell(info.b) + " | " + operand_cell(info.c) + " | " + operand_cell(info.x) + " | " +
             cell(info.synopsis) + " |\n";
    }
  }
  // The JIT (runtime/jit) is optional and outside the VM, but what it does
  // with these instructions belongs beside them.
  out +=
      "\n## The JIT (optional)\n\n"
      "A build configured with `-DPLAY_JIT=ON` can run programs as native code (`playc run --jit`,\n"
      "playd's `jit = true`; `playc disasm --jit` prints the LLVM IR). It compiles a verified program,\n"
      "one LLVM basic block per instruction, and keeps the interpreter's register file in the arena.\n\n"
      "- **Compiled inline:** `NOP`, the loads (`LOAD_NULL`, `LOAD_BOOL`, `LOAD_CONST` as immediates,\n"
      "  `MOVE`, `LOAD_SIGNAL_SLOT`, `LOAD_ACCOUNT_SLOT`, `LOAD_CONTACT_SLOT`, `LOAD_LET`,\n"
      "  `LOAD_ENVELOPE`, `RECORD_KNOWN`, `LOAD_NOW`), the typed arithmetic (`ADD_INT` ... `MOD_INT`\n"
      "  with overflow checks, `ADD_FLOAT` ... `DIV_FLOAT`), `CMP_INT` and `CMP_FLOAT`, `HAS`,\n"
      "  `JUMP`, `JUMP_IF`, `ITER_NEXT` over a list, `LOOP` with the loop budget, and `RETURN`.\n"
      "- **Through the interpreter's code:** every other instruction, and every slow path of the\n"
      "  inline ones (operands of other kinds, null, overflow, a zero or -1 divisor), is a call to\n"
      "  `vm::step()`, which runs that one instruction exactly as `eval()` does. Values, null\n"
      "  propagation, error texts, the failing instruction's position and arena use are therefore\n"
      "  the interpreter's.\n"
      "- **Not compiled:** a program containing `ROUND_ROBIN` (it rotates the host's pools and\n"
      "  runs only when an action fires) stays on the interpreter; the `jit:` summary line of\n"
      "  `playc run` counts such programs and says why.\n"
      "- **When:** each program runs on the interpreter until it has been evaluated 1,000 times;\n"
      "  then a background thread compiles it (with the others queued, in one LLVM module) and\n"
      "  publishes the code with an atomic pointer the next evaluation reads. `--jit=eager`\n"
      "  compiles every program before the first signal.\n";
  return out;
}

}  // namespace play::vm
