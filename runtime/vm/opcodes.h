// The instruction set: every opcode once, with the kinds of its operands and
// a one-line synopsis (like Wren's wren_opcodes.h and SQLite's opcode
// comments that mkopcodeh reads). program.h makes the Op enum and the
// operand-kind enum from it, the verifier checks operands by it, `playc
// disasm` prints names and operands by it, and docs/bytecode.md is generated
// from it (`playc bytecode-reference`; a test fails when the doc is stale).
//
// Include it with PLAY_OPCODE(name, a, b, c, x, synopsis) defined, and
// optionally PLAY_OPERAND(kind, meaning) and PLAY_OPCODE_GROUP(title, text).
// Null rules are those of LANGUAGE.md section 3 "Null safety". R[n] is
// register n, K[n] constant n. No include guard: included once per use.

#ifndef PLAY_OPERAND
#define PLAY_OPERAND(kind, meaning)
#endif
#ifndef PLAY_OPCODE_GROUP
#define PLAY_OPCODE_GROUP(title, text)
#endif
#ifndef PLAY_OPCODE
#define PLAY_OPCODE(name, a, b, c, x, synopsis)
#endif

// clang-format off

// ---- operand kinds: what the verifier checks and the disassembler prints
PLAY_OPERAND(None,     "unused; must be 0")
PLAY_OPERAND(Reg,      "a register < num_registers")
PLAY_OPERAND(Reg2,     "a register pair r, r+1 (both < num_registers)")
PLAY_OPERAND(RegRange, "with the next operand: registers b .. b+c-1 (c may be 0)")
PLAY_OPERAND(Count,    "the length of a RegRange (registers) or BUILD_MAP pairs (2 registers each)")
PLAY_OPERAND(Const,    "a constant-pool index")
PLAY_OPERAND(ConstStr, "a constant-pool index holding a string")
PLAY_OPERAND(Jump,     "a forward jump target: pc < target <= code size")
PLAY_OPERAND(Back,     "a backward jump target: an ITER_NEXT at an index < pc")
PLAY_OPERAND(SigSlot,  "a signal property slot (< the signal schema's size; ProgramLimits)")
PLAY_OPERAND(AccSlot,  "an account field slot")
PLAY_OPERAND(ConSlot,  "a contact field slot")
PLAY_OPERAND(Let,      "a let index (< ProgramLimits::lets)")
PLAY_OPERAND(Pool,     "a pool index")
PLAY_OPERAND(Icp,      "a named-icp index")
PLAY_OPERAND(Envelope, "an EnvelopeField: id, type, source, occurred_at, received_at, account, contact")
PLAY_OPERAND(Record,   "0 = account, 1 = contact")
PLAY_OPERAND(Cond,     "a CmpCond: == != < <= > >=")
PLAY_OPERAND(Test,     "a JumpTest: false, true, null, not-null, not-true")
PLAY_OPERAND(Bool,     "0 or 1")
PLAY_OPERAND(Part,     "a TimePart: getFullYear, getMonth, getDate, getDayOfMonth, getDayOfWeek, getDayOfYear, getHours, getMinutes, getSeconds, getMilliseconds")

// ---- opcodes, in encoding order (the bundle stores the number: append only)

PLAY_OPCODE_GROUP("no operation", "")
PLAY_OPCODE(NOP,               None, None,     None,     None,     "does nothing")

