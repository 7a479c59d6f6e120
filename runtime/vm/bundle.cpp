// Bundle encoding, decoding and whole-bundle verification.
//
// The decoder trusts nothing: every read is bounds-checked, every count is
// checked against the bytes left (each element needs at least one byte),
// nesting is depth-limited, enums are range-checked, and the verifier then
// checks every program against the limits its place in the bundle implies.
#include "runtime/vm/bundle.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace play::vm {

// ------------------------------------------------------------------ CRC-32C

uint32_t crc32c(std::string_view bytes, uint32_t crc) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

namespace {

// ------------------------------------------------------------------ writer

struct Out {
  std::string buf;
  bool positions = true;  // false: programs without their source positions (pattern_hash)
  void u8(uint8_t v) { buf.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) {
    u8(v & 0xFF);
    u8(v >> 8);
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    u64(bits);
  }
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    buf.append(s);
  }
  void strs(const std::vector<std::string>& v) {
    u32(static_cast<uint32_t>(v.size()));
    for (auto& s : v) str(s);
  }
  void pos(const SourcePos& p) {
    u32(p.file);
    u32(p.line);
    u32(p.col);
  }
  void value(const Value& v) {
    u8(static_cast<uint8_t>(v.kind));
    switch (v.kind) {
      case Kind::Null:
        break;
      case Kind::Bool:
        u8(v.b);
        break;
      case Kind::Int:
      case Kind::Duration:
      case Kind::Timestamp:
        i64(v.i);
        break;
      case Kind::Float:
        f64(v.f);
        break;
      case Kind::String:
        str(v.str());
        break;
      case Kind::List:
        u32(v.n);
        for (auto& x : v.list_items()) value(x);
        break;
      case Kind::Map:
        u32(v.n);
        for (auto& e : v.map_entries()) {
          str(e.key);
          value(e.value);
        }
        break;
    }
  }
  void program(const Program& p) {
    u16(p.num_registers);
    u32(p.worst_case_cost);
    u32(static_cast<uint32_t>(p.code.size()));
    for (size_t i = 0; i < p.code.size(); ++i) {
      const Instr& in = p.code[i];
      u8(static_cast<uint8_t>(in.op));
      u8(in.x);
      u16(in.a);
      u16(in.b);
      u16(in.c);
      if (positions) pos(i < p.positions.size() ? p.positions[i] : SourcePos{});
    }
    u32(static_cast<uint32_t>(p.constants.size()));
    for (auto& v : p.constants.values()) value(v);
  }
  void fields(const std::vector<Field>& fs) {
    u32(static_cast<uint32_t>(fs.size()));
    for (auto& f : fs) {
      str(f.name);
      u8(static_cast<uint8_t>(f.type.code));
      u8(f.type.nullable);
      u8(static_cast<uint8_t>(f.type.elem));
    }
  }
};

// ------------------------------------------------------------------ reader

struct In {
  const char* p;
  const char* end;
  std::string err;
  Arena scratch{4096};  // temporary list/map storage while decoding constants

