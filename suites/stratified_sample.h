#pragma once
/// The positions `--sample N --seed S` picks: a random sample stratified over a suite's subsets.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace assay {

/// Picks `n` of the positions 0..strata.size()-1, where `strata[i]` is position i's subset
/// ("" everywhere for a suite without subsets), breadth first: while `n` is below the number of
/// subsets, `n` subsets are drawn (without replacement, each with probability proportional to
/// its size) and get one sample each; otherwise every subset gets one and the rest of `n` is
/// shared in proportion to the subsets' sizes (largest remainders first, ties in a seeded
/// order). Within a subset its share is drawn uniformly without replacement. So a small sample
/// covers as many subsets as it can, at the price of weighting small subsets more than the whole
/// suite does (the difference fades as `n` grows). Deterministic: the same strata, `n` and
/// `seed` give the same positions on every machine (integer arithmetic only). Returns the
/// positions ascending; all of them when `n` ≥ the count. Pure; thread-safe.
std::vector<size_t> stratified_sample(const std::vector<std::string>& strata, size_t n,
                                      uint64_t seed);

}  // namespace assay