PLAY_OPCODE_GROUP("loads", "R[a] = a value from the program, the signal, the context or the host.")
PLAY_OPCODE(LOAD_NULL,         Reg,  None,     None,     None,     "R[a] = null")
PLAY_OPCODE(LOAD_BOOL,         Reg,  None,     None,     Bool,     "R[a] = x != 0")
PLAY_OPCODE(LOAD_CONST,        Reg,  Const,    None,     None,     "R[a] = K[b]")
PLAY_OPCODE(MOVE,              Reg,  Reg,      None,     None,     "R[a] = R[b]")
PLAY_OPCODE(LOAD_SIGNAL_SLOT,  Reg,  SigSlot,  None,     None,     "R[a] = signal property slot b")
PLAY_OPCODE(LOAD_SIGNAL_PROP,  Reg,  ConstStr, None,     None,     "R[a] = signal property named K[b], null when absent (slow: for icps and suppression rules, which run for any signal type)")
PLAY_OPCODE(LOAD_ACCOUNT_SLOT, Reg,  AccSlot,  None,     None,     "R[a] = account field b; null if the account is unknown")
PLAY_OPCODE(LOAD_CONTACT_SLOT, Reg,  ConSlot,  None,     None,     "R[a] = contact field b; null if the contact is unknown")
PLAY_OPCODE(RECORD_KNOWN,      Reg,  None,     None,     Record,   "R[a] = whether the account (x = 0) or contact (x = 1) record is known")
PLAY_OPCODE(LOAD_ENVELOPE,     Reg,  None,     None,     Envelope, "R[a] = signal.id / type / source / occurred_at / received_at / account / contact")
PLAY_OPCODE(LOAD_LET,          Reg,  Let,      None,     None,     "R[a] = let b")
PLAY_OPCODE(LOAD_NOW,          Reg,  None,     None,     None,     "R[a] = now (the signal's event time)")
PLAY_OPCODE(LOAD_ICP,          Reg,  Icp,      None,     None,     "R[a] = named icp b (host callback, evaluated once per signal)")
PLAY_OPCODE(ROUND_ROBIN,       Reg,  Pool,     None,     None,     "R[a] = next member of pool b (host callback)")

PLAY_OPCODE_GROUP("typed arithmetic", "R[a] = R[b] op R[c] on proven ints or floats; any other kinds take the generic path. A null operand gives null; int overflow, / 0 and % 0 are errors.")
PLAY_OPCODE(ADD_INT,           Reg,  Reg,      Reg,      None,     "R[a] = R[b] + R[c], ints")
PLAY_OPCODE(SUB_INT,           Reg,  Reg,      Reg,      None,     "R[a] = R[b] - R[c], ints")
PLAY_OPCODE(MUL_INT,           Reg,  Reg,      Reg,      None,     "R[a] = R[b] * R[c], ints")
PLAY_OPCODE(DIV_INT,           Reg,  Reg,      Reg,      None,     "R[a] = R[b] / R[c], ints (truncating)")
PLAY_OPCODE(MOD_INT,           Reg,  Reg,      Reg,      None,     "R[a] = R[b] % R[c], ints")
PLAY_OPCODE(ADD_FLOAT,         Reg,  Reg,      Reg,      None,     "R[a] = R[b] + R[c], floats")
PLAY_OPCODE(SUB_FLOAT,         Reg,  Reg,      Reg,      None,     "R[a] = R[b] - R[c], floats")
PLAY_OPCODE(MUL_FLOAT,         Reg,  Reg,      Reg,      None,     "R[a] = R[b] * R[c], floats")
PLAY_OPCODE(DIV_FLOAT,         Reg,  Reg,      Reg,      None,     "R[a] = R[b] / R[c], floats (IEEE: / 0 is inf or nan)")

PLAY_OPCODE_GROUP("generic arithmetic", "R[a] = R[b] op R[c] for any kinds: int and float mix (int promotes); string + string and list + list concatenate; timestamp - timestamp = duration; timestamp +- duration; duration +- duration; duration * and / a number. Float / 0 is IEEE (inf or nan), int / 0 is an error; a null operand gives null.")
PLAY_OPCODE(ADD,               Reg,  Reg,      Reg,      None,     "R[a] = R[b] + R[c]")
PLAY_OPCODE(SUB,               Reg,  Reg,      Reg,      None,     "R[a] = R[b] - R[c]")
PLAY_OPCODE(MUL,               Reg,  Reg,      Reg,      None,     "R[a] = R[b] * R[c]")
PLAY_OPCODE(DIV,               Reg,  Reg,      Reg,      None,     "R[a] = R[b] / R[c]")
PLAY_OPCODE(MOD,               Reg,  Reg,      Reg,      None,     "R[a] = R[b] % R[c]")
PLAY_OPCODE(NEG,               Reg,  Reg,      None,     None,     "R[a] = -R[b] (int, float, duration)")