  bool failed() const { return !err.empty(); }
  bool need(size_t n, const char* what) {
    if (failed()) return false;
    if (static_cast<size_t>(end - p) < n) {
      err = std::string("bundle truncated while reading ") + what;
      return false;
    }
    return true;
  }
  uint64_t le(size_t n, const char* what) {
    if (!need(n, what)) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
    p += n;
    return v;
  }
  uint8_t u8(const char* what) { return static_cast<uint8_t>(le(1, what)); }
  uint16_t u16(const char* what) { return static_cast<uint16_t>(le(2, what)); }
  uint32_t u32(const char* what) { return static_cast<uint32_t>(le(4, what)); }
  int64_t i64(const char* what) { return static_cast<int64_t>(le(8, what)); }
  double f64(const char* what) {
    uint64_t bits = le(8, what);
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  // A count of elements each needing at least `min_bytes`.
  uint32_t count(size_t min_bytes, const char* what) {
    uint32_t n = u32(what);
    if (failed()) return 0;
    if (min_bytes && n > static_cast<size_t>(end - p) / min_bytes) {
      err = std::string("bundle corrupt: ") + what + " count " + std::to_string(n) + " exceeds the data left";
      return 0;
    }
    return n;
  }
  std::string_view str_view(const char* what) {
    uint32_t n = count(1, what);
    if (failed() || !need(n, what)) return {};
    std::string_view s(p, n);
    p += n;
    return s;
  }
  std::string str(const char* what) { return std::string(str_view(what)); }
  std::vector<std::string> strs(const char* what) {
    std::vector<std::string> v;
    uint32_t n = count(4, what);
    for (uint32_t i = 0; i < n && !failed(); ++i) v.push_back(str(what));
    return v;
  }
  SourcePos pos() {
    SourcePos s;
    s.file = u32("source position");
    s.line = u32("source position");
    s.col = u32("source position");
    return s;
  }
  template <class E>
  E enum_(uint8_t limit, const char* what) {
    uint8_t v = u8(what);
    if (!failed() && v >= limit) err = std::string("bundle corrupt: bad ") + what + " " + std::to_string(v);
    return static_cast<E>(v);
  }
  Value value(int depth) {
    if (depth > 32) {
      err = "bundle corrupt: constants nested too deeply";
      return {};
    }
    Kind k = enum_<Kind>(9, "constant kind");
    if (failed()) return {};
    switch (k) {
      case Kind::Null:
        return {};
      case Kind::Bool: {
        uint8_t b = u8("bool constant");
        if (b > 1) err = "bundle corrupt: bad bool constant";
        return Value::boolean(b);
      }
      case Kind::Int:
        return Value::integer(i64("int constant"));
      case Kind::Duration:
        return Value::duration(i64("duration constant"));
      case Kind::Timestamp:
        return Value::timestamp(i64("timestamp constant"));
      case Kind::Float:
        return Value::floating(f64("float constant"));
      case Kind::String:
        return Value::string(str_view("string constant"));
      case Kind::List: {
        uint32_t n = count(1, "list constant");
        Value* items = scratch.alloc_array<Value>(n);
        for (uint32_t i = 0; i < n; ++i) items[i] = failed() ? Value() : value(depth + 1);
        return Value::list(items, n);
      }
      case Kind::Map: {
        uint32_t n = count(5, "map constant");
        MapEntry* es = scratch.alloc_array<MapEntry>(n);
        for (uint32_t i = 0; i < n; ++i) {
          std::string_view key = str_view("map key");
          new (&es[i]) MapEntry{key, failed() ? Value() : value(depth + 1)};
        }
        return Value::map(es, n);
      }
    }
    return {};
  }
  void program(Program& prog) {
    prog.num_registers = u16("register count");
    prog.worst_case_cost = u32("cost");
    uint32_t n = count(20, "instruction");
    prog.code.reserve(n);
    prog.positions.reserve(n);
    for (uint32_t i = 0; i < n && !failed(); ++i) {
      Instr in;
      in.op = static_cast<Op>(u8("opcode"));  // range-checked by the verifier
      in.x = u8("operand");
      in.a = u16("operand");
      in.b = u16("operand");
      in.c = u16("operand");
      prog.code.push_back(in);
      prog.positions.push_back(pos());
    }
    uint32_t nk = count(1, "constant");
    if (nk > 65535) err = "bundle corrupt: too many constants";
    for (uint32_t i = 0; i < nk && !failed(); ++i) {
      scratch.reset();
      Value v = value(0);
      if (!failed()) prog.constants.add(v);
    }
  }
  std::vector<Field> fields(const char* what) {
    std::vector<Field> fs;
    uint32_t n = count(7, what);
    for (uint32_t i = 0; i < n && !failed(); ++i) {
      Field f;
      f.name = str(what);
      f.type.code = enum_<Kind>(9, "field type");
      f.type.nullable = enum_<uint8_t>(2, "field nullability") != 0;
      f.type.elem = enum_<Kind>(9, "field element type");
      fs.push_back(std::move(f));
    }
    return fs;
  }
};

// Alert overrides: a u8 of which thresholds are set (alert_bit of their
// rule), then each one set, in rule order (f64 shares and factor, i64
// milliseconds), then the u8 of rules silenced.
void write_alerts(Out& o, const AlertOverrides& a) {
  auto b = [](bool set, AlertRule r) { return set ? alert_bit(r) : 0; };
  o.u8(static_cast<uint8_t>(b(a.volume_drop.has_value(), AlertRule::VolumeDrop) |
                            b(a.volume_spike.has_value(), AlertRule::VolumeSpike) |
                            b(a.success_rate.has_value(), AlertRule::SuccessRate) |
                            b(a.lag_ms.has_value(), AlertRule::Lag) |
                            b(a.latency_ms.has_value(), AlertRule::LatencyP95) |
                            b(a.undelivered_ms.has_value(), AlertRule::Undelivered)));
  if (a.volume_drop) o.f64(*a.volume_drop);
  if (a.volume_spike) o.f64(*a.volume_spike);
  if (a.success_rate) o.f64(*a.success_rate);
  if (a.lag_ms) o.i64(*a.lag_ms);
  if (a.latency_ms) o.i64(*a.latency_ms);
  if (a.undelivered_ms) o.i64(*a.undelivered_ms);
  o.u8(a.off);
}

void read_alerts(In& in, AlertOverrides& a) {
  uint8_t set = in.u8("alert thresholds");
  if (in.failed()) return;
  if (set & ~kAllAlertRules) {
    in.err = "bundle corrupt: bad alert thresholds " + std::to_string(set);
    return;
  }
  auto has = [&](AlertRule r) { return (set & alert_bit(r)) != 0; };
  if (has(AlertRule::VolumeDrop)) a.volume_drop = in.f64("alert volume_drop");
  if (has(AlertRule::VolumeSpike)) a.volume_spike = in.f64("alert volume_spike");
  if (has(AlertRule::SuccessRate)) a.success_rate = in.f64("alert success_rate");
  if (has(AlertRule::Lag)) a.lag_ms = in.i64("alert lag");
  if (has(AlertRule::LatencyP95)) a.latency_ms = in.i64("alert latency_p95");
  if (has(AlertRule::Undelivered)) a.undelivered_ms = in.i64("alert undelivered");
  a.off = in.u8("alerts off");
  if (!in.failed() && (a.off & ~kAllAlertRules))
    in.err = "bundle corrupt: bad alerts off " + std::to_string(a.off);
}

// A score's part of a pattern (after the common part): its name, half
// life, the value to cross, and each member's weight.
void write_score(Out& o, const Pattern& p) {
  o.str(p.score_name);
  o.i64(p.half_life_ms);
  o.f64(p.crosses);
  for (const auto& m : p.members) o.program(m.weight);
}

void read_score(In& in, Pattern& p) {
  p.score_name = in.str("score name");
  p.half_life_ms = in.i64("score half_life");
  p.crosses = in.f64("score crosses");
  for (auto& m : p.members)
    if (!in.failed()) in.program(m.weight);
}

// A pattern: its kind (None: nothing follows), threshold, window, lateness,
// key, members (signal type and filter each) and position.
void write_pattern(Out& o, const Pattern& p) {
  o.u8(static_cast<uint8_t>(p.kind));
  if (p.kind == PatternKind::None) return;
  o.u32(p.threshold);
  o.i64(p.within_ms);
  o.i64(p.lateness_ms);
  o.u8(static_cast<uint8_t>(p.per));
  o.u32(static_cast<uint32_t>(p.members.size()));
  for (const auto& m : p.members) {
    o.u32(m.signal_type);
    o.program(m.filter);
  }
  o.pos(p.pos);
  if (p.kind == PatternKind::Rate) {  // rate: its baseline and comparison
    o.i64(p.baseline_ms);
    o.i64(p.factor_micros);
    o.u8(static_cast<uint8_t>(p.cmp));
  }
  if (p.kind == PatternKind::Score) write_score(o, p);
}

void read_pattern(In& in, Pattern& p) {
  p.kind = in.enum_<PatternKind>(static_cast<uint8_t>(PatternKind::kCount), "pattern kind");
  if (in.failed() || p.kind == PatternKind::None) return;
  p.threshold = in.u32("pattern threshold");
  p.within_ms = in.i64("pattern window");
  p.lateness_ms = in.i64("pattern lateness");
  p.per = in.enum_<Per>(static_cast<uint8_t>(Per::kCount), "pattern per");
  uint32_t n = in.count(8, "pattern member");
  for (uint32_t i = 0; i < n && !in.failed(); ++i) {
    PatternMember m;
    m.signal_type = in.u32("pattern member type");
    in.program(m.filter);
    p.members.push_back(std::move(m));
  }
  p.pos = in.pos();
  if (!in.failed() && p.kind == PatternKind::Rate) {
    p.baseline_ms = in.i64("rate baseline");
    p.factor_micros = in.i64("rate factor");
    p.cmp = in.enum_<RateCmp>(static_cast<uint8_t>(RateCmp::kCount), "rate comparison");
  }
  if (!in.failed() && p.kind == PatternKind::Score) read_score(in, p);
}

void write_play(Out& o, const Play& p) {
  o.str(p.name);
  o.str(p.title);
  o.str(p.owner);
  o.str(p.oncall);
  o.str(p.runbook);
  o.strs(p.tags);
  o.u8(static_cast<uint8_t>(p.priority));
  o.u8(static_cast<uint8_t>(p.mode));
  o.i64(p.sla_ms);
  write_alerts(o, p.alerts);
  o.u32(static_cast<uint32_t>(p.signal_types.size()));
  for (uint32_t t : p.signal_types) o.u32(t);
  write_pattern(o, p.pattern);
  o.u32(static_cast<uint32_t>(p.clauses.size()));
  for (auto& c : p.clauses) {
    o.u8(static_cast<uint8_t>(c.kind));
    o.program(c.program);
    o.str(c.reason);
    o.u32(c.icp);
    o.i64(c.within_ms);
    o.u8(static_cast<uint8_t>(c.per));
    o.pos(c.pos);
  }
  o.u32(static_cast<uint32_t>(p.lets.size()));
  for (auto& l : p.lets) {
    o.str(l.name);
    o.program(l.program);
  }
  o.u32(static_cast<uint32_t>(p.actions.size()));
  for (auto& a : p.actions) {
    o.str(a.name);
    o.str(a.sink);
    o.u32(static_cast<uint32_t>(a.args.size()));
    for (auto& arg : a.args) {
      o.str(arg.name);
      o.program(arg.program);
    }
    o.program(a.mrkdwn_text);
    o.pos(a.pos);
  }
  o.u32(p.worst_case_cost);
  o.pos(p.pos);
}

void read_play(In& in, Play& p) {
  p.name = in.str("play name");
  p.title = in.str("play title");
  p.owner = in.str("play owner");
  p.oncall = in.str("play oncall");
  p.runbook = in.str("play runbook");
  p.tags = in.strs("play tags");
  p.priority = in.enum_<Priority>(static_cast<uint8_t>(Priority::kCount), "priority");
  p.mode = in.enum_<Mode>(static_cast<uint8_t>(Mode::kCount), "mode");
  p.sla_ms = in.i64("sla");
  read_alerts(in, p.alerts);
  uint32_t nt = in.count(4, "signal type");
  for (uint32_t i = 0; i < nt && !in.failed(); ++i) p.signal_types.push_back(in.u32("signal type"));
  read_pattern(in, p.pattern);
  uint32_t nc = in.count(10, "clause");
  for (uint32_t i = 0; i < nc && !in.failed(); ++i) {
    Clause c;
    c.kind = in.enum_<ClauseKind>(static_cast<uint8_t>(ClauseKind::kCount), "clause kind");
    in.program(c.program);
    c.reason = in.str("clause reason");
    c.icp = in.u32("clause icp");
    c.within_ms = in.i64("clause window");
    c.per = in.enum_<Per>(static_cast<uint8_t>(Per::kCount), "clause per");
    c.pos = in.pos();
    p.clauses.push_back(std::move(c));
  }
  uint32_t nl = in.count(8, "let");
  for (uint32_t i = 0; i < nl && !in.failed(); ++i) {
    Let l;
    l.name = in.str("let name");
    in.program(l.program);
    p.lets.push_back(std::move(l));
  }
  uint32_t na = in.count(12, "action");
  for (uint32_t i = 0; i < na && !in.failed(); ++i) {
    Action a;
    a.name = in.str("action name");
    a.sink = in.str("action sink");
    uint32_t nargs = in.count(8, "action argument");
    for (uint32_t j = 0; j < nargs && !in.failed(); ++j) {
      ActionArg arg;
      arg.name = in.str("argument name");
      in.program(arg.program);
      a.args.push_back(std::move(arg));
    }
    in.program(a.mrkdwn_text);
    a.pos = in.pos();
    p.actions.push_back(std::move(a));
  }
  p.worst_case_cost = in.u32("play cost");
  p.pos = in.pos();
}

}  // namespace

