#include "results/rater_agreement.h"

namespace assay {

RaterAgreement rater_agreement(const std::vector<RatedPair>& pairs) {
  RaterAgreement r;
  r.n = pairs.size();
  if (pairs.empty()) return r;
  double sum = 0;
  double disagreement = 0;  // Σ (a − b)²
  for (const RatedPair& p : pairs) {
    if (p.a == p.b) ++r.agreed;
    for (double v : {p.a, p.b}) {
      if (v != 0.0 && v != 1.0) r.binary = false;
      sum += v;
    }
    disagreement += (p.a - p.b) * (p.a - p.b);
  }
  const double n_units = static_cast<double>(r.n);
  r.observed = static_cast<double>(r.agreed) / n_units;
  // Krippendorff: D_o = Σ_u δ²_u / N; D_e = Σ_{i≠j} δ²(v_i, v_j) / (n(n − 1)) over the n = 2N
  // values, which for δ² = (v_i − v_j)² is 2·Σ(v − v̄)² / (n − 1).
  const double n_values = 2 * n_units;
  const double mean = sum / n_values;
  double ss = 0;
  for (const RatedPair& p : pairs) ss += (p.a - mean) * (p.a - mean) + (p.b - mean) * (p.b - mean);
  const double d_e = 2 * ss / (n_values - 1);
  if (d_e > 0) r.krippendorff_alpha = 1 - (disagreement / n_units) / d_e;
  if (!r.binary) return r;
  for (const RatedPair& p : pairs) {
    bool ya = p.a == 1.0;
    bool yb = p.b == 1.0;
    if (ya && yb) ++r.both_yes;
    if (ya && !yb) ++r.a_only;
    if (!ya && yb) ++r.b_only;
    if (!ya && !yb) ++r.both_no;
  }
  const double pa = static_cast<double>(r.both_yes + r.a_only) / n_units;
  const double pb = static_cast<double>(r.both_yes + r.b_only) / n_units;
  const double p_e = pa * pb + (1 - pa) * (1 - pb);
  if (p_e < 1) r.cohen_kappa = (r.observed - p_e) / (1 - p_e);
  return r;
}

}  // namespace assay