PLAY_OPCODE_GROUP("logic", "not null = null. AND and OR combine two evaluated operands (false wins for AND, true for OR, else null if either is null); the short circuit is done with JUMP_IF.")
PLAY_OPCODE(NOT,               Reg,  Reg,      None,     None,     "R[a] = not R[b]")
PLAY_OPCODE(AND,               Reg,  Reg,      Reg,      None,     "R[a] = R[b] and R[c]")
PLAY_OPCODE(OR,                Reg,  Reg,      Reg,      None,     "R[a] = R[b] or R[c]")

PLAY_OPCODE_GROUP("comparison", "R[a] = R[b] <x> R[c], x a CmpCond. EQ and NE compare normally (null == null); LT, LE, GT and GE with a null operand are false; incomparable kinds are an error.")
PLAY_OPCODE(CMP_INT,           Reg,  Reg,      Reg,      Cond,     "compare proven ints (generic path otherwise)")
PLAY_OPCODE(CMP_FLOAT,         Reg,  Reg,      Reg,      Cond,     "compare proven floats (generic path otherwise)")
PLAY_OPCODE(CMP_STR,           Reg,  Reg,      Reg,      Cond,     "compare proven strings (generic path otherwise)")
PLAY_OPCODE(CMP,               Reg,  Reg,      Reg,      Cond,     "compare any kinds")
PLAY_OPCODE(IN,                Reg,  Reg,      Reg,      None,     "R[a] = R[b] in R[c] (list element or map key); null operand -> false")
PLAY_OPCODE(NOT_IN,            Reg,  Reg,      Reg,      None,     "R[a] = R[b] not in R[c]; null operand -> true")

PLAY_OPCODE_GROUP("functions and methods", "R[a] = f(R[b]) or R[b].m(R[c]); a null operand gives null unless said.")
PLAY_OPCODE(SIZE,              Reg,  Reg,      None,     None,     "code points of a string; elements of a list or map")
PLAY_OPCODE(STR_CONTAINS,      Reg,  Reg,      Reg,      None,     "R[b].contains(R[c]); null -> false")
PLAY_OPCODE(STR_STARTS,        Reg,  Reg,      Reg,      None,     "R[b].startsWith(R[c]); null -> false")
PLAY_OPCODE(STR_ENDS,          Reg,  Reg,      Reg,      None,     "R[b].endsWith(R[c]); null -> false")
PLAY_OPCODE(MATCHES_CONST,     Reg,  Reg,      ConstStr, None,     "RE2 partial match of R[b], pattern K[c] compiled at load; null -> false; bad pattern -> error")
PLAY_OPCODE(MATCHES,           Reg,  Reg,      Reg,      None,     "RE2 partial match of R[b], pattern R[c] compiled once per distinct pattern (RegexCache); bad pattern -> error")
PLAY_OPCODE(LOWER,             Reg,  Reg,      None,     None,     "ASCII lower-case (CEL lowerAscii)")
PLAY_OPCODE(UPPER,             Reg,  Reg,      None,     None,     "ASCII upper-case")
PLAY_OPCODE(TO_INT,            Reg,  Reg,      None,     None,     "int(x): a float truncates (range-checked), a string parses, a timestamp gives epoch seconds")
PLAY_OPCODE(TO_FLOAT,          Reg,  Reg,      None,     None,     "float(x) / double(x)")
PLAY_OPCODE(TO_STRING,         Reg,  Reg,      None,     None,     "string(x): the template rendering")
PLAY_OPCODE(ESCAPE_MRKDWN,     Reg,  Reg,      None,     None,     "render(R[b]) with `&` `<` `>` as `&amp;` `&lt;` `&gt;`: a value interpolated into a Slack mrkdwn text")
PLAY_OPCODE(TO_TIMESTAMP,      Reg,  Reg,      None,     None,     "timestamp(x): an RFC 3339 string, epoch seconds, or a timestamp")
PLAY_OPCODE(TO_DURATION,       Reg,  Reg,      None,     None,     "duration(x): a string such as \"4h\", or a duration")
PLAY_OPCODE(HAS,               Reg,  Reg,      None,     None,     "R[a] = R[b] != null (has(x.f))")
PLAY_OPCODE(INDEX,             Reg,  Reg,      Reg,      None,     "R[b][R[c]]: list[int] (out of range -> error), map[string] (missing -> null)")
PLAY_OPCODE(MAP_GET,           Reg,  Reg,      ConstStr, None,     "R[b].K[c] on a map (a dyn member); missing -> null")

