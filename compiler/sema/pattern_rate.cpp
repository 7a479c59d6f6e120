// `on rate(T, W) OP k * baseline(T, H) per X` (docs/language.md section 12,
// "Rate against the entity's own baseline"): the count of T per bucket of
// width W compared with the mean count per bucket over the H before it.
// The right side is not an ordinary expression: it must be
// `k * baseline(T, H)`, `baseline(T, H) * k` or `baseline(T, H)`, with k a
// constant positive number, so the engine can compare whole counts exactly
// (k kept in millionths). Codes P0335-P0339.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "compiler/sema/checker.h"

namespace play::sema {

namespace {

constexpr int64_t kHourMs = 3600 * 1000;
constexpr int64_t kMaxWindowMs = 90LL * 24 * kHourMs;  // vm::kMaxPatternWindowMs
constexpr int64_t kMaxBuckets = 366;                   // vm::kMaxBaselineBuckets
constexpr double kMaxFactor = 1000;                    // vm::kMaxRateFactorMicros / 1e6

// `product.usage` as written in an expression (a member chain) -> "product.usage".
std::string dotted(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Ident) return e.name;
  if (e.kind == ast::ExprKind::Member && e.args.size() == 1) {
    std::string head = dotted(*e.args[0]);
    return head.empty() ? head : head + "." + e.name;
  }
  return "";
}

bool is_baseline(const ast::Expr& e) { return e.kind == ast::ExprKind::Call && e.name == "baseline"; }

// A constant number: its value, or nullopt.
std::optional<double> number(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Int) return static_cast<double>(e.int_value);
  if (e.kind == ast::ExprKind::Float) return e.float_value;
  return std::nullopt;
}

}  // namespace

void Checker::check_rate(const ast::OnClause& on, Pattern& pat) {
  static const char* kShape =
      "the right side of a rate is `k * baseline(T, H)`, `baseline(T, H) * k` or `baseline(T, H)`, with k a "
      "number, e.g. `on rate(product.usage, 1d) < 0.5 * baseline(product.usage, 28d) per account`";
  pat.cmp = on.cmp_op;
  if (on.cmp_op != "<" && on.cmp_op != "<=" && on.cmp_op != ">" && on.cmp_op != ">=")
    d_.error("P0335", on.span,
             fmt::format("a rate is compared with <, <=, > or >= (a drop or a surge), not `{}`", on.cmp_op));
  if (on.window_ms < kHourMs || on.window_ms > kMaxWindowMs)
    d_.error("P0337", on.span,
             fmt::format("the window of rate(...) is its bucket: a duration from 1h to 90d, e.g. `rate({}, "
                         "1d)` counts per UTC day",
                         on.signals.empty() ? "product.usage" : on.signals[0].name));

  // Find baseline(T, H) and k on the right side.
  const ast::Expr* v = on.value.get();
  const ast::Expr* call = nullptr;
  const ast::Expr* factor = nullptr;
  if (v && is_baseline(*v)) {
    call = v;
  } else if (v && v->kind == ast::ExprKind::Binary && v->op == ast::Operator::Mul && v->args.size() == 2) {
    if (is_baseline(*v->args[1])) call = v->args[1].get(), factor = v->args[0].get();
    if (is_baseline(*v->args[0])) call = v->args[0].get(), factor = v->args[1].get();
  }
  if (!call) {
    d_.error("P0335", v ? v->span : on.span, kShape);
    return;
  }
  double k = 1;
  if (factor) {
    auto n = number(*factor);
    int64_t micros = n ? std::llround(*n * 1e6) : 0;
    if (!n || *n <= 0 || *n > kMaxFactor || static_cast<double>(micros) / 1e6 != *n) {
      d_.error("P0335", factor->span,
               fmt::format("k in `k * baseline(T, H)` must be a number written out, above 0 and up to {}, "
                           "with at most 6 decimals, e.g. `0.5 * baseline(product.usage, 28d)`",
                           kMaxFactor));
      return;
    }
    k = *n;
  }
  pat.factor_micros = std::llround(k * 1e6);
  if (call->args.size() != 2) {
    d_.error(
        "P0335", call->span,
        fmt::format("baseline takes a signal type and a history, e.g. `baseline(product.usage, 28d)`; it "
                    "has {} argument{}",
                    call->args.size(), call->args.size() == 1 ? "" : "s"));
    return;
  }
  std::string type = dotted(*call->args[0]);
  std::string rate_type = on.signals.empty() ? "" : on.signals[0].name;
  if (type != rate_type)
    d_.error(
        "P0336", call->args[0]->span,
        fmt::format("baseline({}, ...) must name the rate's own signal type, {}: a rate is compared with "
                    "the same signals' history",
                    type.empty() ? "..." : type, rate_type));
  const ast::Expr& h = *call->args[1];
  bool whole = h.kind == ast::ExprKind::Duration && on.window_ms > 0 && h.int_value > 0 &&
               h.int_value % on.window_ms == 0 && h.int_value / on.window_ms <= kMaxBuckets;
  if (!whole && on.window_ms >= kHourMs) {
    d_.error(
        "P0338", h.span,
        fmt::format("the baseline's history must be a whole number of the rate's windows ({}), from 1 to "
                    "{} of them, e.g. `baseline({}, 28d)` with `rate({}, 1d)`",
                    on.window_raw, kMaxBuckets, rate_type, rate_type));
    return;
  }
  if (whole) pat.baseline_ms = h.int_value;
}

// A bucket closes once the stream clock passes its end plus the lateness;
// the engine keeps at most two open, so the lateness fits in one window.
void Checker::check_rate_lateness(const ast::PlayDecl& decl, const Pattern& pat) {
  if (pat.lateness_ms <= pat.within_ms || pat.within_ms <= 0) return;
  auto it = std::ranges::find_if(decl.items, [](const ast::PlayItem& i) {
    return i.kind == ast::PlayItemKind::Meta && i.name == "lateness";
  });
  d_.error(
      "P0339", it != decl.items.end() ? it->name_span : decl.name_span,
      fmt::format("the lateness of a rate must be at most its window: a late signal is counted into a "
                  "bucket that is still open, and a bucket closes one lateness after its end (play '{}')",
                  decl.name));
}

}  // namespace play::sema
