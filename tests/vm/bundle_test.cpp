// The bundle file: round trip, and refusal of truncated, corrupted and
// hostile bundles (run this binary under -fsanitize=address,undefined too:
// nothing here may crash or read out of bounds).
#include "runtime/vm/bundle.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/vm/sample_bundle.h"

namespace play::vm::testing {
namespace {

// Recomputes the checksum after tampering with the payload, so the decoder
// and verifier (not the CRC) have to catch the problem.
std::string reseal(std::string bytes) {
  uint32_t crc = crc32c(std::string_view(bytes).substr(kBundleHeaderSize));
  for (int i = 0; i < 4; ++i) bytes[24 + i] = static_cast<char>(crc >> (8 * i));
  return bytes;
}

// Evaluates every program of an accepted bundle with a context sized by its
// schemas: an accepted bundle must be safe to run, whatever it contains.
void run_everything(const Bundle& b) {
  Arena arena(4096);
  RegexCache cache;
  std::vector<Value> acc(b.account.size(), I(1)), con(b.contact.size(), S("x"));
  std::vector<Value> lets(16, S("let"));
  EvalContext ctx;
  ctx.arena = &arena;
  ctx.regex_cache = &cache;
  ctx.account = acc;
  ctx.contact = con;
  ctx.lets = lets;
  ctx.loop_budget = 1000;
  ctx.host.round_robin = [](void*, uint32_t) { return Value::string("rep"); };
  ctx.host.icp = [](void*, uint32_t) { return Value::boolean(true); };
  auto run = [&](const Program& p) {
    arena.reset();
    (void)eval(p, ctx);
  };
  for (auto& i : b.icps) run(i.program);
  for (auto& s : b.suppressions) run(s.program);
  for (auto& p : b.plays) {
    std::vector<Value> sig(b.signals[p.signal_types[0]].props.size(), S("sig"));
    ctx.signal = sig;
    for (auto& c : p.clauses)
      if (!c.program.code.empty()) run(c.program);
    for (auto& l : p.lets) run(l.program);
    for (auto& a : p.actions)
      for (auto& arg : a.args) run(arg.program);
  }
}

TEST(VmBundle, Crc32cKnownAnswer) { EXPECT_EQ(crc32c("123456789"), 0xE3069283u); }

TEST(VmBundle, RoundTrip) {
  Bundle b = sample_bundle();
  ASSERT_EQ(verify_bundle(b), "");
  std::string bytes = write_bundle(b);
  Bundle back;
  std::string err;
  ASSERT_TRUE(read_bundle(bytes, back, err)) << err;
  EXPECT_EQ(write_bundle(back), bytes);  // byte-identical: nothing lost

  ASSERT_EQ(back.plays.size(), 1u);
  const Play& p = back.plays[0];
  EXPECT_EQ(p.name, "pricing_visit_enterprise");
  EXPECT_EQ(p.owner, "revops@acme.com");
  EXPECT_EQ(p.priority, Priority::High);
  EXPECT_EQ(p.sla_ms, 300'000);
  EXPECT_EQ(p.tags, (std::vector<std::string>{"website", "enterprise"}));
  ASSERT_EQ(p.clauses.size(), 4u);
  EXPECT_EQ(p.clauses[3].kind, ClauseKind::UnlessFired);
  EXPECT_EQ(p.clauses[3].within_ms, 4 * 3'600'000);
  EXPECT_EQ(p.clauses[3].per, Per::Contact);
  EXPECT_EQ(back.signals[0].props[1].name, "category");
  EXPECT_TRUE(back.signals[0].props[1].type.nullable);
  EXPECT_EQ(back.account[3].type.elem, Kind::String);
  EXPECT_EQ(back.pools[0].members[1], "kim@acme.com");
  EXPECT_EQ(back.suppressions[0].reason, "do not contact");
  EXPECT_EQ(p.clauses[0].program.positions[2].line, 14u);

  // The decoded programs run: where-clause, icp, let, template.
  Context c;
  expect_value(c.run(p.clauses[0].program), B(true));
  expect_value(c.run(back.icps[0].program), B(true));
  expect_value(c.run(back.suppressions[0].program), B(false));
  expect_value(c.run(p.lets[0].program), S("ana@bigco.com"));
  expect_value(c.run(p.actions[1].args[0].program), S("ana@bigco.com viewed https://acme.com/pricing"));
  c.account[2] = S("FR");
  c.refresh();
  expect_value(c.run(back.icps[0].program), B(false));
}

TEST(VmBundle, EveryCorruptedByteIsRefused) {
  std::string bytes = write_bundle(sample_bundle());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      Bundle out;
      std::string err;
      ASSERT_FALSE(read_bundle(bad, out, err)) << "byte " << i << " mask " << int(mask) << " accepted";
      EXPECT_FALSE(err.empty());
      EXPECT_TRUE(out.plays.empty());
    }
  }
}

TEST(VmBundle, EveryTruncationIsRefused) {
  std::string bytes = write_bundle(sample_bundle());
  for (size_t n = 0; n < bytes.size(); ++n) {
    Bundle out;
    std::string err;
    ASSERT_FALSE(read_bundle(std::string_view(bytes).substr(0, n), out, err))
        << "length " << n << " accepted";
    EXPECT_FALSE(err.empty());
  }
  Bundle out;
  std::string err;
  EXPECT_FALSE(read_bundle(bytes + "x", out, err));
  EXPECT_NE(err.find("length mismatch"), std::string::npos) << err;
}

TEST(VmBundle, HostileBundlesWithValidChecksumNeverCrash) {
  // Every payload byte tampered with and the checksum recomputed: the decoder
  // and verifier must refuse or accept cleanly, and anything accepted must
  // run without reading out of bounds.
  std::string bytes = write_bundle(sample_bundle());
  size_t accepted = 0, refused = 0;
  for (size_t i = kBundleHeaderSize; i < bytes.size(); ++i) {
    for (unsigned char mask : {0x01, 0x02, 0x10, 0x80, 0xFF}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      Bundle out;
      std::string err;
      if (read_bundle(reseal(bad), out, err)) {
        ++accepted;
        run_everything(out);
      } else {
        ++refused;
        EXPECT_FALSE(err.empty());
      }
    }
  }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(accepted, 0u);  // e.g. a changed string: harmless, and must still be safe
}

TEST(VmBundle, HeaderErrorsAreClear) {
  std::string bytes = write_bundle(sample_bundle());
  Bundle out;
  std::string err;
  EXPECT_FALSE(read_bundle("hello", out, err));
  EXPECT_NE(err.find("file too short"), std::string::npos) << err;
  std::string bad = bytes;
  bad[0] = 'X';
  EXPECT_FALSE(read_bundle(bad, out, err));
  EXPECT_NE(err.find("bad magic"), std::string::npos) << err;
  bad = bytes;
  bad[8] = 1;  // a bundle of the version before Action::mrkdwn_text
  EXPECT_FALSE(read_bundle(bad, out, err));
  EXPECT_NE(err.find("unsupported bundle version 1"), std::string::npos) << err;
  bad = bytes;
  bad[bytes.size() - 1] ^= 1;
  EXPECT_FALSE(read_bundle(bad, out, err));
  EXPECT_NE(err.find("checksum mismatch"), std::string::npos) << err;
}

std::string refusal(Bundle b) {
  Bundle out;
  std::string err;
  EXPECT_FALSE(read_bundle(write_bundle(b), out, err));
  return err;
}

TEST(VmBundle, VerifierRefusesHostilePrograms) {
  {
    Bundle b = sample_bundle();
    b.plays[0].clauses[0].program.code[0].b = 40;  // signal slot beyond the schema
    std::string err = refusal(std::move(b));
    EXPECT_NE(err.find("play 'pricing_visit_enterprise' clause 1: instruction 0 (LOAD_SIGNAL_SLOT)"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("signal slot 40 out of range"), std::string::npos) << err;
  }
  {
    Bundle b = sample_bundle();
    b.icps[0].program.code[3].b = 200;  // jump out of the program
    EXPECT_NE(refusal(std::move(b)).find("icp 'enterprise': instruction 3 (JUMP_IF): jump target 200"),
              std::string::npos);
  }
  {
    Bundle b = sample_bundle();
    b.icps[0].program.code[0] = Instr{Op::LOAD_ICP, 0, 0, 0, 0};  // an icp using itself
    EXPECT_NE(refusal(std::move(b)).find("icp 0 out of range"), std::string::npos);
  }
  {
    Bundle b = sample_bundle();
    b.plays[0].clauses[0].program.code[0] = Instr{Op::LOAD_LET, 0, 0, 0, 0};  // lets are not computed yet
    EXPECT_NE(refusal(std::move(b)).find("let 0 out of range"), std::string::npos);
  }
  {
    Bundle b = sample_bundle();
    b.suppressions[0].program.code[0] = Instr{Op::LOAD_SIGNAL_SLOT, 0, 0, 0, 0};  // runs for any signal type
    EXPECT_NE(refusal(std::move(b)).find("suppression rule 1"), std::string::npos);
  }
  {
    Bundle b = sample_bundle();
    b.plays[0].signal_types = {3};
    EXPECT_NE(refusal(std::move(b)).find("signal type index 3 out of range"), std::string::npos);
  }
  {
    Bundle b = sample_bundle();
    b.plays[0].clauses[1].icp = 9;
    EXPECT_NE(refusal(std::move(b)).find("icp index 9 out of range"), std::string::npos);
  }
  {
    Bundle b = sample_bundle();
    b.plays[0].lets[0].program.num_registers = 0;
    EXPECT_NE(refusal(std::move(b)).find("register count 0"), std::string::npos);
  }
  {
    Bundle b = sample_bundle();
    b.plays[0].actions[0].args[0].program.positions[0].file = 7;
    EXPECT_NE(refusal(std::move(b)).find("source file index out of range"), std::string::npos);
  }
}

TEST(VmBundle, AlertOverridesRoundTrip) {
  Bundle b = sample_bundle();
  AlertOverrides& a = b.plays[0].alerts;
  a.volume_drop = 0.3;
  a.success_rate = 0.9;
  a.lag_ms = 600000;
  a.latency_ms = 7200000;
  a.undelivered_ms = 1800000;
  a.off = alert_bit(AlertRule::VolumeSpike);
  std::string bytes = write_bundle(b);
  Bundle back;
  std::string err;
  ASSERT_TRUE(read_bundle(bytes, back, err)) << err;
  EXPECT_EQ(back.plays[0].alerts, b.plays[0].alerts);
  EXPECT_EQ(write_bundle(back), bytes);
}

TEST(VmBundle, VerifierRefusesBadAlertOverrides) {
  auto refused = [](void (*set)(AlertOverrides&), const char* why) {
    Bundle b = sample_bundle();
    set(b.plays[0].alerts);
    std::string err = refusal(std::move(b));
    EXPECT_NE(err.find("play 'pricing_visit_enterprise' alert overrides: "), std::string::npos) << err;
    EXPECT_NE(err.find(why), std::string::npos) << err;
  };
  refused([](AlertOverrides& a) { a.volume_drop = 0; }, "volume_drop");
  refused([](AlertOverrides& a) { a.volume_drop = std::nan(""); }, "volume_drop");
  refused([](AlertOverrides& a) { a.success_rate = 1.5; }, "success_rate");
  refused([](AlertOverrides& a) { a.volume_spike = 1; }, "volume_spike");
  refused([](AlertOverrides& a) { a.volume_spike = INFINITY; }, "volume_spike");
  refused([](AlertOverrides& a) { a.latency_ms = 0; }, "latency_p95");
  refused([](AlertOverrides& a) { a.latency_ms = kMaxAlertLatencyMs + 1; }, "latency_p95");
  refused([](AlertOverrides& a) { a.lag_ms = -5; }, "lag");
  refused([](AlertOverrides& a) { a.undelivered_ms = kMaxAlertWaitMs + 1; }, "undelivered");
  refused(
      [](AlertOverrides& a) {
        a.off = kAllAlertRules;
        a.lag_ms = 1000;
      },
      "a threshold on a rule that is off");

  // Bits the format does not define: the decoder refuses them.
  Bundle b = sample_bundle();
  b.plays[0].alerts.off = alert_bit(AlertRule::Undelivered);
  std::string bytes = write_bundle(b);
  b.plays[0].alerts.off = alert_bit(AlertRule::Lag);
  std::string other = write_bundle(b);
  size_t at = kBundleHeaderSize;  // past the checksum
  while (at < bytes.size() && bytes[at] == other[at]) ++at;
  ASSERT_LT(at, bytes.size());
  bytes[at] = static_cast<char>(0x80);
  Bundle out;
  std::string err;
  EXPECT_FALSE(read_bundle(reseal(bytes), out, err));
  EXPECT_NE(err.find("bad alerts off"), std::string::npos) << err;
}

// A count pattern on plays[0]'s signal type: its filter reads slot 0.
// `change` picks a variant; `shift` moves its source positions.
Pattern count_pattern(const Bundle& b, int change = 0, uint32_t shift = 0) {
  Pattern p;
  p.kind = PatternKind::Count;
  p.threshold = change == 1 ? 4 : 3;
  p.within_ms = 48LL * 3600 * 1000 + (change == 2 ? 1 : 0);
  p.lateness_ms = change == 3 ? 0 : kDefaultLatenessMs;
  p.per = change == 4 ? Per::Contact : Per::Account;
  p.pos = {1, 5 + shift, 3};
  PatternMember m;
  m.signal_type = b.plays[0].signal_types[0];
  if (change != 5) {
    m.filter.num_registers = 1;
    m.filter.emit(Op::LOAD_SIGNAL_SLOT, 0, 0, 0, 0, {1, 6 + shift, 10});
    m.filter.emit(Op::RETURN, 0, 0, 0, 0, {1, 6 + shift, 10});
  }
  p.members.push_back(std::move(m));
  return p;
}

TEST(VmBundle, PatternsRoundTripAndTheirHashIgnoresPositions) {
  Bundle b = sample_bundle();
  b.plays[0].signal_types.resize(1);
  b.plays[0].pattern = count_pattern(b);
  std::string bytes = write_bundle(b);
  Bundle back;
  std::string err;
  ASSERT_TRUE(read_bundle(bytes, back, err)) << err;
  EXPECT_EQ(back.plays[0].pattern.kind, PatternKind::Count);
  EXPECT_EQ(back.plays[0].pattern.threshold, 3u);
  EXPECT_EQ(back.plays[0].pattern.members.size(), 1u);
  EXPECT_EQ(write_bundle(back), bytes);
  uint64_t h = pattern_hash(back, back.plays[0].pattern);
  EXPECT_EQ(h, pattern_hash(b, count_pattern(b)));
  // The same pattern on other lines: the same state (a reload keeps it).
  EXPECT_EQ(pattern_hash(b, count_pattern(b, 0, 10)), h);
  // Another threshold, window, lateness, key or filter: another pattern.
  for (int change = 1; change <= 5; ++change)
    EXPECT_NE(pattern_hash(b, count_pattern(b, change)), h) << change;
}

TEST(VmBundle, VerifierRefusesBadPatterns) {
  auto refused = [](void (*set)(Bundle&), const char* why) {
    Bundle b = sample_bundle();
    b.plays[0].signal_types.resize(1);
    b.plays[0].pattern = count_pattern(b);
    set(b);
    std::string err = refusal(std::move(b));
    EXPECT_NE(err.find("play 'pricing_visit_enterprise' pattern: "), std::string::npos) << err;
    EXPECT_NE(err.find(why), std::string::npos) << err;
  };
  refused([](Bundle& b) { b.plays[0].pattern.threshold = 0; }, "threshold");
  refused([](Bundle& b) { b.plays[0].pattern.threshold = kMaxCountThreshold + 1; }, "threshold");
  refused([](Bundle& b) { b.plays[0].pattern.within_ms = 0; }, "window");
  refused([](Bundle& b) { b.plays[0].pattern.lateness_ms = -1; }, "lateness");
  refused([](Bundle& b) { b.plays[0].pattern.per = Per::Default; }, "per");
  refused([](Bundle& b) { b.plays[0].pattern.members[0].signal_type = 9999; }, "out of range");
  refused([](Bundle& b) { b.plays[0].pattern.members.push_back(std::move(count_pattern(b).members[0])); },
          "one member");
  refused(
      [](Bundle& b) {
        b.plays[0].pattern.kind = PatternKind::AllOf;
        b.plays[0].pattern.threshold = 0;
      },
      "2 to 16");
  refused(
      [](Bundle& b) {  // indexed by a type the pattern does not name
        b.signals.push_back({"other.type", {}});
        b.plays[0].signal_types.push_back(uint32_t(b.signals.size() - 1));
      },
      "signal types");
  refused(
      [](Bundle& b) {  // a filter reading past its type's slots
        Program& f = b.plays[0].pattern.members[0].filter;
        f.code.clear();
        f.positions.clear();
        f.emit(Op::LOAD_SIGNAL_SLOT, 0, 999);
        f.emit(Op::RETURN, 0);
      },
      "member 1 filter");
}

}  // namespace
}  // namespace play::vm::testing