PLAY_OPCODE_GROUP("construction", "Lists, maps and strings built into the evaluation's arena.")
PLAY_OPCODE(BUILD_LIST,        Reg,  RegRange, Count,    None,     "R[a] = [R[b] .. R[b+c-1]]")
PLAY_OPCODE(BUILD_MAP,         Reg,  RegRange, Count,    None,     "R[a] = {R[b]: R[b+1], ...}, c pairs; keys must be strings; later duplicates win")
PLAY_OPCODE(CONCAT,            Reg,  RegRange, Count,    None,     "R[a] = render(R[b]) + ... + render(R[b+c-1]) (string templates)")

PLAY_OPCODE_GROUP("control", "Jump targets are absolute instruction indexes.")
PLAY_OPCODE(JUMP,              None, Jump,     None,     None,     "pc = b")
PLAY_OPCODE(JUMP_IF,           Reg,  Jump,     None,     Test,     "if test x holds for R[a]: pc = b")

PLAY_OPCODE_GROUP("list macros", "exists, all, filter and map. A loop is bounded by its list's length, and an evaluation also has a total loop budget (EvalContext::loop_budget).")
PLAY_OPCODE(ITER_INIT,         Reg2, Reg,      None,     None,     "R[a] = 0 (the index), R[a+1] = R[b] (the list, or a map's keys)")
PLAY_OPCODE(ITER_NEXT,         Reg2, Reg,      Jump,     None,     "bind R[b] to the next element and advance; when done, pc = c")
PLAY_OPCODE(LOOP,              None, Back,     None,     None,     "pc = b, an ITER_NEXT")
PLAY_OPCODE(LIST_NEW,          Reg,  Reg,      None,     None,     "R[a] = empty growable list, capacity = size of list or map R[b] (0 for anything else)")
PLAY_OPCODE(LIST_APPEND,       Reg,  Reg,      None,     None,     "append R[b] to growable list R[a]; full -> error")

PLAY_OPCODE_GROUP("result", "Every program ends with one.")
PLAY_OPCODE(RETURN,            Reg,  None,     None,     None,     "the program's value is R[a]")

PLAY_OPCODE_GROUP("conversions and time fields", "Functions and methods added after the result group (opcode numbers are append-only). A null operand gives null.")
PLAY_OPCODE(TO_BOOL,           Reg,  Reg,      None,     None,     "bool(x): a bool, or the strings \"true\" \"TRUE\" \"True\" \"t\" \"1\" and \"false\" \"FALSE\" \"False\" \"f\" \"0\"; any other string -> error")
PLAY_OPCODE(TIME_PART,         Reg,  Reg,      Reg,      Part,     "R[a] = field x of timestamp R[b] in time zone R[c] (an IANA name such as \"America/New_York\", \"UTC\", or an offset \"+05:30\"; unknown -> error), or of duration R[b] (getHours, getMinutes, getSeconds: whole units of the duration; getMilliseconds: its milliseconds within the second)")

// clang-format on

#undef PLAY_OPERAND
#undef PLAY_OPCODE_GROUP
#undef PLAY_OPCODE