// ------------------------------------------------------------------ write / read

std::string write_bundle(const Bundle& b) {
  Out o;
  o.strs(b.files);
  o.u32(static_cast<uint32_t>(b.signals.size()));
  for (auto& s : b.signals) {
    o.str(s.name);
    o.fields(s.props);
  }
  o.fields(b.account);
  o.fields(b.contact);
  o.u32(static_cast<uint32_t>(b.pools.size()));
  for (auto& p : b.pools) {
    o.str(p.name);
    o.strs(p.members);
  }
  o.u32(static_cast<uint32_t>(b.icps.size()));
  for (auto& i : b.icps) {
    o.str(i.name);
    o.program(i.program);
  }
  o.u32(static_cast<uint32_t>(b.suppressions.size()));
  for (auto& s : b.suppressions) {
    o.str(s.reason);
    o.program(s.program);
  }
  o.u32(static_cast<uint32_t>(b.plays.size()));
  for (auto& p : b.plays) write_play(o, p);

  Out h;
  h.buf.append(kBundleMagic, 8);
  h.u32(kBundleVersion);
  h.u32(0);
  h.u64(o.buf.size());
  h.u32(crc32c(o.buf));
  h.u32(0);
  return h.buf + o.buf;
}

bool read_bundle(std::string_view bytes, Bundle& out, std::string& error) {
  out = Bundle();
  if (bytes.size() < kBundleHeaderSize) {
    error = "not a play bundle: file too short (" + std::to_string(bytes.size()) + " bytes)";
    return false;
  }
  if (std::memcmp(bytes.data(), kBundleMagic, 8) != 0) {
    error = "not a play bundle: bad magic";
    return false;
  }
  In h{bytes.data() + 8, bytes.data() + kBundleHeaderSize, {}};
  uint32_t version = h.u32("version");
  uint32_t flags = h.u32("flags");
  uint64_t length = h.le(8, "length");
  uint32_t checksum = h.u32("checksum");
  uint32_t reserved = h.u32("reserved");
  if (version != kBundleVersion) {
    error = "unsupported bundle version " + std::to_string(version) + " (this runtime reads version " +
            std::to_string(kBundleVersion) + "; rebuild with the matching playc)";
    return false;
  }
  if (flags != 0 || reserved != 0) {
    error = "bundle corrupt: unknown header flags";
    return false;
  }
  if (length != bytes.size() - kBundleHeaderSize) {
    error = "bundle length mismatch: header says " + std::to_string(length) + " payload bytes, file has " +
            std::to_string(bytes.size() - kBundleHeaderSize) + " (truncated?)";
    return false;
  }
  std::string_view payload = bytes.substr(kBundleHeaderSize);
  if (crc32c(payload) != checksum) {
    error = "bundle checksum mismatch (file corrupted?)";
    return false;
  }

  In in{payload.data(), payload.data() + payload.size(), {}};
  Bundle& b = out;
  b.files = in.strs("file names");
  uint32_t ns = in.count(8, "signal schema");
  for (uint32_t i = 0; i < ns && !in.failed(); ++i) {
    SignalSchema s;
    s.name = in.str("signal name");
    s.props = in.fields("signal property");
    b.signals.push_back(std::move(s));
  }
  b.account = in.fields("account field");
  b.contact = in.fields("contact field");
  uint32_t np = in.count(8, "pool");
  for (uint32_t i = 0; i < np && !in.failed(); ++i) {
    Pool p;
    p.name = in.str("pool name");
    p.members = in.strs("pool member");
    b.pools.push_back(std::move(p));
  }
  uint32_t ni = in.count(14, "icp");
  for (uint32_t i = 0; i < ni && !in.failed(); ++i) {
    Icp icp;
    icp.name = in.str("icp name");
    in.program(icp.program);
    b.icps.push_back(std::move(icp));
  }
  uint32_t nr = in.count(14, "suppression rule");
  for (uint32_t i = 0; i < nr && !in.failed(); ++i) {
    SuppressionRule r;
    r.reason = in.str("suppression reason");
    in.program(r.program);
    b.suppressions.push_back(std::move(r));
  }
  uint32_t nplays = in.count(40, "play");
  for (uint32_t i = 0; i < nplays && !in.failed(); ++i) {
    Play p;
    read_play(in, p);
    b.plays.push_back(std::move(p));
  }
  if (!in.failed() && in.p != in.end) in.err = "bundle corrupt: trailing bytes after the plays";
  if (in.failed()) {
    error = in.err;
    out = Bundle();
    return false;
  }
  std::string v = verify_bundle(b);
  if (!v.empty()) {
    error = "bundle refused by the verifier: " + v;
    out = Bundle();
    return false;
  }
  return true;
}

