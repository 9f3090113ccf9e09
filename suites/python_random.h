#pragma once
/// A bit-exact reimplementation of the parts of CPython's `random.Random` that reference
/// harnesses use to shuffle answer options (simple-evals GPQA: `random.Random(0)` then
/// `rng.sample(range(4), 4)` per example and repeat), so assay renders the same prompts.
/// Not thread-safe; one instance per sequence.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace assay {

/// CPython's Mersenne Twister (MT19937) with CPython's integer seeding.
class PythonRandom {
 public:
  /// Equivalent to `random.Random(seed)` for a non-negative integer seed.
  explicit PythonRandom(uint64_t seed);

  /// `getrandbits(k)` for 1 <= k <= 32.
  uint32_t getrandbits(int k);

  /// `_randbelow(n)` for n >= 1: uniform in [0, n) by rejection on `getrandbits`.
  uint32_t randbelow(uint32_t n);

  /// `sample(range(n), n)` for 1 <= n <= 26 (always CPython's pool branch): a permutation of
  /// 0..n-1.
  std::vector<int> permutation(int n);

 private:
  uint32_t next_u32();
  void init_genrand(uint32_t s);
  void init_by_array(const uint32_t* key, size_t length);

  std::array<uint32_t, 624> mt_{};
  size_t index_ = 625;
};

}  // namespace assay
