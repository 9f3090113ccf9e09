#include "results/gate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "results/distributions.h"

namespace assay {

namespace {

std::string fmt(const char* format, double a, double b = 0, double c = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

GateDecision decide(double diff, double se, double q, double sd_unit, size_t n, double max_drop,
                    double alpha) {
  GateDecision g;
  g.alpha = alpha;
  g.max_drop = max_drop;
  g.t_quantile = q;
  g.lower = diff - q * se;
  g.upper = diff + q * se;
  if (n == 0) {
    g.verdict = GateVerdict::kInconclusive;
    g.reason = "no shared samples to compare";
    return g;
  }
  if (g.upper < -max_drop) {
    g.verdict = GateVerdict::kFail;
    g.reason = fmt("candidate is worse by %.4f (one-sided bound %.4f) beyond the allowed drop %.4f",
                   -diff, -g.upper, max_drop);
  } else if (g.lower >= -max_drop) {
    g.verdict = GateVerdict::kPass;
    g.reason =
        fmt("candidate is not worse than baseline by more than %.4f (difference %+.4f, "
            "lower bound %+.4f)",
            max_drop, diff, g.lower);
  } else {
    g.verdict = GateVerdict::kInconclusive;
    double gap = std::fabs(diff + max_drop);
    if (gap > 0 && sd_unit > 0) {
      double needed = std::ceil(std::pow(q * sd_unit / gap, 2));
      g.n_to_decide = static_cast<size_t>(std::min(needed, 1e12));
      g.reason = fmt("difference %+.4f, one-sided bounds [%+.4f, %+.4f], straddles -max_drop; ",
                     diff, g.lower, g.upper) +
                 fmt("about %.0f shared samples would decide it at this difference", needed);
    } else if (gap > 0) {
      g.reason =
          fmt("difference %+.4f, one-sided bounds [%+.4f, %+.4f], straddles -max_drop; "
              "more samples would decide it",
              diff, g.lower, g.upper);
    } else {
      g.reason = fmt("difference %+.4f equals the allowed drop; no sample size decides it", diff);
    }
  }
  return g;
}

}  // namespace

const char* gate_verdict_name(GateVerdict v) {
  switch (v) {
    case GateVerdict::kPass:
      return "pass";
    case GateVerdict::kFail:
      return "fail";
    case GateVerdict::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

GateDecision decide_gate(const PairedComparison& c, double max_drop, double alpha) {
  double df = std::max(1.0, static_cast<double>(c.n) - 1);
  double q = student_t_quantile(1 - alpha, df);
  return decide(c.diff, c.se, q, c.sd_diff, c.n, max_drop, alpha);
}

GateDecision decide_gate_normal(double diff, double se, double max_drop, double alpha) {
  double q = normal_quantile(1 - alpha);
  // An index has no single per-sample spread, so no n_to_decide (sd_unit = 0).
  return decide(diff, se, q, 0, 1, max_drop, alpha);
}

}  // namespace assay