// ------------------------------------------------------------------ whole-bundle verification

namespace {

// What the checker allows (compiler/sema/alerts.cpp), so playd never reads
// a threshold that cannot mean anything (NaN, a drop below 0%, a 1x spike).
std::string verify_alerts(const AlertOverrides& a) {
  auto share = [](double v) { return v > 0 && v < 1; };  // false for NaN
  auto silenced = [&](bool set, AlertRule r) { return set && a.is_off(r); };
  if (silenced(a.volume_drop.has_value(), AlertRule::VolumeDrop) ||
      silenced(a.volume_spike.has_value(), AlertRule::VolumeSpike) ||
      silenced(a.success_rate.has_value(), AlertRule::SuccessRate) ||
      silenced(a.lag_ms.has_value(), AlertRule::Lag) ||
      silenced(a.latency_ms.has_value(), AlertRule::LatencyP95) ||
      silenced(a.undelivered_ms.has_value(), AlertRule::Undelivered))
    return "a threshold on a rule that is off";
  if (a.volume_drop && !share(*a.volume_drop)) return "volume_drop must be a share in (0, 1)";
  if (a.success_rate && !share(*a.success_rate)) return "success_rate must be a share in (0, 1)";
  if (a.volume_spike && !(*a.volume_spike > 1 && *a.volume_spike <= 1e6))
    return "volume_spike must be a multiple in (1, 1000000]";
  if (a.latency_ms && (*a.latency_ms <= 0 || *a.latency_ms > kMaxAlertLatencyMs))
    return "latency_p95 must be in (0, 24h]";
  if (a.lag_ms && (*a.lag_ms <= 0 || *a.lag_ms > kMaxAlertWaitMs)) return "lag must be in (0, 7d]";
  if (a.undelivered_ms && (*a.undelivered_ms <= 0 || *a.undelivered_ms > kMaxAlertWaitMs))
    return "undelivered must be in (0, 7d]";
  return "";
}

// A rate (compiler/sema/pattern_rate.cpp): one member, buckets of at least
// an hour, lateness within a bucket (at most two open), a baseline of 1 to
// kMaxBaselineBuckets whole buckets, a positive factor.
std::string verify_rate(const Pattern& p) {
  if (p.members.size() != 1) return "a rate has one member";
  if (p.threshold != 0) return "a rate has no threshold";
  if (p.within_ms < kMinRateWindowMs) return "rate window must be at least 1h";
  if (p.lateness_ms > p.within_ms) return "rate lateness must be at most its window";
  if (p.baseline_ms <= 0 || p.baseline_ms % p.within_ms != 0 ||
      p.baseline_ms / p.within_ms > kMaxBaselineBuckets)
    return "rate baseline must be 1 to 366 whole windows";
  if (p.factor_micros <= 0 || p.factor_micros > kMaxRateFactorMicros)
    return "rate factor must be in (0, 1000]";
  return "";
}

// A score's own fields (compiler/sema/pattern_score.cpp): 1 to 32 rules,
// no window nor count, a half life in [1m, 90d], a value to cross in (0, 1e9].
std::string verify_score(const Pattern& p) {
  if (p.members.empty() || p.members.size() > kMaxScoreRules) return "a score needs 1 to 32 rules";
  if (p.within_ms != 0 || p.threshold != 0) return "a score has no window nor count";
  if (p.half_life_ms < kMinHalfLifeMs || p.half_life_ms > kMaxPatternWindowMs)
    return "half_life must be in [1m, 90d]";
  if (!(p.crosses > 0 && p.crosses <= kMaxScoreThreshold)) return "crosses must be in (0, 1e9]";
  if (p.score_name.empty()) return "a score needs its name";
  return "";
}

// What the checker allows (compiler/sema/play_check.cpp, check_pattern), and
// that the play is indexed by exactly the types its pattern names.
std::string verify_pattern(Bundle& b, Play& play, const ProgramLimits& base) {
  Pattern& p = play.pattern;
  if (p.kind == PatternKind::None) return p.members.empty() ? "" : "members without a pattern";
  if (p.per != Per::Account && p.per != Per::Contact) return "per must be account or contact";
  if (p.kind == PatternKind::Score) {
    if (std::string e = verify_score(p); !e.empty()) return e;
  } else if (p.within_ms <= 0 || p.within_ms > kMaxPatternWindowMs) {
    return "window must be in (0, 90d]";
  }
  if (p.lateness_ms < 0 || p.lateness_ms > kMaxPatternWindowMs) return "lateness must be in [0, 90d]";
  if (p.kind == PatternKind::Score) {
    // checked in verify_score
  } else if (p.kind == PatternKind::Absence) {  // absence form
    if (p.members.size() != 1) return "an absence has one member";
    if (p.threshold != 0) return "an absence has no threshold";
  } else if (p.kind == PatternKind::Count) {
    if (p.members.size() != 1) return "a count has one member";
    if (p.threshold < 1 || p.threshold > kMaxCountThreshold) return "count threshold must be in [1, 1000]";
  } else if (p.kind == PatternKind::Rate) {
    if (std::string e = verify_rate(p); !e.empty()) return e;
  } else {
    if (p.members.size() < 2 || p.members.size() > kMaxAllOfMembers) return "all of needs 2 to 16 members";
    if (p.threshold != 0) return "all of has no threshold";
  }
  if (p.pos.file >= base.files) return "source file index out of range";
  std::vector<uint32_t> types;
  for (size_t i = 0; i < p.members.size(); ++i) {
    PatternMember& m = p.members[i];
    if (m.signal_type >= b.signals.size()) return "member signal type out of range";
    if (std::find(types.begin(), types.end(), m.signal_type) == types.end()) types.push_back(m.signal_type);
    if (m.filter.code.empty()) {
      if (m.filter.constants.size()) return "member " + std::to_string(i + 1) + ": constants without code";
      continue;
    }
    ProgramLimits l = base;
    l.signal_slots = static_cast<uint32_t>(b.signals[m.signal_type].props.size());
    l.icps = static_cast<uint32_t>(b.icps.size());
    std::string e = verify(m.filter, l);
    if (!e.empty()) return "member " + std::to_string(i + 1) + " filter: " + e;
  }
  for (size_t i = 0; i < p.members.size(); ++i) {
    PatternMember& m = p.members[i];
    if (p.kind != PatternKind::Score) {
      if (!m.weight.code.empty() || m.weight.constants.size()) return "a weight outside a score";
      continue;
    }
    if (m.weight.code.empty()) return "rule " + std::to_string(i + 1) + " has no weight";
    ProgramLimits l = base;
    l.signal_slots = static_cast<uint32_t>(b.signals[m.signal_type].props.size());
    l.icps = static_cast<uint32_t>(b.icps.size());
    std::string e = verify(m.weight, l);
    if (!e.empty()) return "rule " + std::to_string(i + 1) + " weight: " + e;
  }
  std::vector<uint32_t> indexed = play.signal_types;
  std::sort(types.begin(), types.end());
  std::sort(indexed.begin(), indexed.end());
  if (types != indexed) return "the play's signal types are not the pattern's";
  return "";
}

}  // namespace

