#pragma once
/// Index definitions as plain data: a weighted set of suites whose scores combine into one number.
/// Shared by suites/ (the built-in definitions) and reports/ (computing an index from runs), so
/// neither depends on the other. Weights of an index sum to 1 and include members assay does not
/// ship, so a missing member is reported, never silently re-weighted away.

#include <string>
#include <vector>

namespace assay {

/// One weighted member of an index.
struct IndexMember {
  std::string suite;    ///< built-in suite name (or the benchmark's name when not shipped)
  double weight = 0;    ///< share of the index, in [0, 1]
  std::string group;    ///< the category it belongs to (domain, or the index's own grouping)
  bool shipped = true;  ///< false when assay has no suite for it (always reported missing)
  std::string missing_because;  ///< for a member not shipped: why (e.g. "private data")
};

/// A named index.
struct IndexDefinition {
  std::string name;
  std::string description;
  std::string reference;  ///< where the weights come from
  std::vector<IndexMember> members;
};

}  // namespace assay
