// The bundle: everything the engine needs to run a project, in one
// versioned, checksummed file (`playc build -o BUNDLE`, loaded by `playd`).
//
// File layout (all integers little-endian):
//   magic    8 bytes  "PLAYBNDL"
//   version  u32      kBundleVersion (a reader refuses other versions)
//   flags    u32      0
//   length   u64      payload byte count (must equal the rest of the file)
//   checksum u32      CRC-32C of the payload
//   reserved u32      0
//   payload  length bytes: the Bundle's fields in declaration order
//
// read_bundle() checks the header, then decodes with bounds checks on every
// read (counts are checked against the bytes left, so a hostile count
// cannot make it allocate wildly), then runs the verifier on every Program
// with the limits its place in the bundle implies (e.g. a clause may not
// read lets, an icp may not read signal slots nor later icps). A bundle
// that fails any check is refused with a message; it is never executed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/vm/program.h"

namespace play::vm {

constexpr uint32_t kBundleVersion =
    5;  // 2: Action::mrkdwn_text; 3: Play::alerts; 4: Play::pattern; 5: rate, score, absence
constexpr char kBundleMagic[8] = {'P', 'L', 'A', 'Y', 'B', 'N', 'D', 'L'};
constexpr size_t kBundleHeaderSize = 32;

// A declared type, enough for the engine to decode JSON into Values:
// `code` the kind (Null here means dyn: any kind), `nullable` for `T?`
// (entity fields are always nullable), `elem` the element kind of a list or
// the value kind of a map (Null = dyn; deeper nesting is dyn).
struct FieldType {
  Kind code = Kind::Null;
  bool nullable = false;
  Kind elem = Kind::Null;
};

struct Field {
  std::string name;
  FieldType type;
};

// A signal type's properties; a property's slot is its index in `props`.
// Envelope fields (id, type, ...) are not listed: see EnvelopeField.
struct SignalSchema {
  std::string name;  // "website.page_viewed"
  std::vector<Field> props;
};

struct Pool {
  std::string name;
  std::vector<std::string> members;  // round_robin rotates through these in order
};

struct Icp {  // `icp enterprise = ...`
  std::string name;
  Program program;  // may not read signal slots (LOAD_SIGNAL_PROP is allowed) nor icps >= its own index
};

struct SuppressionRule {  // one line of the `suppress` block, checked in order
  std::string reason;     // "do not contact"
  Program program;        // holds -> suppressed with `reason`; same limits as an Icp (any icp allowed)
};

enum class ClauseKind : uint8_t {
  Where,             // program false/null/error -> no_match
  WhereIcp,          // icp `icp` does not hold -> not_icp
  Unless,            // program holds -> excluded with `reason`
  UnlessSuppressed,  // a suppression rule holds -> suppressed with that rule's reason
  UnlessFired,       // fired for the same `per` key within `within_ms` -> deduplicated
  kCount
};
enum class Per : uint8_t { Default, Contact, Account, kCount };  // Default: contact, else account
enum class Priority : uint8_t { Low, Normal, High, kCount };
enum class Mode : uint8_t { Live, Shadow, kCount };
// The names authors write (`priority high`): disassembly, action records and the registry.
const char* priority_name(Priority p);  // "high", "normal", "low"

struct Clause {
  ClauseKind kind = ClauseKind::Where;
  Program program;         // Where, Unless (empty otherwise)
  std::string reason;      // Unless
  uint32_t icp = 0;        // WhereIcp: Bundle::icps index
  int64_t within_ms = 0;   // UnlessFired
  Per per = Per::Default;  // UnlessFired
  SourcePos pos;
};

struct Let {
  std::string name;
  Program program;  // may read lets with a smaller index
};

struct ActionArg {
  std::string name;  // "sequence"
  Program program;   // may read every let; defaults are filled in by codegen
};

struct Action {
  std::string name;  // "enroll"
  std::string sink;  // "sequencer"; "" = the sink named by the `sink` argument (webhook)
  std::vector<ActionArg> args;
  // notify only: its `text` as Slack mrkdwn -- the author's literal text as
  // written, each interpolated value escaped (ESCAPE_MRKDWN). Empty code:
  // none. What a Slack sink posts.
  Program mrkdwn_text;
  SourcePos pos;
};

// A play's own alert thresholds (`alert ...` lines in its metadata): what
// playd's alert engine and `playc alerts` use instead of their defaults.
// Unset: the default. Shares are fractions: `alert volume below 30%` is
// volume_drop 0.3. `off` has one bit per rule silenced (`alert RULE off`),
// all of kAllAlertRules for `alert off`. The verifier holds them to what the
// checker allows: volume_drop and success_rate in (0, 1), volume_spike in
// (1, 1e6], latency_ms in (0, 24h], lag_ms and undelivered_ms in (0, 7d],
// and no threshold on a silenced rule.
enum class AlertRule : uint8_t { VolumeDrop, VolumeSpike, SuccessRate, Lag, LatencyP95, Undelivered, kCount };
inline constexpr const char* kAlertRuleNames[] = {"volume_drop", "volume_spike", "success_rate",
                                                  "lag",         "latency_p95",  "undelivered"};
inline constexpr uint8_t kAllAlertRules = 63;
constexpr uint8_t alert_bit(AlertRule r) { return static_cast<uint8_t>(1u << static_cast<unsigned>(r)); }

struct AlertOverrides {
  std::optional<double> volume_drop;      // daily volume below this share of the 7-day average
  std::optional<double> volume_spike;     // daily volume above this multiple of it
  std::optional<double> success_rate;     // the share of deliveries that succeed, below this
  std::optional<int64_t> lag_ms;          // the oldest signal waiting for the play, older than this
  std::optional<int64_t> latency_ms;      // p95 signal-to-action latency above this
  std::optional<int64_t> undelivered_ms;  // an action still undelivered this long after it was issued
  uint8_t off = 0;                        // alert_bit(rule) per rule silenced
  bool is_off(AlertRule r) const { return off & alert_bit(r); }
  bool any() const {
    return off || volume_drop || volume_spike || success_rate || lag_ms || latency_ms || undelivered_ms;
  }
  bool operator==(const AlertOverrides&) const = default;
};
constexpr int64_t kMaxAlertLatencyMs = 24 * 3600 * 1000;     // playd's latency histograms end at 24 h
constexpr int64_t kMaxAlertWaitMs = 7LL * 24 * 3600 * 1000;  // lag and undelivered

// A temporal trigger (docs/language.md section 12): the play's `on count(...)
// >= N within D per X` or `on all of (...) within D per X`. Kind None: the
// play triggers on every signal of its types (`on T`, `on any of`).
// Members: one for count, one per listed signal for all of; each names a
// signal type (Bundle::signals index, also in Play::signal_types) and an
// optional filter (its `where`), a program over that type's slots alone.
// The verifier holds them to what the checker allows: threshold in
// [1, kMaxCountThreshold] (count) or 2..kMaxAllOfMembers members (all of),
// within_ms in (0, kMaxPatternWindowMs], lateness_ms in [0, within_ms
// bounds], per Contact or Account.
// Rate (`on rate(T, W) OP k * baseline(T, H) per X`): one member; within_ms
// is the bucket width W, in [kMinRateWindowMs, kMaxPatternWindowMs];
// lateness_ms at most W; baseline_ms a multiple of W, at most
// kMaxBaselineBuckets of them; factor_micros k in millionths, in
// (0, kMaxRateFactorMicros]; threshold 0.
// Score (`on score NAME crosses N`): one member per rule of the score's
// declaration, each with its weight program; within_ms and threshold 0;
// half_life_ms in [1m, 90d], crosses in (0, kMaxScoreThreshold].
// Absence (`on absence of T for D per X`): one member, no threshold;
// within_ms is D, the time without a T after which the play fires.
enum class PatternKind : uint8_t { None, Count, AllOf, Rate, Score, Absence, kCount };
enum class RateCmp : uint8_t { Lt, Le, Gt, Ge, kCount };
struct PatternMember {
  uint32_t signal_type = 0;
  Program filter;  // empty: every signal of the type
  Program weight;  // score: the rule's weight, a number over the same slots; empty otherwise
};
struct Pattern {
  PatternKind kind = PatternKind::None;
  uint32_t threshold = 0;  // Count: N
  int64_t within_ms = 0;
  int64_t lateness_ms = 0;
  Per per = Per::Account;
  std::vector<PatternMember> members;
  SourcePos pos;
  // rate: the baseline it compares each closed bucket's count against
  int64_t baseline_ms = 0;    // H
  int64_t factor_micros = 0;  // k * 1e6
  RateCmp cmp = RateCmp::Lt;  // rate OP k * baseline
  // score: the declaration's name, its half life, the value to cross
  std::string score_name;
  int64_t half_life_ms = 0;
  double crosses = 0;
};
constexpr uint32_t kMaxCountThreshold = 1000;
constexpr int64_t kMinRateWindowMs = 3600 * 1000;
constexpr int64_t kMaxBaselineBuckets = 366;
constexpr int64_t kMaxRateFactorMicros = 1000LL * 1000 * 1000;  // k <= 1000
constexpr size_t kMaxScoreRules = 32;                           // a signal's matching rules are a 32-bit mask
constexpr double kMaxScoreThreshold = 1e9;
constexpr int64_t kMinHalfLifeMs = 60 * 1000;
constexpr size_t kMaxAllOfMembers = 16;
constexpr int64_t kMaxPatternWindowMs = 90LL * 24 * 3600 * 1000;
constexpr int64_t kDefaultLatenessMs = 3600 * 1000;

struct Play {
  std::string name;
  std::string title, owner, oncall, runbook;
  std::vector<std::string> tags;
  Priority priority = Priority::Normal;
  Mode mode = Mode::Live;
  int64_t sla_ms = 0;
  AlertOverrides alerts;
  std::vector<uint32_t>
      signal_types;             // Bundle::signals indexes (`on T` / `on any of (...)`, a pattern's types)
  Pattern pattern;              // kind None unless the play has a temporal trigger
  std::vector<Clause> clauses;  // in source order: the first that rejects gives the outcome
  std::vector<Let> lets;        // computed in order when all clauses pass
  std::vector<Action> actions;  // each issues one action
  uint32_t worst_case_cost = 0;
  SourcePos pos;
};

// Programs in a play read signal slots by the layout of its signal type;
// for a play on several types, slots must be below the smallest of their
// schemas (codegen uses LOAD_SIGNAL_PROP for properties whose slot differs).
struct Bundle {
  std::vector<std::string> files;  // source paths; SourcePos::file indexes this (files[0] = "")
  std::vector<SignalSchema> signals;
  std::vector<Field> account;  // entity schemas: slot = index
  std::vector<Field> contact;
  std::vector<Pool> pools;
  std::vector<Icp> icps;
  std::vector<SuppressionRule> suppressions;
  std::vector<Play> plays;
};

std::string write_bundle(const Bundle& bundle);

// On failure returns false with a message such as
// "bundle checksum mismatch (file corrupted?)" or
// "play 'x' clause 2: instruction 7 (JUMP): jump target 40 out of range".
bool read_bundle(std::string_view bytes, Bundle& out, std::string& error);

// Verifies every program of an in-memory bundle (what read_bundle runs
// after decoding; codegen runs it before writing). "" when all is well.
std::string verify_bundle(Bundle& bundle);

// What identifies a pattern's state across play sets (docs/language.md
// section 12, "Hot reload"): a hash of its kind, threshold, window,
// lateness, key, each member's signal type name and filter code (not its
// source positions), a rate's baseline, k and comparison, and a score's
// rules' weight code, half life and value to cross. A play whose pattern is unchanged keeps its
// windows over a reload; a changed one starts from nothing.
uint64_t pattern_hash(const Bundle& bundle, const Pattern& pattern);

// A rate as written, for disasm and the registry: "rate(product.usage, 1d)
// < 0.5 * baseline(product.usage, 28d)" (`type`: its signal type's name).
std::string rate_text(const Pattern& pattern, std::string_view type);

uint32_t crc32c(std::string_view bytes, uint32_t crc = 0);

}  // namespace play::vm