uint64_t pattern_hash(const Bundle& b, const Pattern& p) {
  Out o;
  o.positions = false;
  o.u8(static_cast<uint8_t>(p.kind));
  o.u32(p.threshold);
  o.i64(p.within_ms);
  o.i64(p.lateness_ms);
  o.u8(static_cast<uint8_t>(p.per));
  for (const auto& m : p.members) {
    o.str(m.signal_type < b.signals.size() ? std::string_view(b.signals[m.signal_type].name) : "");
    o.program(m.filter);
    if (p.kind == PatternKind::Score) o.program(m.weight);
  }
  if (p.kind == PatternKind::Score) {  // the name is not hashed: a rename keeps the values
    o.i64(p.half_life_ms);
    o.f64(p.crosses);
  }
  if (p.kind == PatternKind::Rate) {  // W is within_ms, above
    o.i64(p.baseline_ms);
    o.i64(p.factor_micros);
    o.u8(static_cast<uint8_t>(p.cmp));
  }
  // FNV-1a, 64 bits: stable across builds and platforms (it is stored).
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : o.buf) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string rate_text(const Pattern& p, std::string_view type) {
  static const char* const kOps[] = {"<", "<=", ">", ">="};
  std::string k = std::to_string(p.factor_micros / 1000000);
  if (int64_t frac = p.factor_micros % 1000000) {
    std::string f = std::to_string(1000000 + frac).substr(1);
    while (!f.empty() && f.back() == '0') f.pop_back();
    k += "." + f;
  }
  std::string t(type);
  return "rate(" + t + ", " + format_duration(p.within_ms) + ") " + kOps[static_cast<size_t>(p.cmp) % 4] +
         " " + k + " * baseline(" + t + ", " + format_duration(p.baseline_ms) + ")";
}

