#include "suites/stratified_sample.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "suites/python_random.h"

namespace assay {
namespace {

struct Stratum {
  std::vector<size_t> members;  // positions, ascending
  size_t quota = 0;
};

// Draws `n` strata without replacement, each with probability proportional to its size among
// those left, and gives each one sample.
void allot_one_each_to_drawn(std::vector<Stratum>& strata, size_t n, PythonRandom& rng) {
  uint64_t left = 0;
  for (const Stratum& s : strata) left += s.members.size();
  for (size_t k = 0; k < n; ++k) {
    uint64_t r = rng.randbelow(static_cast<uint32_t>(left));
    for (Stratum& s : strata) {
      if (s.quota > 0) continue;
      if (r < s.members.size()) {
        s.quota = 1;
        left -= s.members.size();
        break;
      }
      r -= s.members.size();
    }
  }
}

// Gives every stratum one sample and shares the other `n - strata` in proportion to the sizes
// beyond that first one, by largest remainder (ties in a seeded order).
void allot_proportionally(std::vector<Stratum>& strata, size_t n, PythonRandom& rng) {
  uint64_t rest_total = 0;
  for (Stratum& s : strata) {
    s.quota = 1;
    rest_total += s.members.size() - 1;
  }
  const uint64_t rest = n - strata.size();
  struct Share {
    size_t index;
    uint64_t remainder;  // numerator over rest_total
    uint32_t tie;
  };
  std::vector<Share> shares;
  size_t allotted = strata.size();
  for (size_t k = 0; k < strata.size(); ++k) {
    const uint64_t scaled = rest * (strata[k].members.size() - 1);
    strata[k].quota += scaled / rest_total;
    allotted += scaled / rest_total;
    shares.push_back({k, scaled % rest_total, rng.getrandbits(32)});
  }
  std::sort(shares.begin(), shares.end(), [](const Share& a, const Share& b) {
    return a.remainder != b.remainder ? a.remainder > b.remainder : a.tie < b.tie;
  });
  for (size_t k = 0; allotted < n && k < shares.size(); ++k) {
    Stratum& s = strata[shares[k].index];
    if (s.quota < s.members.size()) {
      ++s.quota;
      ++allotted;
    }
  }
}

}  // namespace

std::vector<size_t> stratified_sample(const std::vector<std::string>& strata, size_t n,
                                      uint64_t seed) {
  std::vector<size_t> out(strata.size());
  std::iota(out.begin(), out.end(), size_t{0});
  if (n >= strata.size()) return out;
  // Subsets in name order, so the draw does not depend on the order of the dataset's files.
  std::map<std::string, Stratum> by_name;
  for (size_t i = 0; i < strata.size(); ++i) by_name[strata[i]].members.push_back(i);
  std::vector<Stratum> groups;
  groups.reserve(by_name.size());
  for (auto& [name, s] : by_name) groups.push_back(std::move(s));
  PythonRandom rng(seed);
  if (n <= groups.size()) {
    allot_one_each_to_drawn(groups, n, rng);
  } else {
    allot_proportionally(groups, n, rng);
  }
  out.clear();
  for (Stratum& s : groups) {
    // A partial Fisher-Yates shuffle: the first `quota` members are a uniform draw.
    std::vector<size_t>& m = s.members;
    for (size_t i = 0; i < s.quota; ++i) {
      size_t j = i + rng.randbelow(static_cast<uint32_t>(m.size() - i));
      std::swap(m[i], m[j]);
      out.push_back(m[i]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace assay