std::string verify_bundle(Bundle& b) {
  ProgramLimits base;
  base.account_slots = static_cast<uint32_t>(b.account.size());
  base.contact_slots = static_cast<uint32_t>(b.contact.size());
  base.pools = static_cast<uint32_t>(b.pools.size());
  base.files = static_cast<uint32_t>(std::max<size_t>(1, b.files.size()));
  auto pos_ok = [&](const SourcePos& p) { return p.file < base.files; };

  for (size_t i = 0; i < b.icps.size(); ++i) {
    ProgramLimits l = base;
    l.icps = static_cast<uint32_t>(i);  // only earlier icps: no cycles
    std::string e = verify(b.icps[i].program, l);
    if (!e.empty()) return "icp '" + b.icps[i].name + "': " + e;
  }
  for (size_t i = 0; i < b.suppressions.size(); ++i) {
    ProgramLimits l = base;
    l.icps = static_cast<uint32_t>(b.icps.size());
    std::string e = verify(b.suppressions[i].program, l);
    if (!e.empty())
      return "suppression rule " + std::to_string(i + 1) + " ('" + b.suppressions[i].reason + "'): " + e;
  }
  for (auto& p : b.plays) {
    const std::string where = "play '" + p.name + "'";
    if (!pos_ok(p.pos)) return where + ": source file index out of range";
    if (p.signal_types.empty()) return where + ": no signal type";
    if (std::string e = verify_alerts(p.alerts); !e.empty()) return where + " alert overrides: " + e;
    uint32_t slots = UINT32_MAX;
    for (uint32_t t : p.signal_types) {
      if (t >= b.signals.size()) return where + ": signal type index " + std::to_string(t) + " out of range";
      slots = std::min(slots, static_cast<uint32_t>(b.signals[t].props.size()));
    }
    ProgramLimits l = base;
    l.signal_slots = slots;
    l.icps = static_cast<uint32_t>(b.icps.size());
    if (std::string e = verify_pattern(b, p, base); !e.empty()) return where + " pattern: " + e;
    for (size_t i = 0; i < p.clauses.size(); ++i) {
      Clause& c = p.clauses[i];
      const std::string cw = where + " clause " + std::to_string(i + 1);
      if (!pos_ok(c.pos)) return cw + ": source file index out of range";
      bool has_program = c.kind == ClauseKind::Where || c.kind == ClauseKind::Unless;
      if (has_program) {
        std::string e = verify(c.program, l);
        if (!e.empty()) return cw + ": " + e;
      } else if (!c.program.code.empty() || c.program.constants.size()) {
        return cw + ": unexpected program on a clause of this kind";
      }
      if (c.kind == ClauseKind::WhereIcp && c.icp >= b.icps.size())
        return cw + ": icp index " + std::to_string(c.icp) + " out of range";
      if (c.kind == ClauseKind::UnlessFired && c.within_ms <= 0) return cw + ": window must be positive";
    }
    for (size_t i = 0; i < p.lets.size(); ++i) {
      ProgramLimits ll = l;
      ll.lets = static_cast<uint32_t>(i);
      std::string e = verify(p.lets[i].program, ll);
      if (!e.empty()) return where + " let '" + p.lets[i].name + "': " + e;
    }
    for (auto& a : p.actions) {
      if (!pos_ok(a.pos)) return where + " action '" + a.name + "': source file index out of range";
      ProgramLimits la = l;
      la.lets = static_cast<uint32_t>(p.lets.size());
      for (auto& arg : a.args) {
        std::string e = verify(arg.program, la);
        if (!e.empty()) return where + " action '" + a.name + "' argument '" + arg.name + "': " + e;
      }
      if (!a.mrkdwn_text.code.empty()) {
        std::string e = verify(a.mrkdwn_text, la);
        if (!e.empty()) return where + " action '" + a.name + "' mrkdwn text: " + e;
      }
    }
  }
  return "";
}

const char* priority_name(Priority p) {
  return p == Priority::High ? "high" : p == Priority::Low ? "low" : "normal";
}

}  // namespace play::vm
